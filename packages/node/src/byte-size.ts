import { NodeError } from './errors.js';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** "500MB", "2 GiB", "1048576" → bytes; "unlimited"/"none" → null (no cap). */
export function parseByteSize(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === 'unlimited' || t === 'none') return null;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(t);
  const unit = m ? UNITS[m[2] ?? ''] : undefined;
  if (!m || unit === undefined)
    throw new NodeError('CONFIG', `not a byte size: ${text} (try 500MB, 2GiB or unlimited)`);
  return Math.floor(Number(m[1]) * unit);
}
