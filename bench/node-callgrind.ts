// Instructions per page of one `sward node` under callgrind: a count that the machine's load does not move,
// where the crawl bench's CPU figures do (docs/BENCHMARKS.md, issue #14). A real coordinator and sample site
// (latency 0), one node under `valgrind --tool=callgrind` with 4 slots; its counters are zeroed once it is
// idle and signed in (after an optional warm-up job on another site) and dumped when the job is done.
//
// Usage: node --import tsx bench/node-callgrind.ts [--bin packages/cli/bin/sward.js] [--pages 300]
//          [--warm 300: pages of a first job before counting] [--out DIR] [--full-day] [-- node flags…]
//        --full-day: the node starts with a byte-budget state file holding a day of traffic (a bucket for each
//        of the last 1,440 minutes), as a node that has run a day has
//        SWARD_CG_PLAIN=1: the node without valgrind, its stdout in DIR/node.out (e.g. -- --trace-opt);
//        with SWARD_CG_WRAP="strace -f -c -o FILE", under that command instead; SWARD_CG_ATTACH="perf record
//        -e cpu-clock -g -p {pid} -o FILE" (with -- --perf-basic-prof): that command over the counted job alone
// Prints {pages, ir, irPerPage}; `callgrind_annotate --inclusive=no DIR/callgrind.out.<pid>.1` names the costs.
import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSampleSite } from '@sward/testsites';
import { swardNodeArgs } from '../test/support/processes.js';
import { freePort, startChild, swardBenchCoordinatorArgs, swardCrawlArgs } from './support-proc.js';

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const nodeFlags = dash >= 0 ? argv.slice(dash + 1) : [];
const own = dash >= 0 ? argv.slice(0, dash) : argv;
const opt = (name: string, fallback: string): string => {
  const i = own.indexOf(`--${name}`);
  return i >= 0 ? (own[i + 1] ?? fallback) : fallback;
};
const bin = opt('bin', fileURLToPath(new URL('../packages/cli/bin/sward.js', import.meta.url)));
const pages = Number(opt('pages', '300'));
const warm = Number(opt('warm', '0'));
const outDir = opt('out', mkdtempSync(join(tmpdir(), 'sward-node-cg-')));
const plain = process.env.SWARD_CG_PLAIN === '1';
const work = join(outDir, 'work');
mkdirSync(work, { recursive: true });
if (own.includes('--full-day')) {
  const minute = Math.floor(Date.now() / 60_000);
  const buckets = Array.from({ length: 1440 }, (_, i) => [minute - 1439 + i, 1000]);
  writeFileSync(join(work, 'state.json'), JSON.stringify({ v: 1, buckets }));
}
const env = { ...process.env, SWARD_LOG_LEVEL: 'warn', SWARD_NODE_LOG_LEVEL: 'warn', NODE_OPTIONS: '' };

const start = (cmd: string, args: string[]) => startChild(cmd, args, env, children);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// A failed run must not leave its coordinator or its node (under valgrind) running
const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});
const port = await freePort();
const coord = start(process.execPath, [bin, ...swardBenchCoordinatorArgs(join(work, 'sward.db'), port)]);
const key = (await coord.waitFor(/first API key \(shown once, stored hashed\): (sk_\S+)/))[1] as string;
const url = `http://127.0.0.1:${port}`;
const nodeArgs = [...nodeFlags, bin, ...swardNodeArgs(url, work), '--max-concurrent', '4'];
// SWARD_CG_WRAP (with SWARD_CG_PLAIN=1): a command the node runs under, e.g. "strace -f -c -o FILE"
const wrap = process.env.SWARD_CG_WRAP?.split(' ').filter(Boolean) ?? [];
const node = plain
  ? wrap.length > 0
    ? start(wrap[0] as string, [...wrap.slice(1), process.execPath, ...nodeArgs])
    : start(process.execPath, nodeArgs)
  : start('valgrind', [
      '--tool=callgrind',
      `--callgrind-out-file=${join(outDir, 'callgrind.out')}.%p`,
      process.execPath,
      ...nodeArgs,
    ]);
await node.waitFor(/^node /m);
await sleep(8000);
const pid = String(node.child.pid);

async function crawl(siteUrl: string, out: string): Promise<number> {
  const c = start(process.execPath, [bin, ...swardCrawlArgs(siteUrl, url, key, join(work, out))]);
  const code = await c.exited;
  if (code !== 0) throw new Error(`sward crawl exited ${code}: ${c.out().slice(-500)}`);
  return (JSON.parse(c.out()) as { job: { stored: number } }).job.stored;
}

if (warm > 0) {
  const warmSite = await startSampleSite({ pages: warm, politeness: false, slowMs: 200, seed: 7 });
  await crawl(warmSite.url, 'warm-out');
  await sleep(3000);
  await warmSite.close();
}
const site = await startSampleSite({ pages, politeness: false, slowMs: 200 });
const warmEnd = node.out().length;
// Plain runs also report the node's CPU over the counted job (user + system, /proc) and its peak RSS
const cpuMs = (): { user: number; sys: number } => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return { user: (Number(f[11]) * 1000) / 100, sys: (Number(f[12]) * 1000) / 100 };
};
// SWARD_CG_ATTACH (with SWARD_CG_PLAIN=1): a command attached to the node over the counted job alone, its
// "{pid}" replaced, stopped with SIGINT after it, e.g. "perf record -e cpu-clock -g -p {pid} -o FILE"
const attachCmd = process.env.SWARD_CG_ATTACH?.replaceAll('{pid}', pid).split(' ').filter(Boolean) ?? [];
const attached = plain && attachCmd.length > 0 ? start(attachCmd[0] as string, attachCmd.slice(1)) : null;
if (attached) await sleep(1000);
const cpuBefore = plain ? cpuMs() : { user: 0, sys: 0 };
if (!plain) execFileSync('callgrind_control', ['-z', pid], { stdio: 'ignore' });
const stored = await crawl(site.url, 'out');
// the last batch's answer lands after the job is done
await sleep(1500);
const cpuAfter = plain ? cpuMs() : cpuBefore;
const cpu = { user: cpuAfter.user - cpuBefore.user, sys: cpuAfter.sys - cpuBefore.sys };
if (attached) {
  attached.child.kill('SIGINT');
  await attached.exited;
}
const hwmMiB = plain
  ? Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
  : 0;
if (!plain) execFileSync('callgrind_control', ['-d', pid], { stdio: 'ignore' });
else
  writeFileSync(
    join(outDir, 'node.out'),
    `${node.out().slice(0, warmEnd)}\n=== COUNTED ===\n${node.out().slice(warmEnd)}`,
  );
await sleep(1000);
node.child.kill('SIGINT');
coord.child.kill('SIGINT');
await Promise.all([node.exited, coord.exited]);
await site.close();
// the dump asked for above is part 1 (callgrind.out.<pid>.1); the file without a part number is the exit's
let ir = 0;
for (const f of readdirSync(outDir).filter((f) => /^callgrind\.out\.\d+\.1$/.test(f))) {
  ir = Number(/^summary: (\d+)/m.exec(readFileSync(join(outDir, f), 'utf8'))?.[1] ?? 0);
}
console.log(
  JSON.stringify({
    out: outDir,
    pages: stored,
    ...(plain
      ? {
          cpuMsPerPage: +((cpu.user + cpu.sys) / stored).toFixed(3),
          userMsPerPage: +(cpu.user / stored).toFixed(3),
          sysMsPerPage: +(cpu.sys / stored).toFixed(3),
          peakRssMiB: +hwmMiB.toFixed(1),
        }
      : { ir, irPerPage: Math.round(ir / stored) }),
  }),
);
