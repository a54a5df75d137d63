// WAL checkpoints in the main connection's commits (SQLite's default) against their own thread's
// (store/sqlite-checkpointer.ts) and against the loop hosted on an extraction thread (what `sward coordinator`
// runs once its extraction pool has started; the host sits idle here), through the driver the store uses: write
// transactions shaped like a capture batch's (a capture row with its indexes, 20 links into a URL table, a
// node's row), with a read between them. Per transaction: the main thread's CPU (/proc/thread-self/stat, 10 ms
// ticks, so only the sum means anything) and wall, the slowest five, and how many took over 10 ms; the WAL's
// peak size. Variants alternate within each round, each on a fresh file.
// Usage: node --import tsx bench/sqlite-checkpoint-bench.ts [--transactions 2000] [--rounds 3]
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Worker } from 'node:worker_threads';
import { startExtractionWorker } from '../packages/coordinator/src/ingest/extraction-pool.js';
import { openSqliteDriver } from '../packages/coordinator/src/store/sqlite-driver.js';
import { machineFacts } from './support-proc.js';
import { procCpu } from './support-proc-tree.js';

const { values } = parseArgs({
  options: { transactions: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '3' } },
});
const transactions = Number(values.transactions);
const rounds = Number(values.rounds);

const SCHEMA = `
CREATE TABLE captures (id INTEGER PRIMARY KEY, url TEXT NOT NULL, body_hash TEXT NOT NULL, node TEXT NOT NULL,
  fetched_at INTEGER NOT NULL, meta TEXT NOT NULL);
CREATE INDEX captures_url ON captures (url, fetched_at);
CREATE INDEX captures_hash ON captures (body_hash);
CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, state TEXT NOT NULL, depth INTEGER NOT NULL);
CREATE INDEX urls_state ON urls (state, depth, id);
CREATE TABLE nodes (id TEXT PRIMARY KEY, last_seen INTEGER NOT NULL, pages INTEGER NOT NULL);
INSERT INTO nodes VALUES ('n1', 0, 0);`;

type Checkpoints = 'in COMMIT' | 'thread' | 'hosted';

const threads = () => readdirSync('/proc/self/task').length;

async function until(what: string, cond: () => Promise<boolean> | boolean) {
  const end = Date.now() + 10_000;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what}: timed out`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function run(checkpoints: Checkpoints) {
  const dir = mkdtempSync(join(tmpdir(), 'sward-checkpoint-bench-'));
  const path = join(dir, 'db.sqlite');
  let host: Worker | null = null;
  if (checkpoints === 'hosted') {
    host = startExtractionWorker();
    await new Promise((resolve) => host?.once('message', resolve));
  }
  const before = threads();
  const db = openSqliteDriver(path, { checkpointThread: checkpoints !== 'in COMMIT' });
  try {
    await db.exec(SCHEMA);
    if (checkpoints !== 'in COMMIT')
      // the thread's connection open (the main connection checkpoints itself only past the bound)
      await until(
        'the checkpoint thread',
        async () =>
          (await db.get<{ wal_autocheckpoint: number }>('PRAGMA wal_autocheckpoint'))?.wal_autocheckpoint !==
          1000,
      );
    if (host) {
      db.hostCheckpoints?.(host);
      await until('the dedicated thread to exit', () => threads() === before);
    }
    const walls: number[] = [];
    let peakWal = 0;
    const cpu0 = procCpu('/proc/thread-self/stat');
    for (let t = 0; t < transactions; t++) {
      const w0 = performance.now();
      await db.transaction(async (tx) => {
        for (let k = 0; k < 3; k++) {
          const i = t * 3 + k;
          await tx.run(
            'INSERT INTO captures (url, body_hash, node, fetched_at, meta) VALUES (?, ?, ?, ?, ?)',
            [
              `http://bench.test/p/${i}`,
              (i * 2654435761).toString(16).padStart(64, '0'),
              'n1',
              Date.now(),
              JSON.stringify({ status: 200, bytes: 37_000, title: `Page ${i}`, links: 20 }).repeat(4),
            ],
          );
          for (let l = 0; l < 20; l++)
            await tx.run('INSERT OR IGNORE INTO urls (url, state, depth) VALUES (?, ?, ?)', [
              `http://bench.test/p/${(i * 7 + l * 13 + 1) % (transactions * 3)}`,
              'queued',
              1,
            ]);
        }
        await tx.run('UPDATE nodes SET last_seen = ?, pages = pages + 3 WHERE id = ?', [Date.now(), 'n1']);
      });
      walls.push(performance.now() - w0);
      await db.all('SELECT id, url FROM urls WHERE state = ? ORDER BY depth, id LIMIT 4', ['queued']);
      // between batches a coordinator answers requests: the event loop turns
      await new Promise((r) => setImmediate(r));
      if (t % 20 === 0 && existsSync(`${path}-wal`))
        peakWal = Math.max(peakWal, statSync(`${path}-wal`).size);
    }
    const cpu = procCpu('/proc/thread-self/stat') - cpu0;
    const sorted = [...walls].sort((a, b) => b - a);
    return {
      cpuMs: (cpu * 1000) / transactions,
      wallMs: walls.reduce((a, b) => a + b, 0) / transactions,
      slowest: sorted.slice(0, 5).map((x) => x.toFixed(1)),
      over10: walls.filter((x) => x > 10).length,
      peakWalMiB: peakWal / 2 ** 20,
    };
  } finally {
    await db.close();
    await host?.terminate();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.stderr.write(`${machineFacts()}\n`);
const lines = [
  `${transactions} write transactions per run (3 captures, 60 URL inserts, a node update each), ${rounds} rounds`,
  '',
  '| round | checkpoints | main-thread CPU ms/tx | wall ms/tx | slowest 5, ms | tx over 10 ms | WAL peak MiB | load |',
  '|---:|---|---:|---:|---|---:|---:|---|',
];
const variants: Checkpoints[] = ['in COMMIT', 'thread', 'hosted'];
await run('in COMMIT'); // warm-up, not counted
for (let round = 1; round <= rounds; round++)
  // each variant first in turn
  for (const checkpoints of variants.map(
    (_, i) => variants[(i + round - 1) % variants.length] as Checkpoints,
  )) {
    const r = await run(checkpoints);
    lines.push(
      `| ${round} | ${checkpoints} | ${r.cpuMs.toFixed(3)} | ${r.wallMs.toFixed(3)} | ${r.slowest.join(', ')} | ${r.over10} | ${r.peakWalMiB.toFixed(1)} | ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} |`,
    );
    process.stderr.write(`${lines.at(-1)}\n`);
  }
process.stdout.write(`${lines.join('\n')}\n`);
