// CPU (user + system) of BlobStore.put per body in a young store, both layouts in the same run, alternating
// (blob-layout.ts): `sha256/ab/cd/<hex>` (a store made before the layout file: a new folder for nearly
// every body) against `sha256/ab/<hex>` (256 folders in all). Fresh random bodies in fresh folders; the
// folders are removed only at the end, so the run's own deletions do not slow its inode allocations (on a
// journal-less ext4 every allocation scans past the inodes deleted in the last minutes: run it apart from
// other disk churn, and compare only the two layouts of one round).
// Usage: node --import tsx bench/blob-put-bench.ts [--bodies 2000] [--bytes 20000] [--rounds 4]
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobStore } from '../packages/coordinator/src/blob/blob-store.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const count = opt('bodies', 2000);
const bytes = opt('bytes', 20_000);
const rounds = opt('rounds', 4);

const roots: string[] = [];
async function putAll(twoLevels: boolean): Promise<{ cpuUs: number; sysUs: number }> {
  const root = mkdtempSync(join(tmpdir(), 'sward-blob-put-bench-'));
  roots.push(root);
  // a `sha256` folder without a layout file is an older store: two levels
  if (twoLevels) mkdirSync(join(root, 'sha256'));
  const store = new BlobStore(root);
  const bodies = Array.from({ length: count }, () => randomBytes(bytes));
  const hashes = bodies.map((b) => createHash('sha256').update(b).digest('hex'));
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) await store.put(hashes[i] as string, bodies[i] as Buffer);
  const used = process.cpuUsage(start);
  return { cpuUs: (used.user + used.system) / count, sysUs: used.system / count };
}

try {
  console.log(`${count} bodies of ${bytes} bytes a round; CPU µs per put (system part)`);
  for (let r = 1; r <= rounds; r++) {
    const two = await putAll(true);
    const one = await putAll(false);
    console.log(
      `round ${r}: sha256/ab/cd ${two.cpuUs.toFixed(1)} (${two.sysUs.toFixed(1)}), sha256/ab ${one.cpuUs.toFixed(1)} (${one.sysUs.toFixed(1)}), ratio ${(one.cpuUs / two.cpuUs).toFixed(2)}`,
    );
  }
} finally {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
}
