// GET /v1/jobs/:id's counts (FrontierStore.progress) on a job of N pages over S sites, on SQLite or PostgreSQL:
// the cost of one read, as `sward crawl` polls it four times a second.
//   node --conditions=source --import=./scripts/ts-loader/register.mjs bench/job-progress-bench.ts \
//     [--pages 100000] [--sites 1000] [--pg] [--rounds 3] [--reads 20] [--queued-share 0.5]
// Half the pages queued by default, the rest stored (their captures by 5 nodes), skipped and failed, a few leased;
// a second job of as many pages beside it. Prints each round's mean ms per progress() read.
// --old-indexes: the indexes before session 21 (urls_job_state, captures_job) in place of the covering ones.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../packages/coordinator/src/open-store.js';
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
    'old-indexes': { type: 'boolean', default: false },
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

async function run(location: string): Promise<void> {
  const store = await openStore(location);
  try {
    await fill(store, 'job-a');
    await fill(store, 'job-b');
    if (a['old-indexes'])
      await store.db.exec(
        `DROP INDEX urls_job_counts; CREATE INDEX urls_job_state ON urls (job_id, state);
         DROP INDEX captures_job_nodes; CREATE INDEX captures_job ON captures (job_id, outcome, seq);`,
      );
    await store.db.exec('ANALYZE');
    const p = await store.frontier.progress('job-a');
    console.log(JSON.stringify({ queued: p.queued, stored: p.stored, skipped: p.skipped, failed: p.failed }));
    for (let round = 0; round < Number(a.rounds); round++) {
      const t0 = performance.now();
      for (let i = 0; i < Number(a.reads); i++) await store.frontier.progress('job-a');
      console.log(`round ${round + 1}: ${((performance.now() - t0) / Number(a.reads)).toFixed(2)} ms a read`);
    }
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
