// Profiles a window of a bench with the in-process inspector and summarises where the CPU time went,
// so a report can name file:function and share rather than only a rate.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Profiler {
  stop(): Promise<CpuProfile>;
}

/** Starts the V8 sampling profiler on this thread; `stop()` returns the profile (and writes it if `file`). */
export async function startProfiler(file?: string, intervalUs = 500): Promise<Profiler> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
      session.disconnect();
      if (file) writeFileSync(file, JSON.stringify(profile));
      return profile;
    },
  };
}

const root = process.cwd();

/** Where a frame lives, short: "packages/core/src/hash.ts" or "node_modules/linkedom" or "node:internal/…". */
export function frameFile(url: string): string {
  if (url === '') return '(native)';
  let p = url.startsWith('file://') ? decodeURIComponent(url.slice(7)) : url;
  const nm = p.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = p.slice(nm + '/node_modules/'.length).split('/');
    return `node_modules/${rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (p.startsWith('/')) p = relative(root, p);
  return p;
}

export interface ProfileSummary {
  totalMs: number;
  /** [label, ms, share] by self time, highest first. */
  byFunction: [string, number, number][];
  byFile: [string, number, number][];
  byOwnCaller?: [string, number, number][];
}

/** Self time per function (file:function:line) and per file/package; "(idle)" is the event loop waiting. */
export function summarise(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of selfMs) {
    const cf = (byId.get(id) as ProfileNode).callFrame;
    const f = frameFile(cf.url);
    const name =
      cf.url === ''
        ? cf.functionName || '(anonymous)'
        : `${f}:${cf.functionName || '(anonymous)'}:${cf.lineNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + ms);
    const fileKey = cf.url === '' ? cf.functionName || '(native)' : f;
    file.set(fileKey, (file.get(fileKey) ?? 0) + ms);
    total += ms;
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => [k, v, v / total] as [string, number, number]);
  return { totalMs: total, byFunction: rank(fn), byFile: rank(file), byOwnCaller: byOwnCaller(profile, top) };
}

/** Inclusive time of every frame whose file matches `filter` (e.g. a package), for "how much is X in total". */
export function inclusiveShare(profile: CpuProfile, match: (file: string, fn: string) => boolean): number {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hit = new Map<number, boolean>();
  const inside = (id: number): boolean => {
    const known = hit.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id) as ProfileNode;
    const p = parent.get(id);
    const v = match(frameFile(n.callFrame.url), n.callFrame.functionName) || (p !== undefined && inside(p));
    hit.set(id, v);
    return v;
  };
  let total = 0;
  let matched = 0;
  profile.samples.forEach((id, i) => {
    const d = profile.timeDeltas[i] ?? 0;
    total += d;
    if (inside(id)) matched += d;
  });
  return total === 0 ? 0 : matched / total;
}

/**
 * Self time attributed to the innermost frame in this repository's own code (packages/…), so time spent
 * in native calls and libraries is charged to the Sward function that asked for it.
 */
export function byOwnCaller(profile: CpuProfile, top = 25): [string, number, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const owner = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const known = owner.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id) as ProfileNode;
    const f = frameFile(n.callFrame.url);
    let v: string;
    if (f.startsWith('packages/')) v = `${f}:${n.callFrame.functionName || '(anonymous)'}`;
    else {
      const p = parent.get(id);
      v = p === undefined ? `(outside packages/) ${n.callFrame.functionName || f}` : ownerOf(p);
    }
    owner.set(id, v);
    return v;
  };
  const ms = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const d = (profile.timeDeltas[i] ?? 0) / 1000;
    total += d;
    const k = ownerOf(id);
    ms.set(k, (ms.get(k) ?? 0) + d);
  });
  return [...ms]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => [k, v, v / total]);
}

export function formatSummary(s: ProfileSummary, title: string): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `${title}: ${(s.totalMs / 1000).toFixed(2)} s of samples`,
    '',
    '| self time by file / package | ms | share |',
    '|---|---:|---:|',
  ];
  for (const [k, ms, sh] of s.byFile) lines.push(`| ${k} | ${ms.toFixed(0)} | ${pct(sh)} |`);
  lines.push('', '| self time by function | ms | share |', '|---|---:|---:|');
  for (const [k, ms, sh] of s.byFunction) lines.push(`| ${k} | ${ms.toFixed(0)} | ${pct(sh)} |`);
  if (s.byOwnCaller) {
    lines.push(
      '',
      '| time charged to the innermost Sward function (packages/…) on the stack | ms | share |',
      '|---|---:|---:|',
    );
    for (const [k, ms, sh] of s.byOwnCaller) lines.push(`| ${k} | ${ms.toFixed(0)} | ${pct(sh)} |`);
  }
  return lines.join('\n');
}
