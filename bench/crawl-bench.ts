// Crawl throughput: a generated loopback site (politeness lifted, a bench-only flag) crawled by
//   sward-procs     `sward coordinator` + N `sward node` processes, then `sward crawl`, all from the compiled
//                   CLI, as a user runs them (the issue's shape; CPU, peak RSS and PSS of the whole process
//                   tree, the bench's own process not in it)
//   sward           coordinator (SQLite in a temp dir) + N in-process nodes, job through the SDK,
//                   signing, ingest and link extraction on
//   undici          a plain undici loop fetching the URLs Sward stored (same count, same concurrency)
//   undici+linkedom the same loop that also parses each HTML page with linkedom and resolves its links
//                   (what Sward's ingest does per page: the fairer baseline)
//   crawlee         Crawlee's CheerioCrawler from the same seed, enqueueLinks same-hostname
//   relay           the undici loop whose every page is hashed, signed and sent in batches to a second process
//                   that verifies it (support-relay.ts): the CPU floor of any fetchers-and-coordinator design
// Each system runs in its own child process (this script with --child), so its peak RSS is its own;
// the site runs in the parent. Rounds repeat the whole set so every ratio compares runs of one round.
// Usage: node --import tsx bench/crawl-bench.ts [--pages 2000] [--nodes 4] [--concurrency 16]
//          [--rounds 2] [--keep: leave the runs' folders for study] [--systems sward-procs,sward,undici,undici-linkedom,relay,crawlee,sward-base]
//          [--base-bin PATH/packages/cli/bin/sward.js: sward-base runs another tree's compiled CLI, e.g. main's] [--profile DIR] [--json FILE]
//          [--latency-ms 20: the site waits this long before every response, as issue #14's site did]
//          [--node-flags "--cpu-prof --cpu-prof-dir=DIR": V8/Node flags for every `sward node` process]
//          [--coordinator-flags "...": the same for the `sward coordinator` process]
//          [--procs-coordinator-flags "...": added for sward-procs' coordinator only (A/B of a flag against sward-base)]
//          [--procs-node-flags "...": added for sward-procs' `sward node` processes only (the same for the nodes)]
//          [--procs-env "K=V ...": environment for every process of sward-procs' tree (A/B of e.g. GLIBC_TUNABLES)]
//          [--watcher lean|legacy|both: how the tree is read (support-tree-watch.ts); both = the two in one crawl,
//           peaks compared; --procs-watcher MODE: the same for sward-procs only (A/B of the watcher's cost)]
//        node --import tsx bench/crawl-bench.ts --coordinators 1,2 [--pages 2000] [--nodes 4] [--rounds 2]
//          (coordinators and nodes as separate compiled processes on one PostgreSQL; support-scaleout.ts)
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSampleSite } from '@sward/testsites';
import { swardNodeArgs } from '../test/support/processes.js';
import { benchOption as opt } from './support-args.js';
import { formatSummary, inclusiveShare, startProfiler, summarise } from './support-cpuprofile.js';
import { fetchEach } from './support-fetch-loop.js';
import { pageStages, readPageTimes } from './support-page-stages.js';
import {
  cpuSince,
  emitResult,
  fileCreateProbe,
  freePort,
  kernelPeakRss,
  machineFacts,
  mib,
  runChild,
  sampleRss,
  swardBenchCoordinatorArgs,
  swardCrawlArgs,
} from './support-proc.js';
import { otherThreads, procMemory, procPss, threadRoles } from './support-proc-tree.js';
import { relayRun } from './support-relay.js';
import { type CpuSample, type MemorySample, type WatchMode, watchTree } from './support-tree-watch.js';

const SCRIPT = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);

const SYSTEMS = [
  'sward',
  'sward-procs',
  'sward-base',
  'undici',
  'undici-linkedom',
  'relay',
  'crawlee',
] as const;
type System = (typeof SYSTEMS)[number];
const ALL: System[] = ['sward-procs', 'undici', 'undici-linkedom', 'crawlee'];

interface Result {
  system: System;
  /** Pages the system counts as done: stored (Sward), fetched (undici), handled (Crawlee). */
  pages: number;
  seconds: number;
  /** Peak RSS from the 50 ms sampler and from the kernel (VmHWM), bytes. */
  rssPeak: number;
  rssKernelPeak: number;
  /**
   * Peak PSS, bytes: pages shared between processes split between them, so a tree of processes counts the
   * node binary once where its summed RSS counts it per process. A Sward tree's every 50 ms (anonymous RSS plus
   * each process's share of its file pages, support-tree-watch.ts); the other systems' smaps_rollup every 250 ms.
   */
  pssPeak?: number;
  /** CPU seconds (user + system, all threads) during the timed window. */
  cpuSeconds: number;
  /** Requests the site answered during the child's run (filled in by the parent). */
  siteHits?: number;
  /** System CPU µs a file to create small files in the work folder just before the run (fileCreateProbe). */
  fsCreateUs?: number;
  extra: Record<string, unknown>;
}

async function parent(): Promise<void> {
  const pages = Number(opt('pages', '2000'));
  const nodes = Number(opt('nodes', '4'));
  const concurrency = Number(opt('concurrency', '16'));
  const rounds = Number(opt('rounds', '2'));
  const systems = opt('systems', ALL.join(',')).split(',') as System[];
  const profileDir = args.includes('--profile') ? opt('profile', '') : '';
  const latencyMs = Number(opt('latency-ms', '20'));
  const nodeFlags = opt('node-flags', '');
  const jsonOut = args.includes('--json') ? opt('json', '') : '';
  // --keep: the runs' folders (databases, blobs) are left for study instead of removed at the end
  const keep = args.includes('--keep');
  const work = mkdtempSync(join(tmpdir(), 'sward-crawl-bench-'));
  const urlsFile = join(work, 'urls.json');
  const results: Result[][] = [];
  process.stderr.write(`${machineFacts()}\n`);
  try {
    for (let round = 1; round <= rounds; round++) {
      const row: Result[] = [];
      for (const system of systems) {
        if (!system.startsWith('sward') && system !== 'crawlee' && !safeExists(urlsFile))
          throw new Error('the undici baselines need a Sward run first (they fetch the URLs it stored)');
        // A fresh site per run: its text memo and hit log start empty for every system alike.
        const site = await startSampleSite({ pages, politeness: false, slowMs: 200, latencyMs });
        const childArgs = [
          '--child',
          system,
          '--site',
          site.url,
          '--concurrency',
          String(concurrency),
          '--nodes',
          String(nodes),
          '--urls',
          urlsFile,
          '--work',
          join(work, `${system}-${round}`),
        ];
        if (profileDir && system === 'sward')
          childArgs.push('--profile', join(profileDir, `sward-round${round}.cpuprofile`));
        if (system === 'sward-base') childArgs.push('--base-bin', opt('base-bin', ''));
        // --procs-node-flags: this tree's nodes only (sward-procs), as --procs-coordinator-flags for the coordinator
        const allNodeFlags = [nodeFlags, system === 'sward-procs' ? opt('procs-node-flags', '') : '']
          .filter(Boolean)
          .join(' ');
        if (allNodeFlags) childArgs.push('--node-flags', allNodeFlags);
        // --procs-coordinator-flags: this tree's coordinator only (sward-procs), so a V8 flag is A/B'd against the base
        const coordinatorFlags = [
          opt('coordinator-flags', ''),
          system === 'sward-procs' ? opt('procs-coordinator-flags', '') : '',
        ]
          .filter(Boolean)
          .join(' ');
        if (coordinatorFlags) childArgs.push('--coordinator-flags', coordinatorFlags);
        // --procs-env: environment for every process of sward-procs' tree (A/B of e.g. GLIBC_TUNABLES)
        if (system === 'sward-procs' && opt('procs-env', '')) childArgs.push('--env', opt('procs-env', ''));
        // --watcher (every Sward tree) / --procs-watcher (sward-procs only): how the tree is read
        const watcher = (system === 'sward-procs' && opt('procs-watcher', '')) || opt('watcher', 'lean');
        childArgs.push('--watcher', watcher);
        if (profileDir && system === 'sward-procs')
          childArgs.push('--profile', join(profileDir, `sward-procs-round${round}`));
        const fsCreateUs = fileCreateProbe(work);
        process.stderr.write(`round ${round}: ${system}… (file creation ${fsCreateUs} µs a file)\n`);
        try {
          const r = await runChild<Result>(SCRIPT, childArgs, ['--max-old-space-size=4096']);
          r.siteHits = site.hits.all.length;
          r.fsCreateUs = fsCreateUs;
          row.push(r);
          process.stderr.write(
            `  ${r.pages} pages in ${r.seconds.toFixed(2)} s = ${(r.pages / r.seconds).toFixed(0)} pages/s, peak RSS ${mib(r.rssKernelPeak)} MiB\n`,
          );
        } finally {
          await site.close();
        }
      }
      results.push(row);
    }
  } finally {
    // Every run's folder is removed here, at the end, not by the run itself: thousands of files and folders
    // (bodies, blob folders, spools, the output) removed at once made the next system's every inode
    // allocation slower on a journal-less ext4 (this machine's `/`), which skips the inodes deleted in the
    // last minutes one by one, so the second system of a round paid for the first's deletions
    // (docs/BENCHMARKS.md, session 17, cmain).
    if (keep) process.stderr.write(`runs kept in ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ machine: machineFacts(), results }, null, 2));
  process.stdout.write(`${report(results, { pages, nodes, concurrency, latencyMs })}\n`);
  if (profileDir) {
    for (let round = 1; round <= rounds; round++) {
      const file = join(profileDir, `sward-round${round}.cpuprofile`);
      if (!safeExists(file)) continue;
      const prof = JSON.parse(readFileSync(file, 'utf8'));
      process.stdout.write(`\n${formatSummary(summarise(prof), `Sward child, round ${round}`)}\n`);
      const groups: [string, (f: string, fn: string) => boolean][] = [
        ['@sward/core (all, inclusive)', (f) => f.startsWith('packages/core/')],
        ['@sward/node (inclusive)', (f) => f.startsWith('packages/node/')],
        ['coordinator ingest (inclusive)', (f) => f.startsWith('packages/coordinator/src/ingest/')],
        [
          'coordinator html-inspect / linkedom (inclusive)',
          (f) => f.includes('html-inspect') || f === 'node_modules/linkedom',
        ],
        ['coordinator frontier store (inclusive)', (f) => f.includes('frontier-store')],
        ['coordinator API routes (inclusive)', (f) => f.startsWith('packages/coordinator/src/api/')],
        [
          'better-sqlite3 driver (inclusive)',
          (f) => f.includes('sqlite-driver') || f === 'node_modules/better-sqlite3',
        ],
        ['zod (inclusive)', (f) => f === 'node_modules/zod'],
        ['undici (inclusive)', (f) => f === 'node_modules/undici'],
        [
          'hono + node-server (inclusive)',
          (f) => f.startsWith('node_modules/@hono') || f === 'node_modules/hono',
        ],
        ['canonical JSON (inclusive)', (f) => f.includes('canonical-json')],
        ['garbage collector', (_f, fn) => fn === '(garbage collector)'],
        ['idle (event loop waiting)', (_f, fn) => fn === '(idle)'],
      ];
      process.stdout.write('\n| group (inclusive of callees) | share of samples |\n|---|---:|\n');
      for (const [name, m] of groups)
        process.stdout.write(`| ${name} | ${(inclusiveShare(prof, m) * 100).toFixed(1)}% |\n`);
    }
  }
}

function safeExists(p: string): boolean {
  try {
    readFileSync(p);
    return true;
  } catch {
    return false;
  }
}

function report(
  rounds: Result[][],
  cfg: { pages: number; nodes: number; concurrency: number; latencyMs: number },
): string {
  const out: string[] = [
    `Site: ${cfg.pages} article pages (+ hubs and specials), loopback, ${cfg.latencyMs} ms before every response, politeness off. Concurrency ${cfg.concurrency} (Sward: ${cfg.nodes} nodes × ${cfg.concurrency / cfg.nodes}).`,
    '',
    '| round | system | pages | site requests | seconds | pages/s | vs undici (same round) | vs undici+linkedom | CPU s | CPU ms/page | peak RSS MiB (50 ms sampler / kernel HWM; Sward: the tree summed) | peak PSS MiB (Sward trees: every 50 ms, support-tree-watch.ts; others: every 250 ms) |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  rounds.forEach((row, i) => {
    const rate = (s: System) => {
      const r = row.find((x) => x.system === s);
      return r ? r.pages / r.seconds : Number.NaN;
    };
    for (const r of row) {
      const pps = r.pages / r.seconds;
      const vs = (s: System) => (Number.isNaN(rate(s)) ? '–' : `${((pps / rate(s)) * 100).toFixed(0)}%`);
      out.push(
        `| ${i + 1} | ${r.system} | ${r.pages} | ${r.siteHits ?? '–'} | ${r.seconds.toFixed(2)} | ${pps.toFixed(0)} | ${vs('undici')} | ${vs('undici-linkedom')} | ${r.cpuSeconds.toFixed(1)} | ${((r.cpuSeconds * 1000) / r.pages).toFixed(1)} | ${mib(r.rssPeak)} / ${mib(r.rssKernelPeak)} | ${r.pssPeak === undefined ? '–' : mib(r.pssPeak)} |`,
      );
    }
  });
  // Per-round ratios, then their median: on a shared machine a ratio within one round is the robust figure.
  const ratio = (a: System, b: System) =>
    rounds
      .map((row) => {
        const x = row.find((r) => r.system === a);
        const y = row.find((r) => r.system === b);
        return x && y ? x.pages / x.seconds / (y.pages / y.seconds) : Number.NaN;
      })
      .filter((v) => !Number.isNaN(v))
      .sort((p, q) => p - q);
  const median = (v: number[]) =>
    v.length === 0 ? Number.NaN : ((v[(v.length - 1) >> 1] as number) + (v[v.length >> 1] as number)) / 2;
  out.push('', '| ratio of pages/s (per round → median) | value |', '|---|---:|');
  for (const [a, b] of [
    ['sward', 'undici'],
    ['sward', 'undici-linkedom'],
    ['sward', 'crawlee'],
    ['sward-procs', 'undici'],
    ['sward-procs', 'undici-linkedom'],
    ['relay', 'undici'],
    ['sward-procs', 'crawlee'],
    ['sward-base', 'undici'],
    ['sward-base', 'crawlee'],
    ['sward-procs', 'sward-base'],
  ] as [System, System][]) {
    const v = ratio(a, b);
    if (v.length)
      out.push(`| ${a} / ${b} | ${v.map((x) => x.toFixed(2)).join(', ')} → **${median(v).toFixed(2)}** |`);
  }
  const probes = rounds.map(
    (row, i) => `round ${i + 1}: ${row.map((r) => `${r.system} ${r.fsCreateUs ?? '–'}`).join(', ')}`,
  );
  out.push(
    '',
    `File creation just before each run, system CPU µs a file (fileCreateProbe): ${probes.join('; ')}`,
  );
  const extras = rounds.flat().filter((r) => Object.keys(r.extra).length > 0);
  if (extras.length) {
    out.push('', 'Details per run:');
    for (const r of extras) out.push(`- ${r.system}: ${JSON.stringify(r.extra)}`);
  }
  return out.join('\n');
}

async function child(system: System): Promise<void> {
  // A Sward tree's peaks are the tree's (its watcher's readings): this process's own samplers would only
  // take CPU from the tree it watches (its own PSS every 250 ms walked ~100 MiB of page tables)
  const tree = system === 'sward-procs' || system === 'sward-base';
  const rss = tree ? null : sampleRss(50);
  let pssPeak = 0;
  const pssSampler = tree
    ? undefined
    : setInterval(() => {
        pssPeak = Math.max(pssPeak, procPss(process.pid));
      }, 250);
  pssSampler?.unref();
  const site = opt('site', '');
  const concurrency = Number(opt('concurrency', '16'));
  const work = opt('work', '');
  const urlsFile = opt('urls', '');
  const profileFile = args.includes('--profile') ? opt('profile', '') : '';
  const run =
    system === 'sward'
      ? () => swardRun(site, concurrency, Number(opt('nodes', '4')), work, urlsFile, profileFile)
      : system === 'sward-procs' || system === 'sward-base'
        ? () =>
            swardProcsRun(
              site,
              concurrency,
              Number(opt('nodes', '4')),
              work,
              // the base run's URL list is not the baselines' (they fetch what this tree's Sward stored)
              system === 'sward-base' ? join(work, '..', 'base-urls.json') : urlsFile,
              profileFile,
              system === 'sward-base' ? opt('base-bin', '') : '',
              opt('node-flags', '').split(/\s+/).filter(Boolean),
              opt('coordinator-flags', '').split(/\s+/).filter(Boolean),
              opt('watcher', 'lean') as WatchMode,
            )
        : system === 'crawlee'
          ? () => crawleeRun(site, concurrency, work)
          : system === 'relay'
            ? () =>
                // its peak RSS columns are the fetcher's alone (the receiver is not sampled): read its CPU
                relayRun(
                  (JSON.parse(readFileSync(urlsFile, 'utf8')) as string[]).map((p) => site + p),
                  concurrency,
                ) as Promise<Timed>
            : () =>
                undiciRun(
                  (JSON.parse(readFileSync(urlsFile, 'utf8')) as string[]).map((p) => site + p),
                  concurrency,
                  system === 'undici-linkedom',
                );
  const r = await run();
  rss?.stop();
  clearInterval(pssSampler);
  // sward-procs: the process tree's sampled peak (coordinator + nodes + `sward crawl`) in both RSS columns
  const { rssTree, pssTree, ...rest } = r;
  emitResult({
    system,
    ...rest,
    rssPeak: rssTree ?? rss?.peak() ?? 0,
    rssKernelPeak: rssTree ?? kernelPeakRss(),
    pssPeak: pssTree ?? Math.max(pssPeak, procPss(process.pid)),
  } satisfies Result);
  // Crawlee and undici keep sockets and timers alive; the result is out, so leave now.
  process.exit(0);
}

type Timed = Pick<Result, 'pages' | 'seconds' | 'cpuSeconds' | 'extra'> & {
  rssTree?: number;
  pssTree?: number;
};

async function swardRun(
  site: string,
  concurrency: number,
  nodeCount: number,
  work: string,
  urlsFile: string,
  profileFile: string,
): Promise<Timed> {
  const { startCoordinator } = await import('@sward/coordinator');
  const { startNode } = await import('@sward/node');
  const { SwardClient } = await import('@sward/sdk');
  const { pino } = await import('pino');
  const log = pino({ level: 'warn' });
  const coordinator = await startCoordinator({
    db: join(work, 'sward.db'),
    dataDir: join(work, 'coordinator'),
    scheduler: { politeness: false, hostDelayMs: 0 },
    log,
  });
  const nodes = [];
  for (let i = 1; i <= nodeCount; i++) {
    const dir = join(work, `node-${i}`);
    nodes.push(
      await startNode(
        {
          coordinatorUrl: coordinator.url,
          keyFile: join(dir, 'node.key'),
          logFile: join(dir, 'fetch-log.jsonl'),
          stateFile: join(dir, 'state.json'),
          allowPrivate: true, // the site is on loopback
          maxConcurrent: Math.max(1, Math.round(concurrency / nodeCount)),
          operator: `bench-${i}`,
        },
        { logger: log },
      ),
    );
  }
  const client = new SwardClient({ url: coordinator.url, apiKey: coordinator.firstApiKey as string });
  const profiler = profileFile ? await startProfiler(profileFile) : null;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const job = await client.createCrawl({ seed: `${site}/`, maxPages: 1_000_000, maxDepth: 100 });
  let done = await client.job(job.id);
  // Bounded: a crawl that has not finished in 10 minutes is a failure, not a slow result.
  for (let i = 0; i < 12_000 && done.state !== 'done'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    done = await client.job(job.id);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = cpuSince(cpu0);
  await profiler?.stop();
  if (done.state !== 'done') throw new Error('Sward crawl did not finish in 10 minutes');
  // Not part of "done": the log sequencer gives leaves in the background; time the catch-up separately.
  const f0 = performance.now();
  await coordinator.flushLog();
  const flushMs = performance.now() - f0;
  const urls: string[] = [];
  // Paths, not URLs: every run gets a fresh site on a new port.
  for await (const p of client.pages(job.id)) {
    const u = new URL(p.url);
    urls.push(u.pathname + u.search);
  }
  writeFileSync(urlsFile, JSON.stringify(urls));
  await Promise.all(nodes.map((n) => n.stop()));
  await coordinator.close();
  return {
    pages: done.stored,
    seconds,
    cpuSeconds,
    extra: {
      coordinatorMs: done.finishedAt === null ? null : done.finishedAt - done.createdAt,
      logFlushAfterDoneMs: Math.round(flushMs),
      skipped: done.progress?.skipped,
      failed: done.progress?.failed,
      pagesByNode: Object.values(done.progress?.pagesByNode ?? {}),
    },
  };
}

/**
 * Sward as a user runs it (the issue's shape): `sward coordinator`, `nodeCount` `sward node` processes, then
 * `sward crawl` (its own process: submits the job, follows it, writes the output folder), all from the
 * compiled CLI (packages/cli/bin/sward.js, dist/). This process only watches: it reads CPU and memory of the
 * three kinds of processes from /proc and never calls the coordinator. The crawl's window runs from starting
 * `sward crawl` to the job's finishedAt (documents ready, the coordinator's clock); the command then writes
 * its output, reported apart. CPU is every thread of every process of the tree, sampled every 100 ms;
 * memory every 50 ms (RSS summed over the tree, and PSS: shared pages split between the processes that map
 * them), read as support-tree-watch.ts says (`watcher`: lean, legacy, or both to compare them in one crawl).
 * `profileDir`: the coordinator runs with --cpu-prof into it.
 */
async function swardProcsRun(
  site: string,
  concurrency: number,
  nodeCount: number,
  work: string,
  urlsFile: string,
  profileDir: string,
  baseBin: string,
  nodeFlags: string[],
  coordinatorFlags: string[],
  watcher: WatchMode,
): Promise<Timed> {
  const { spawn } = await import('node:child_process');
  const { mkdirSync } = await import('node:fs');
  const bin = baseBin || fileURLToPath(new URL('../packages/cli/bin/sward.js', import.meta.url));
  // SQL statements of the coordinator are counted by a preload (support-sqlite-count.mjs) into this file
  const sqlCount = join(work, 'sql-count.json');
  const extra = Object.fromEntries(
    opt('env', '')
      .split(/\s+/)
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  const env = {
    ...process.env,
    SWARD_LOG_LEVEL: 'warn',
    SWARD_NODE_LOG_LEVEL: 'warn',
    NODE_OPTIONS: '',
    ...extra,
  };
  const start = (args: string[], flags: string[] = [], extraEnv: Record<string, string> = {}) => {
    const child = spawn(process.execPath, [...flags, bin, ...args], {
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 600; i++) {
        const m = out.match(re);
        if (m) return m;
        if (child.exitCode !== null) throw new Error(`sward ${args[0]} exited: ${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`sward ${args[0]} did not print ${re}: ${out}`);
    };
    return { child, waitFor, out: () => out, exited: new Promise((r) => child.once('exit', r)) };
  };
  mkdirSync(work, { recursive: true });
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const port = await freePort();
  const coord = start(
    swardBenchCoordinatorArgs(join(work, 'sward.db'), port),
    [
      '--import',
      fileURLToPath(new URL('./support-sqlite-count.mjs', import.meta.url)),
      ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
      // --coordinator-flags, or SWARD_BENCH_COORDINATOR_FLAGS, e.g. --perf-basic-prof, so `perf record -t
      // <coordinator pid>` names JavaScript frames: perf samples only time on a CPU, where the V8 sampler
      // above also counts a loaded machine's waits
      ...coordinatorFlags,
      ...(process.env.SWARD_BENCH_COORDINATOR_FLAGS?.split(' ').filter(Boolean) ?? []),
    ],
    { SWARD_BENCH_SQL_COUNT: sqlCount },
  );
  const key = (await coord.waitFor(/first API key \(shown once, stored hashed\): (sk_\S+)/))[1] as string;
  const url = `http://127.0.0.1:${port}`;
  const perNode = Math.max(1, Math.round(concurrency / nodeCount));
  const nodes = Array.from({ length: nodeCount }, (_, i) => {
    const dir = join(work, `node-${i + 1}`);
    return start([...swardNodeArgs(url, dir), '--max-concurrent', String(perNode)], nodeFlags);
  });
  // the nodes open their sessions and start asking for work before the clock starts
  await new Promise((r) => setTimeout(r, 3000));
  const coordPid = coord.child.pid as number;
  const nodePids = nodes.map((n) => n.child.pid).filter((p): p is number => !!p);
  // What each process holds before the job (sessions open, nothing leased): a node's footprint at rest.
  const idle = { coordinator: procMemory(coordPid), node: procMemory(nodePids[0] as number) };
  const sqlTotals = () => {
    try {
      return JSON.parse(readFileSync(sqlCount, 'utf8')) as { statements: number; captureInserts: number };
    } catch {
      return { statements: Number.NaN, captureInserts: Number.NaN };
    }
  };
  // Memory every 50 ms, CPU every 100 ms (support-tree-watch.ts); peaks are taken afterwards, over the
  // crawl's window (until the job is done) and over the whole command (its output written too).
  const watch = watchTree({
    coordPid,
    nodePids,
    sqlCountFile: sqlCount,
    mode: watcher,
    readSqlTotals: sqlTotals,
  });
  // the preload writes its totals ten times a second: let a fresh total land before the first reading
  await new Promise((r) => setTimeout(r, 250));
  const first = watch.sampleCpu();
  const t0 = first.at;
  watch.resetPeaks();
  const watcherCpuStart = process.cpuUsage();
  const crawl = start(swardCrawlArgs(site, url, key, join(work, 'out')));
  watch.setCrawlPid(crawl.child.pid as number);
  // Bounded: a crawl that has not finished in 10 minutes is a failure, not a slow result.
  const timeout = setTimeout(() => crawl.child.kill('SIGKILL'), 600_000);
  // The job is done when the coordinator says so; its time comes back with the command's JSON, so the window
  // closes in the samples afterwards. Until then the sampler counts every peak in the crawl's window.
  const code = await crawl.exited;
  clearTimeout(timeout);
  const t2 = Date.now();
  watch.stop();
  const kernelPeaks = watch.kernelPeaks();
  const { memory, legacyMemory, cpu: samples } = watch;
  if (code !== 0) throw new Error(`sward crawl exited ${code}: ${crawl.out().slice(-2000)}`);
  const answer = JSON.parse(crawl.out()) as {
    job: {
      id: string;
      createdAt: number;
      capturedAt: number | null;
      finishedAt: number;
      stored: number;
      progress?: { skipped?: number; failed?: number; pagesByNode?: Record<string, number> };
    };
    elapsedMs: number;
  };
  const done = answer.job;
  // the first reading at or after the job's end closes the window (≤ 100 ms late)
  const last = samples.find((s) => s.at >= done.finishedAt) ?? (samples.at(-1) as CpuSample);
  const end = samples.at(-1) as CpuSample;
  const peaks = {
    crawlWindow: memoryPeaks(memory.filter((m) => m.at <= done.finishedAt)),
    wholeCommand: memoryPeaks(memory),
  };
  // the watcher's own CPU (this process, all its threads) from the crawl's start to the command's exit,
  // which it shares the machine with: ms a page and cores
  const watcherCpu = process.cpuUsage(watcherCpuStart);
  const watcherCpuS = (watcherCpu.user + watcherCpu.system) / 1e6;
  // What the coordinator's threads are (gdb pauses it for a moment: after the window)
  const roles = threadRoles(coordPid);
  // The coordinator and a node after the crawl, idle again (a long-running process must come back down)
  await new Promise((r) => setTimeout(r, 2000));
  const after = { coordinator: procMemory(coordPid), node: procMemory(nodePids[0] as number) };
  // Where the pages waited (the coordinator's records; its lease length is the default, 60 s)
  const stages = pageStages(readPageTimes(join(work, 'sward.db'), done.id, 60_000));
  const urls = readFileSync(join(work, 'out', 'pages.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const u = new URL((JSON.parse(l) as { url: string }).url);
      return u.pathname + u.search;
    });
  writeFileSync(urlsFile, JSON.stringify(urls));
  for (const p of [...nodes, coord]) p.child.kill('SIGINT');
  await Promise.all([...nodes, coord].map((p) => p.exited));
  const pages = done.stored;
  const perPage = (a: number, b: number) => +(((b - a) * 1000) / pages).toFixed(2);
  return {
    pages,
    seconds: (done.finishedAt - t0) / 1000,
    cpuSeconds: last.tree - first.tree,
    rssTree: peaks.crawlWindow.treeRss,
    pssTree: peaks.crawlWindow.treePss,
    extra: {
      // the job alone (created → documents ready), and the command whole (start → output written, exit)
      jobSeconds: (done.finishedAt - done.createdAt) / 1000,
      capturedMs: done.capturedAt == null ? null : done.capturedAt - done.createdAt,
      commandSeconds: (t2 - t0) / 1000,
      outputCpuS: +(end.tree - last.tree).toFixed(2),
      // Cores busy on the whole machine during the crawl's window, the tree's share and the rest (the bench's
      // site and watcher, and whatever else runs on the machine): a run with the rest high was a loaded run
      machineCores: machineCores(first, last),
      coordinatorMainCpuMsPerPage: perPage(first.coordMain, last.coordMain),
      coordinatorWorkersCpuMsPerPage: perPage(
        first.coordAll - first.coordMain,
        last.coordAll - last.coordMain,
      ),
      // the node processes together (fetch, sign, hash, spool, upload)
      nodesCpuMsPerPage: perPage(first.nodes, last.nodes),
      // `sward crawl` itself: start, submit, poll every 250 ms
      crawlCommandCpuMsPerPage: perPage(first.crawl, last.crawl),
      // the coordinator's other threads one by one, busiest first, named from their stacks (threadRoles)
      coordinatorOtherThreadsMsPerPage: otherThreads(
        first.coordThreads,
        last.coordThreads,
        coordPid,
        pages,
        roles,
      ),
      // peak RSS of each kind of process, the tree's summed RSS and its PSS, in the window and over the command
      peakMiB: { crawlWindow: peaksMiB(peaks.crawlWindow), wholeCommand: peaksMiB(peaks.wholeCommand) },
      // the kernel's peak RSS (VmHWM) from the crawl's start to the command's end: exact, a process at a time
      kernelPeakMiB: { coordinator: mib(kernelPeaks.coordinator), node: mib(Math.max(...kernelPeaks.nodes)) },
      watcher: {
        mode: watcher,
        cpuMsPerPage: +((watcherCpuS * 1000) / done.stored).toFixed(3),
        cores: +(watcherCpuS / ((t2 - t0) / 1000)).toFixed(3),
        // the lean PSS's assumption (a process's anonymous pages are its own), checked at every exact reading
        ...(watcher === 'legacy' ? {} : { pssAnonGapMiB: watch.pssAnonGapMiB() }),
        // `both`: the old watcher's peaks in the same crawl, to compare with peakMiB's
        ...(watcher === 'both'
          ? {
              legacyPeakMiB: {
                crawlWindow: peaksMiB(memoryPeaks(legacyMemory.filter((m) => m.at <= done.finishedAt))),
                wholeCommand: peaksMiB(memoryPeaks(legacyMemory)),
              },
            }
          : {}),
      },
      // RSS / anonymous / file-backed MiB of the coordinator and of node 1, before the job and 2 s after it
      idleMiB: idle,
      afterMiB: after,
      // pages leased but not started, fetching, fetched but not stored: mean over the steady middle, p50/p90
      pageStages: stages,
      sqlStatementsPerPage: +((last.statements - first.statements) / pages).toFixed(1),
      // answers (stored, skipped, failed) per INSERT INTO captures: the batches the capture path commits
      capturesPerCaptureInsert: +(
        (pages + (done.progress?.skipped ?? 0) + (done.progress?.failed ?? 0)) /
        (last.captureInserts - first.captureInserts)
      ).toFixed(2),
      profiles: profileDir ? readdirSync(profileDir) : [],
      skipped: done.progress?.skipped,
      failed: done.progress?.failed,
      pagesByNode: Object.values(done.progress?.pagesByNode ?? {}),
    },
  };
}

/** Mean cores busy between two CPU readings: the whole machine, the Sward tree, and everything else. */
function machineCores(a: CpuSample, b: CpuSample) {
  const s = (b.at - a.at) / 1000;
  const busy = (b.machine - a.machine) / s;
  const tree = (b.tree - a.tree) / s;
  return { busy: +busy.toFixed(2), tree: +tree.toFixed(2), outsideTree: +(busy - tree).toFixed(2) };
}

function memoryPeaks(ms: MemorySample[]) {
  const max = (f: (m: MemorySample) => number) => ms.reduce((a, m) => Math.max(a, f(m)), 0);
  return {
    coordinator: max((m) => m.coordinator),
    node: max((m) => Math.max(...m.nodes)),
    crawlCommand: max((m) => m.crawl),
    treeRss: max((m) => m.nodes.reduce((a, r) => a + r, m.coordinator + m.crawl)),
    treePss: max((m) => m.pss),
  };
}

function peaksMiB(p: ReturnType<typeof memoryPeaks>) {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, mib(v)]));
}

async function undiciRun(urls: string[], concurrency: number, parseLinks: boolean): Promise<Timed> {
  const { Agent } = await import('undici');
  const { parseHTML } = await import('linkedom');
  const agent = new Agent({ connections: concurrency });
  let ok = 0;
  let links = 0;
  let bytes = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fetchEach(urls, concurrency, agent, (url, res, body) => {
    bytes += body.length;
    ok++;
    if (parseLinks && String(res.headers['content-type'] ?? '').includes('html')) {
      // The same work Sward's coordinator does per page (html-inspect.ts): one linkedom parse, hrefs resolved.
      const { document } = parseHTML(body.toString('utf8'));
      const found = new Set<string>();
      for (const a of document.querySelectorAll('a[href]')) {
        try {
          found.add(new URL(a.getAttribute('href') ?? '', url).href);
        } catch {
          // not a URL
        }
      }
      links += found.size;
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = cpuSince(cpu0);
  await agent.close();
  return { pages: ok, seconds, cpuSeconds, extra: parseLinks ? { bytes, links } : { bytes } };
}

async function crawleeRun(site: string, concurrency: number, work: string): Promise<Timed> {
  // Crawlee reads its storage location from the environment when it loads.
  process.env.CRAWLEE_STORAGE_DIR = join(work, 'crawlee-storage');
  process.env.CRAWLEE_PURGE_ON_START = 'true';
  const { CheerioCrawler, Configuration, log, LogLevel } = await import('@crawlee/cheerio');
  log.setLevel(LogLevel.WARNING);
  const config = new Configuration({ purgeOnStart: true });
  let handled = 0;
  const crawler = new CheerioCrawler(
    {
      minConcurrency: concurrency,
      maxConcurrency: concurrency,
      maxRequestRetries: 2,
      // Sward honours robots.txt; so does this run, so both crawl the same set of pages.
      respectRobotsTxtFile: true,
      async requestHandler({ enqueueLinks }) {
        handled++;
        await enqueueLinks({ strategy: 'same-hostname' });
      },
      failedRequestHandler() {},
    },
    config,
  );
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const stats = await crawler.run([`${site}/`]);
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = cpuSince(cpu0);
  return {
    pages: handled,
    seconds,
    cpuSeconds,
    extra: { requestsFinished: stats.requestsFinished, requestsFailed: stats.requestsFailed },
  };
}

// Last, so every const above is initialised before the top-level await runs.
const KNOWN = [
  'pages',
  'nodes',
  'concurrency',
  'rounds',
  'systems',
  'base-bin',
  'profile',
  'json',
  'latency-ms',
  'node-flags',
  'coordinator-flags',
  'procs-coordinator-flags',
  'procs-node-flags',
  'procs-env',
  'watcher',
  'procs-watcher',
  'coordinators',
  'keep',
];
if (args.includes('--help') || args.includes('-h')) {
  // The usage is this file's header comment: one place to keep it.
  const header = readFileSync(SCRIPT, 'utf8').split('\n');
  console.log(
    header
      .slice(
        0,
        header.findIndex((l) => !l.startsWith('//')),
      )
      .map((l) => l.slice(3))
      .join('\n'),
  );
  process.exit(0);
}
if (args[0] !== '--child') {
  // A misspelt option would otherwise be ignored and start a long run with the defaults.
  // Every option takes a value, which may itself start with "--" (--node-flags "--cpu-prof …"): skip it.
  const unknown = args.filter(
    (a, i) =>
      a.startsWith('--') && !KNOWN.includes(a.slice(2)) && !KNOWN.includes(args[i - 1]?.slice(2) ?? ''),
  );
  const systems = opt('systems', ALL.join(',')).split(',');
  const badSystems = systems.filter((s) => !(SYSTEMS as readonly string[]).includes(s));
  if (unknown.length > 0 || badSystems.length > 0) {
    console.error(
      `crawl-bench: ${[...unknown.map((u) => `unknown option ${u}`), ...badSystems.map((s) => `unknown system "${s}"`)].join('; ')} (--help lists them)`,
    );
    process.exit(2);
  }
}
if (args.includes('--coordinators')) {
  // 1 vs N coordinator processes on one PostgreSQL database (bench/support-scaleout.ts).
  const { scaleoutBench } = await import('./support-scaleout.js');
  await scaleoutBench(args);
} else if (args[0] === '--child') {
  await child(args[1] as System);
} else {
  await parent();
}
