import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import { type JobInfo, SwardClient } from '@sward/sdk';
import { startSampleSite } from '@sward/testsites';
import { pino } from 'pino';
import { backends } from './support/backends.js';
import { loopbackNode } from './support/nodes.js';

type Counts = Pick<NonNullable<JobInfo['progress']>, 'queued' | 'leased' | 'stored' | 'skipped' | 'failed'>;

/** A job's page counts from its rows themselves, counted here (not by the statement progress() runs). */
async function directCounts(
  co: RunningCoordinator,
  jobId: string,
): Promise<Counts & { fromArchive: number }> {
  const rows = await co.store.db.all<{ job_id: string; kind: string; state: string; reason: string | null }>(
    'SELECT job_id, kind, state, reason FROM urls',
  );
  const c = { queued: 0, leased: 0, stored: 0, skipped: 0, failed: 0, fromArchive: 0 };
  for (const r of rows)
    if (r.job_id === jobId && r.kind === 'page') {
      c[r.state as keyof Counts]++;
      if (r.state === 'stored' && r.reason === 'archive') c.fromArchive++;
    }
  return c;
}

const countsOf = (p: JobInfo['progress']) => ({
  queued: p?.queued,
  leased: p?.leased,
  stored: p?.stored,
  skipped: p?.skipped,
  failed: p?.failed,
  fromArchive: p?.fromArchive,
});

// GET /v1/jobs/:id's counts, as `sward crawl` polls them, through a real crawl: exact at every point the rows
// hold still around the answer, and at the end; read from the covering indexes (schema.ts urls_job_counts).
for (const backend of backends())
  describe(`a job's counts through a crawl: ${backend.name}`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'sward-progress-'));
    after(async () => {
      await backend.cleanup();
      rmSync(tmp, { recursive: true, force: true });
    });

    test('every answer read between two equal direct counts equals them; the last one too', async () => {
      const site = await startSampleSite({ pages: 40, crawlDelay: 0 });
      after(() => site.close());
      const co = await startCoordinator({
        db: await backend.create(),
        dataDir: join(tmp, 'data'),
        collections: { refresh: false },
        scheduler: { hostDelayMs: 0 },
        log: pino({ level: 'silent' }),
      });
      after(() => co.close());
      const client = new SwardClient({ url: co.url, apiKey: co.firstApiKey as string });
      const job = await client.createCrawl({ seed: `${site.url}/`, maxPages: 40, maxDepth: 3 } as never);
      const node = await loopbackNode(co.url, join(tmp, 'node'));
      after(() => node.stop());
      let checked = 0;
      let mid = 0;
      for (;;) {
        const before = await directCounts(co, job.id);
        const j = await client.job(job.id);
        const afterwards = await directCounts(co, job.id);
        if (JSON.stringify(before) === JSON.stringify(afterwards)) {
          assert.deepEqual(countsOf(j.progress), before, `answer ${checked}`);
          checked++;
          if (j.state === 'running' && before.stored > 0 && before.queued + before.leased > 0) mid++;
        }
        if (j.state === 'done') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const done = await client.job(job.id);
      assert.deepEqual(countsOf(done.progress), await directCounts(co, job.id));
      assert.ok((done.progress?.stored ?? 0) >= 20, JSON.stringify(done.progress));
      assert.ok(mid > 0, `no answer compared mid-crawl (${checked} compared)`);
      // the counts come from the covering indexes, not a table row per URL
      if (co.store.db.dialect === 'sqlite') {
        const plan = await co.store.db.all<{ detail: string }>(
          "EXPLAIN QUERY PLAN SELECT state, reason, count(*) AS n FROM urls WHERE job_id = ? AND kind = 'page' GROUP BY state, reason",
          [job.id],
        );
        assert.match(plan.map((p) => p.detail).join('\n'), /USING COVERING INDEX urls_job_counts/);
        const nodes = await co.store.db.all<{ detail: string }>(
          "EXPLAIN QUERY PLAN SELECT node_id, count(*) AS n FROM captures WHERE job_id = ? AND outcome = 'stored' GROUP BY node_id",
          [job.id],
        );
        assert.match(nodes.map((p) => p.detail).join('\n'), /USING COVERING INDEX captures_job_nodes/);
      }
    });
  });
