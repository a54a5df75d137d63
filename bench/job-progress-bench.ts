// GET /v1/jobs/:id's counts (FrontierStore.progress) on a job of N pages over S sites, on SQLite or PostgreSQL:
// the cost of one read, as `sward crawl` polls it four times a second, and what keeping them costs a write.
//   node --conditions=source --import=./scripts/ts-loader/register.mjs bench/job-progress-bench.ts \
//     [--pages 100000] [--sites 1000] [--pg] [--rounds 3] [--reads 20] [--queued-share 0.5] [--moves 5000]
// Half the pages queued by default, the rest stored (their captures by 5 nodes), skipped and failed, a few leased;
// a second job of as many pages beside it. Each round: `progress()` (the triggers' counters, store/job-counts.ts)
// and `rows` (the statements it ran before session 21, counting the job's URL and capture rows), alternating;
// then `moves` queued pages leased and stored (50 a transaction) with the counting triggers and without them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../packages/coordinator/src/open-store.js';
import { applyJobCounts } from '../packages/coordinator/src/store/job-counts.js';
import type { Store } from '../packages/coordinator/src/store/store.js';
import { withBenchDatabase } from './support-pg-database.js';

const { values: a } = parseArgs({
  options: {
    pages: { type: 'string', default: '100000' },
    sites: { type: 'string', default: '1000' },
    pg: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '3' },
    reads: { type: 'string', default: '20' },
    'queued-share': { type: 'string', default: '0.5' },
    moves: { type: 'string', default: '5000' },
  },
});
const pages = Number(a.pages);
const sites = Number(a.sites);
const queuedShare = Number(a['queued-share']);

async function fill(store: Store, job: string): Promise<void> {
  const now = Date.now();
  await store.db.run(
    `INSERT INTO jobs (id, seed, options, state, created_at, tenant_id) VALUES (?, 'http://s0.example/', '{}', 'running', ?, 'default')`,
    [job, now],
  );
  const batch = 500;
  for (let i = 0; i < pages; i += batch) {
    await store.db.transaction(async (tx) => {
      for (let k = i; k < Math.min(pages, i + batch); k++) {
        const origin = `http://s${k % sites}.example`;
        const r = k / pages;
        const [state, reason] =
          r < queuedShare
            ? ['queued', null]
            : k % 97 === 0
              ? ['leased', null]
              : k % 13 === 0
                ? ['skipped', k % 2 ? 'robots' : 'duplicate']
                : k % 17 === 0
                  ? ['failed', 'http_500']
                  : ['stored', k % 50 === 0 ? 'archive' : null];
        await tx.run(
          `INSERT INTO urls (job_id, url, origin, kind, depth, state, reason, created_at, updated_at)
           VALUES (?, ?, ?, 'page', 1, ?, ?, ?, ?)`,
          [job, `${origin}/p${k}`, origin, state, reason, now, now],
        );
        if (state === 'stored' && reason !== 'archive')
          await tx.run(
            `INSERT INTO captures (id, job_id, url_id, node_id, lease_id, requested_url, final_url, status,
               body_sha256, body_length, fetched_at, signed, outcome, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, 200, 'x', 1, ?, '', 'stored', ?)`,
            [
              `${job}-c${k}`,
              job,
              k,
              `node${k % 5}`,
              `${job}-l${k}`,
              `${origin}/p${k}`,
              `${origin}/p${k}`,
              now,
              now,
            ],
          );
      }
    });
  }
}

/** The statements progress() ran before session 21: the job's URL and stored capture rows, counted. */
async function rowCounts(store: Store): Promise<void> {
  await store.db.all(
    "SELECT state, reason, count(*) AS n FROM urls WHERE job_id = ? AND kind = 'page' GROUP BY state, reason",
    ['job-a'],
  );
  await store.db.all(
    "SELECT node_id, count(*) AS n FROM captures WHERE job_id = ? AND outcome = 'stored' GROUP BY node_id",
    ['job-a'],
  );
  await store.db.get(
    "SELECT count(*) AS n FROM urls WHERE job_id = ? AND kind = 'page' AND state = 'stored' AND reason = 'archive'",
    ['job-a'],
  );
}

async function dropTriggers(store: Store): Promise<void> {
  await store.db.exec(
    store.db.dialect === 'sqlite'
      ? 'DROP TRIGGER urls_count_insert; DROP TRIGGER urls_count_update; DROP TRIGGER urls_count_delete; ' +
          'DROP TRIGGER captures_count_insert; DROP TRIGGER captures_count_update; DROP TRIGGER captures_count_delete'
      : 'DROP TRIGGER urls_count_change ON urls; DROP TRIGGER urls_count_update ON urls; ' +
          'DROP TRIGGER captures_count_change ON captures; DROP TRIGGER captures_count_update ON captures',
  );
}

async function run(location: string): Promise<void> {
  const store = await openStore(location);
  try {
    await fill(store, 'job-a');
    await fill(store, 'job-b');
    await store.db.exec('ANALYZE');
    const p = await store.frontier.progress('job-a');
    console.log(JSON.stringify({ queued: p.queued, stored: p.stored, skipped: p.skipped, failed: p.failed }));
    const reads = Number(a.reads);
    const time = async (f: () => Promise<unknown>) => {
      const t0 = performance.now();
      for (let i = 0; i < reads; i++) await f();
      return ((performance.now() - t0) / reads).toFixed(2);
    };
    let moved = 0;
    const moves = async () => {
      const ids = (
        await store.db.all<{ id: number }>(
          "SELECT id FROM urls WHERE job_id = 'job-b' AND state = 'queued' ORDER BY id LIMIT ?",
          [Number(a.moves)],
        )
      ).map((r) => Number(r.id));
      const t0 = performance.now();
      for (const to of ['leased', 'stored'])
        for (let i = 0; i < ids.length; i += 50)
          await store.db.transaction(async (tx) => {
            for (const id of ids.slice(i, i + 50))
              await tx.run('UPDATE urls SET state = ?, updated_at = ? WHERE id = ?', [to, Date.now(), id]);
          });
      moved += ids.length;
      return (((performance.now() - t0) * 1000) / (2 * ids.length)).toFixed(1);
    };
    for (let round = 0; round < Number(a.rounds); round++) {
      const order = round % 2 ? ['rows', 'counters'] : ['counters', 'rows'];
      const out: Record<string, string> = {};
      for (const o of order)
        out[o] = await time(() => (o === 'rows' ? rowCounts(store) : store.frontier.progress('job-a')));
      // the moves with and without the triggers, in the reads' order; the counters made again from the rows
      const bareMoves = async () => {
        await dropTriggers(store);
        const t = await moves();
        await store.db.exec('DROP TABLE job_counts; DROP TABLE job_node_counts');
        await applyJobCounts(store.db);
        return t;
      };
      const bare = round % 2 ? await bareMoves() : '';
      const triggered = await moves();
      const bareAfter = round % 2 ? bare : await bareMoves();
      console.log(
        `round ${round + 1}: progress() ${out.counters} ms, rows ${out.rows} ms a read; a state change ${triggered} µs with the triggers, ${bareAfter} µs without`,
      );
    }
    console.log(`${moved} pages moved`);
  } finally {
    await store.close();
  }
}

if (a.pg) await withBenchDatabase(run);
else {
  const dir = mkdtempSync(join(tmpdir(), 'sward-progress-bench-'));
  try {
    await run(join(dir, 'sward.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
