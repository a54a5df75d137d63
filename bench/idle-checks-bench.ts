// The CPU of an idle coordinator with spot checks queued that its one node may not take (issue #14 point 4):
// a real coordinator (SQLite, politeness on as shipped), one `sward node`, a small crawl of the sample site
// (its captures drawn for checks at the default 5 %, none of them the node's to take), then the coordinator's
// CPU (user + system, /proc) over `--idle` seconds with nothing to do; then, as a control, the same coordinator
// over `--idle` seconds more once the checks are ended by hand (its floor). Several builds alternate in each
// round, so their figures are compared within a run.
//
// Usage: node --import tsx bench/idle-checks-bench.ts [--bins a/sward.js,b/sward.js] [--pages 120]
//          [--idle 20] [--rounds 2] [--no-politeness: the coordinator's flag, as the crawl benches run it]
//          [--postgres: the coordinator on a fresh database of the machine's PostgreSQL (127.0.0.1:5432),
//           bodies in the run's folder, instead of a SQLite file]
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSampleSite } from '@sward/testsites';
import Database from 'better-sqlite3';
import pg from 'pg';
import { postgresBackend } from '../test/support/backends.js';
import { swardCoordinatorArgs, swardNodeArgs } from '../test/support/processes.js';
import { freePort, startChild, swardCrawlArgs } from './support-proc.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
};
const here = fileURLToPath(new URL('../packages/cli/bin/sward.js', import.meta.url));
const bins = opt('bins', `/work/base/packages/cli/bin/sward.js,${here}`).split(',');
const pages = Number(opt('pages', '120'));
const idleS = Number(opt('idle', '20'));
const rounds = Number(opt('rounds', '2'));
const impolite = argv.includes('--no-politeness');
const onPostgres = argv.includes('--postgres');
const pgDbs = onPostgres ? postgresBackend() : null;
const env = { ...process.env, SWARD_LOG_LEVEL: 'warn', SWARD_NODE_LOG_LEVEL: 'warn', NODE_OPTIONS: '' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

const start = (args: string[]) => startChild(process.execPath, args, env, children);

/** CPU seconds (user + system) a process has used, from /proc (clock ticks of 1/100 s). */
const cpuS = (pid: number): number => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(f[11]) + Number(f[12])) / 100;
};

/** One statement on the run's database, whichever it is (SQLite file or postgres:// URL). */
async function sql<T>(db: string, statement: string): Promise<T[]> {
  if (!db.startsWith('postgres')) {
    const rw = new Database(db);
    try {
      const st = rw.prepare(statement);
      if (st.reader) return st.all() as T[];
      st.run();
      return [];
    } finally {
      rw.close();
    }
  }
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  try {
    // count(*) is a bigint on PostgreSQL: as a number, as on SQLite
    return (await c.query(statement)).rows.map((r) => ({ ...r, ...(r.n != null ? { n: Number(r.n) } : {}) }));
  } finally {
    await c.end();
  }
}

async function once(bin: string) {
  const work = mkdtempSync(join(tmpdir(), 'sward-idle-checks-'));
  const db = pgDbs ? await pgDbs.create() : join(work, 'sward.db');
  const port = await freePort();
  const coord = start([
    bin,
    ...swardCoordinatorArgs(db, port),
    ...(pgDbs ? ['--data-dir', join(work, 'data')] : []),
    ...(impolite ? ['--no-politeness'] : []),
  ]);
  const key = (await coord.waitFor(/first API key \(shown once, stored hashed\): (sk_\S+)/))[1] as string;
  const url = `http://127.0.0.1:${port}`;
  const node = start([bin, ...swardNodeArgs(url, work), '--max-concurrent', '4']);
  await node.waitFor(/^node /m);
  const site = await startSampleSite({ pages, politeness: false, slowMs: 0 });
  const crawl = start([bin, ...swardCrawlArgs(site.url, url, key, join(work, 'out'))]);
  if ((await crawl.exited) !== 0) throw new Error(`sward crawl failed: ${crawl.out().slice(-500)}`);
  const stored = (JSON.parse(crawl.out()) as { job: { stored: number } }).job.stored;
  await sleep(3000);
  const pid = coord.child.pid as number;
  const idleCpu = async () => {
    const before = cpuS(pid);
    await sleep(idleS * 1000);
    return (cpuS(pid) - before) / idleS;
  };
  const cpu = await idleCpu();
  const q = await sql<{ state: string; n: number }>(
    db,
    "SELECT state, count(*) AS n FROM urls WHERE kind = 'spotcheck' GROUP BY state",
  );
  // The control: the same coordinator idle with no check queued (ended by hand), its floor.
  await sql(
    db,
    "UPDATE urls SET state = 'skipped', reason = 'bench' WHERE kind = 'spotcheck' AND state = 'queued'",
  );
  await sleep(2000);
  const floor = await idleCpu();
  node.child.kill('SIGINT');
  coord.child.kill('SIGINT');
  await Promise.all([node.exited, coord.exited]);
  await site.close();
  return { stored, checks: Object.fromEntries(q.map((r) => [r.state, r.n])), cpu, floor };
}

for (let round = 1; round <= rounds; round++)
  for (const bin of bins) {
    const r = await once(bin);
    const { cpu, floor, ...rest } = r;
    // CPU-s a second, idle with the checks queued, then with none
    console.log(
      JSON.stringify({
        round,
        bin,
        backend: onPostgres ? 'postgres' : 'sqlite',
        ...rest,
        cpuPerS: +cpu.toFixed(4),
        noChecksCpuPerS: +floor.toFixed(4),
      }),
    );
  }
await pgDbs?.cleanup();
