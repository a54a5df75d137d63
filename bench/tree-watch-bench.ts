// The crawl bench's watcher alone: its own CPU (this process, all threads) while it watches a still tree of
// Node processes shaped like sward-procs' (a "coordinator" of ~180 MiB with a worker thread, four "nodes" of
// ~60 MiB, a "crawl" of ~55 MiB), each mode in turn for the same time. The tree idles, so the figure is the
// watcher's cost and nothing else; the page walk of smaps_rollup grows with the RSS it walks, hence the sizes.
// Usage: node --import tsx bench/tree-watch-bench.ts [--seconds 10] [--rounds 2] [--modes legacy,lean]
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchOption as opt } from './support-args.js';
import { type WatchMode, watchTree } from './support-tree-watch.js';

const seconds = Number(opt('seconds', '10'));
const rounds = Number(opt('rounds', '2'));
const modes = opt('modes', 'legacy,lean').split(',') as WatchMode[];

/** A Node process whose heap holds about `mib` MiB of small objects (pages V8 owns, as a coordinator's). */
function holder(mib: number, worker: boolean): Promise<ChildProcess> {
  const code = `
    ${worker ? "new (require('node:worker_threads').Worker)('setInterval(() => {}, 1000)', { eval: true });" : ''}
    const keep = [];
    for (let i = 0; i < ${mib} * 1024 * 1024 / 64; i++) keep.push({ a: i, b: i + 1, c: null });
    setInterval(() => {}, 1000);
    console.log('ready');`;
  const c = spawn(process.execPath, ['--max-old-space-size=2048', '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve) => c.stdout?.once('data', () => resolve(c)));
}

const dir = mkdtempSync(join(tmpdir(), 'sward-tree-watch-bench-'));
const sql = join(dir, 'sql-count.json');
writeFileSync(sql, JSON.stringify({ statements: 0, captureInserts: 0 }).padEnd(80));
const tree = await Promise.all([
  holder(120, true),
  ...Array.from({ length: 4 }, () => holder(20, false)),
  holder(15, false),
]);
const [coordinator, n1, n2, n3, n4, crawl] = tree as [
  ChildProcess,
  ChildProcess,
  ChildProcess,
  ChildProcess,
  ChildProcess,
  ChildProcess,
];
process.stdout.write(
  `tree: coordinator + 4 nodes + crawl, RSS ${tree.map((p) => statusRss(p.pid as number)).join(' / ')} MiB\n\n| round | mode | watcher CPU ms/s (cores ×1000) | of it system |\n|---:|---|---:|---:|\n`,
);
function statusRss(pid: number): number {
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024);
}
try {
  for (let round = 1; round <= rounds; round++) {
    for (const mode of modes) {
      const watch = watchTree({
        coordPid: coordinator.pid as number,
        nodePids: [n1, n2, n3, n4].map((p) => p.pid as number),
        sqlCountFile: sql,
        mode,
        readSqlTotals: () => ({ statements: 0, captureInserts: 0 }),
      });
      watch.setCrawlPid(crawl.pid as number);
      const c0 = process.cpuUsage();
      await new Promise((r) => setTimeout(r, seconds * 1000));
      const c = process.cpuUsage(c0);
      watch.stop();
      process.stdout.write(
        `| ${round} | ${mode} | ${((c.user + c.system) / 1000 / seconds).toFixed(1)} | ${(c.system / 1000 / seconds).toFixed(1)} |\n`,
      );
    }
  }
} finally {
  for (const p of tree) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
