// Scale-out part of the crawl bench (`crawl-bench.ts --coordinators 1,2`): the same loopback site crawled
// by 1 and then 2 coordinator processes on one fresh PostgreSQL database, with the nodes as processes of
// their own, all compiled JavaScript run as a user runs it (`sward coordinator`, `sward node`). Reports
// pages/s, coordinator CPU per page (from /proc, all coordinators together), node CPU per page, and the
// SQL statements and PostgreSQL wire bytes per page (counted inside each coordinator by
// support-pg-count.mjs): the figures docs/SCALE.md builds its model on.
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SwardClient } from '@sward/sdk';
import { startSampleSite } from '@sward/testsites';
import pg from 'pg';
import { freshPostgresDatabase } from '../test/support/backends.js';
import { SWARD_BIN, swardNodeArgs } from '../test/support/processes.js';
import { benchOption } from './support-args.js';
import { machineFacts } from './support-proc.js';

const PG_COUNT = fileURLToPath(new URL('./support-pg-count.mjs', import.meta.url));
const TICK = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

export interface ScaleoutResult {
  coordinators: number;
  round: number;
  pages: number;
  seconds: number;
  coordinatorCpuS: number;
  nodeCpuS: number;
  statements: number;
  pgBytes: number;
  pagesByNode: number[];
  /** pg_database_size after the crawl, over the pages stored: what one page costs on disk. */
  dbBytesPerPage: number;
  /** Deadlocks PostgreSQL broke in this run's (fresh) database. */
  deadlocks: number;
  /** Load average (1 min) when the run started: the machine is shared. */
  load: number;
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICK;
}

interface Proc {
  child: ChildProcess;
  output: () => string;
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
}

function start(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [SWARD_BIN, ...args], {
    env: { ...process.env, SWARD_LOG_LEVEL: 'warn', SWARD_NODE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  return {
    child,
    output: () => out,
    async waitFor(re, ms = 120_000) {
      const end = Date.now() + ms;
      for (;;) {
        const m = out.match(re);
        if (m) return m;
        if (child.exitCode !== null) throw new Error(`sward ${args[0]} exited ${child.exitCode}:\n${out}`);
        if (Date.now() > end) throw new Error(`timed out waiting for ${re}:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

const readCount = (file: string) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as {
      statements: number;
      bytesRead: number;
      bytesWritten: number;
    };
  } catch {
    return { statements: 0, bytesRead: 0, bytesWritten: 0 };
  }
};

async function oneRun(
  k: number,
  round: number,
  cfg: { pages: number; nodes: number; concurrency: number },
): Promise<ScaleoutResult> {
  const work = mkdtempSync(join(tmpdir(), 'sward-scaleout-'));
  const db = await freshPostgresDatabase();
  const site = await startSampleSite({ pages: cfg.pages, politeness: false, slowMs: 200 });
  const procs: Proc[] = [];
  const load = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  try {
    const coords: { proc: Proc; url: string; countFile: string }[] = [];
    let apiKey = '';
    // One after the other: the first creates the log key, blob marker and admin key the others then share.
    for (let i = 0; i < k; i++) {
      const countFile = join(work, `pg-count-${i}.json`);
      const proc = start(
        [
          'coordinator',
          '--db',
          db.url,
          '--data-dir',
          join(work, 'shared'),
          '--anchor-file',
          join(work, `anchors-${i}.jsonl`),
          '--port',
          '0',
          '--no-politeness',
          '--host-delay-ms',
          '0',
        ],
        { NODE_OPTIONS: `--import=${PG_COUNT}`, SWARD_BENCH_PG_COUNT: countFile },
      );
      procs.push(proc);
      const url = (await proc.waitFor(/listening on (http:\/\/\S+)/))[1] as string;
      if (i === 0)
        apiKey = (await proc.waitFor(/first API key \(shown once, stored hashed\): (sk_\S+)/))[1] as string;
      coords.push({ proc, url, countFile });
    }
    const nodes: Proc[] = [];
    for (let j = 0; j < cfg.nodes; j++) {
      const dir = join(work, `node-${j}`);
      const p = start([
        ...swardNodeArgs((coords[j % k] as (typeof coords)[number]).url, dir),
        '--operator-key',
        join(dir, 'operator.pem'),
        '--operator',
        `bench-${j}`,
        '--max-concurrent',
        String(Math.max(1, Math.round(cfg.concurrency / cfg.nodes))),
      ]);
      procs.push(p);
      nodes.push(p);
    }
    // Timed from the moment every node holds a session, so process start-up is not in pages/s.
    const probe = new pg.Client({ connectionString: db.url });
    await probe.connect();
    for (let i = 0; i < 1200; i++) {
      const r = await probe.query('SELECT count(DISTINCT node_id)::int AS n FROM sessions');
      if ((r.rows[0] as { n: number }).n >= cfg.nodes) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const client = new SwardClient({ url: (coords[0] as (typeof coords)[number]).url, apiKey });
    const cpu0 = coords.map((c) => cpuOf(c.proc.child.pid as number));
    const ncpu0 = nodes.map((n) => cpuOf(n.child.pid as number));
    await new Promise((r) => setTimeout(r, 600)); // let the counters' files catch up
    const count0 = coords.map((c) => readCount(c.countFile));
    const t0 = performance.now();
    const job = await client.createCrawl({ seed: `${site.url}/`, maxPages: 1_000_000, maxDepth: 100 });
    let done = await client.job(job.id);
    for (let i = 0; i < 12_000 && done.state !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      done = await client.job(job.id);
    }
    const seconds = (performance.now() - t0) / 1000;
    const coordinatorCpuS = coords.reduce(
      (s, c, i) => s + cpuOf(c.proc.child.pid as number) - (cpu0[i] as number),
      0,
    );
    const nodeCpuS = nodes.reduce((s, n, i) => s + cpuOf(n.child.pid as number) - (ncpu0[i] as number), 0);
    if (done.state !== 'done') throw new Error(`crawl with ${k} coordinators did not finish in 10 minutes`);
    await new Promise((r) => setTimeout(r, 600));
    const count1 = coords.map((c) => readCount(c.countFile));
    const statements = count1.reduce((s, c, i) => s + c.statements - (count0[i]?.statements ?? 0), 0);
    const pgBytes = count1.reduce(
      (s, c, i) =>
        s + c.bytesRead + c.bytesWritten - (count0[i]?.bytesRead ?? 0) - (count0[i]?.bytesWritten ?? 0),
      0,
    );
    // Pages stored per node (each node talks to one coordinator: node j to coordinator j mod k).
    const byNode = await probe.query<{ node_id: string; n: number }>(
      "SELECT node_id, count(*)::int AS n FROM captures WHERE outcome = 'stored' GROUP BY node_id",
    );
    const size = await probe.query<{ b: string }>('SELECT pg_database_size(current_database())::text AS b');
    const dl = await probe.query<{ n: number }>(
      'SELECT deadlocks::int AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    await probe.end();
    return {
      coordinators: k,
      round,
      pages: done.stored,
      seconds,
      coordinatorCpuS,
      nodeCpuS,
      statements,
      pgBytes,
      pagesByNode: byNode.rows.map((r) => r.n),
      deadlocks: dl.rows[0]?.n ?? 0,
      dbBytesPerPage: Math.round(Number(size.rows[0]?.b ?? 0) / Math.max(1, done.stored)),
      load,
    };
  } finally {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGTERM');
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((r) => {
            if (p.child.exitCode !== null || p.child.signalCode !== null) return r();
            const t = setTimeout(() => {
              p.child.kill('SIGKILL');
            }, 10_000);
            p.child.once('exit', () => {
              clearTimeout(t);
              r();
            });
          }),
      ),
    );
    await site.close();
    await db.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
}

export async function scaleoutBench(args: string[]): Promise<void> {
  const opt = (name: string, dflt: string) => benchOption(name, dflt, args);
  const counts = opt('coordinators', '1,2').split(',').map(Number);
  const cfg = {
    pages: Number(opt('pages', '2000')),
    nodes: Number(opt('nodes', '4')),
    concurrency: Number(opt('concurrency', '16')),
  };
  const rounds = Number(opt('rounds', '2'));
  const jsonOut = args.includes('--json') ? opt('json', '') : '';
  process.stderr.write(`${machineFacts()}\n`);
  const results: ScaleoutResult[] = [];
  for (let round = 1; round <= rounds; round++)
    for (const k of counts) {
      process.stderr.write(`round ${round}: ${k} coordinator(s)…\n`);
      const r = await oneRun(k, round, cfg);
      process.stderr.write(`  ${r.pages} pages in ${r.seconds.toFixed(1)} s (load ${r.load})\n`);
      results.push(r);
    }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ machine: machineFacts(), cfg, results }, null, 2));
  const base = (round: number) => results.find((r) => r.round === round && r.coordinators === counts[0]);
  const lines = [
    `PostgreSQL 1 vs N coordinators: ${cfg.pages}-page loopback site, politeness off, ${cfg.nodes} node processes × ${Math.round(cfg.concurrency / cfg.nodes)} in flight, spread over the coordinators.`,
    '',
    '| round | coordinators | load at start | pages | seconds | pages/s | × first in round | coordinator CPU ms/page | node CPU ms/page | SQL statements/page | PG wire KiB/page | DB KiB/page | deadlocks |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const b = base(r.round);
    const pps = r.pages / r.seconds;
    lines.push(
      `| ${r.round} | ${r.coordinators} | ${r.load.toFixed(1)} | ${r.pages} | ${r.seconds.toFixed(1)} | ${pps.toFixed(0)} | ${b ? (pps / (b.pages / b.seconds)).toFixed(2) : '–'} | ${((r.coordinatorCpuS * 1000) / r.pages).toFixed(1)} | ${((r.nodeCpuS * 1000) / r.pages).toFixed(1)} | ${(r.statements / r.pages).toFixed(1)} | ${(r.pgBytes / 1024 / r.pages).toFixed(1)} | ${(r.dbBytesPerPage / 1024).toFixed(1)} | ${r.deadlocks} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
