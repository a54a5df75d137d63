import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openStore, type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import { type JobInfo, SwardClient } from '@sward/sdk';
import { startSampleSite } from '@sward/testsites';
import pg from 'pg';
import { pino } from 'pino';
import { compactJobCounts, JobCounts, readJobCounts } from '../packages/coordinator/src/store/job-counts.js';
import { backends } from './support/backends.js';
import { loopbackNode } from './support/nodes.js';

type Counts = Pick<NonNullable<JobInfo['progress']>, 'queued' | 'leased' | 'stored' | 'skipped' | 'failed'>;

/** A job's page counts from its rows themselves, counted here (not by the statement progress() runs). */
async function directCounts(
  co: RunningCoordinator,
  jobId: string,
): Promise<Counts & { fromArchive: number }> {
  return (await directRows(co, jobId)).counts;
}

/**
 * directCounts, and the rows' states and change times as one string: equal strings on both sides of an answer mean
 * no row moved in between. Equal counts alone do not: a page retried (leased to queued) while another is leased
 * (queued to leased) leaves the counts as they were, and an answer read between the two saw one lease fewer.
 */
async function directRows(co: RunningCoordinator, jobId: string) {
  const rows = await co.store.db.all<{
    id: unknown;
    job_id: string;
    kind: string;
    state: string;
    reason: string | null;
    updated_at: unknown;
  }>('SELECT id, job_id, kind, state, reason, updated_at FROM urls ORDER BY id');
  const counts = { queued: 0, leased: 0, stored: 0, skipped: 0, failed: 0, fromArchive: 0 };
  const moves: string[] = [];
  for (const r of rows)
    if (r.job_id === jobId && r.kind === 'page') {
      counts[r.state as keyof Counts]++;
      if (r.state === 'stored' && r.reason === 'archive') counts.fromArchive++;
      moves.push(`${r.id}:${r.state}:${r.updated_at}`);
    }
  return { counts, rows: moves.join(' ') };
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
// hold still around the answer (no row's state or change time moved), and at the end. They are counters kept by triggers (store/job-counts.ts).
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
        const before = await directRows(co, job.id);
        const j = await client.job(job.id);
        const afterwards = await directRows(co, job.id);
        if (before.rows === afterwards.rows) {
          const c = before.counts;
          assert.deepEqual(countsOf(j.progress), c, `answer ${checked}`);
          checked++;
          if (j.state === 'running' && c.stored > 0 && c.queued + c.leased > 0) mid++;
        }
        if (j.state === 'done') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const done = await client.job(job.id);
      assert.deepEqual(countsOf(done.progress), await directCounts(co, job.id));
      assert.ok((done.progress?.stored ?? 0) >= 20, JSON.stringify(done.progress));
      assert.ok(mid > 0, `no answer compared mid-crawl (${checked} compared)`);
      // pages by node: the stored captures' nodes, counted here
      const byNode = await co.store.db.all<{ node_id: string }>(
        "SELECT node_id FROM captures WHERE job_id = ? AND outcome = 'stored'",
        [job.id],
      );
      assert.deepEqual(done.progress?.pagesByNode, { [node.id]: byNode.length });
      // and they are the triggers' counters (job-counts.ts), kept through the crawl's claims and captures
      const kept = await readJobCounts(co.store.db, job.id);
      const final = await directCounts(co, job.id);
      for (const state of ['queued', 'leased', 'stored', 'skipped', 'failed'] as const)
        assert.equal(
          kept.states.filter((r) => r.state === state).reduce((t, r) => t + r.n, 0),
          final[state],
          state,
        );
      assert.deepEqual(kept.nodes, [{ nodeId: node.id, n: byNode.length }]);
    });
  });

for (const backend of backends())
  describe(`a job's counters: ${backend.name}`, () => {
    after(() => backend.cleanup());

    test('counted once for a database that had jobs before them; kept through deletes and capture changes', async () => {
      const location = await backend.create();
      const first = await openStore(location);
      const job = await first.frontier.createJob({ tenant: 'default' }, {
        seed: 'http://a.test/',
        maxPages: 10,
        maxDepth: 2,
        include: [],
        exclude: [],
      } as never);
      const now = Date.now();
      const url = (i: number, state: string, reason: string | null) =>
        first.db.run(
          `INSERT INTO urls (job_id, url, origin, kind, depth, state, reason, created_at, updated_at)
           VALUES (?, ?, 'http://a.test', 'page', 1, ?, ?, ?, ?)`,
          [job.id, `http://a.test/${i}`, state, reason, now, now],
        );
      const capture = (i: number, nodeId: string, outcome: string) =>
        first.db.run(
          `INSERT INTO captures (id, job_id, url_id, node_id, lease_id, requested_url, final_url, status,
             body_sha256, body_length, fetched_at, signed, outcome, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 200, 'x', 1, ?, '', ?, ?)`,
          [
            `c${i}`,
            job.id,
            i,
            nodeId,
            `l${i}`,
            `http://a.test/${i}`,
            `http://a.test/${i}`,
            now,
            outcome,
            now,
          ],
        );
      await url(1, 'stored', null);
      await url(2, 'stored', 'archive');
      await url(3, 'skipped', 'robots');
      await capture(1, 'n1', 'stored');
      // as an older version left it: no counters, no triggers
      await first.db.exec(
        'DROP TABLE job_counts; DROP TABLE job_node_counts; ' +
          (first.db.dialect === 'sqlite'
            ? 'DROP TRIGGER urls_count_insert; DROP TRIGGER urls_count_update; DROP TRIGGER urls_count_delete; ' +
              'DROP TRIGGER captures_count_insert; DROP TRIGGER captures_count_update; DROP TRIGGER captures_count_delete'
            : 'DROP TRIGGER urls_count_change ON urls; DROP TRIGGER urls_count_update ON urls; ' +
              'DROP TRIGGER captures_count_change ON captures; DROP TRIGGER captures_count_update ON captures'),
      );
      await url(4, 'failed', 'http_500'); // not counted by anything: the migration counts it
      await first.close();
      const store = await openStore(location);
      after(() => store.close());
      const counts = async () => {
        const p = await store.frontier.progress(job.id);
        return {
          queued: p.queued,
          stored: p.stored,
          skipped: p.skipped,
          failed: p.failed,
          fromArchive: p.fromArchive,
          nodes: p.pagesByNode,
          skippedBy: p.skippedByReason,
        };
      };
      const expected = {
        queued: 1, // the seed
        stored: 2,
        skipped: 1,
        failed: 1,
        fromArchive: 1,
        nodes: { n1: 1 },
        skippedBy: { robots: 1 },
      };
      assert.deepEqual(await counts(), expected);
      // a second start counts nothing again
      await (await openStore(location)).close();
      assert.deepEqual(await counts(), expected);
      // a capture that becomes a duplicate, one moved to the job; URLs deleted (a refresh's old rows)
      await store.db.run("UPDATE captures SET outcome = 'skipped', reason = 'duplicate' WHERE id = 'c1'");
      await store.db.run(
        `INSERT INTO captures (id, job_id, url_id, node_id, lease_id, requested_url, final_url, status,
           body_sha256, body_length, fetched_at, signed, outcome, created_at)
         VALUES ('c9', 'other', 9, 'n2', 'l9', 'http://a.test/9', 'http://a.test/9', 200, 'x', 1, ?, '', 'refuted', ?)`,
        [now, now],
      );
      await store.db.run("UPDATE captures SET job_id = ?, outcome = 'stored' WHERE id = 'c9'", [job.id]);
      await store.db.run("DELETE FROM urls WHERE job_id = ? AND state = 'failed'", [job.id]);
      await store.db.run("UPDATE urls SET reason = 'duplicate' WHERE job_id = ? AND state = 'skipped'", [
        job.id,
      ]);
      // a reason set to '' where it was NULL: one counter row ('' is NULL's key), so nothing moves (on
      // PostgreSQL the two-row upsert of a move hit that row twice and failed the UPDATE)
      await store.db.run(
        "UPDATE urls SET reason = '' WHERE job_id = ? AND state = 'stored' AND reason IS NULL",
        [job.id],
      );
      assert.deepEqual(await counts(), {
        ...expected,
        failed: 0,
        nodes: { n2: 1 },
        skippedBy: { duplicate: 1 },
      });
      const kept = await readJobCounts(store.db, job.id);
      assert.deepEqual(
        kept.states.sort((a, b) => `${a.state}${a.reason}`.localeCompare(`${b.state}${b.reason}`)),
        [
          { state: 'queued', reason: null, n: 1 },
          { state: 'skipped', reason: 'duplicate', n: 1 },
          { state: 'stored', reason: 'archive', n: 1 },
          { state: 'stored', reason: null, n: 1 },
        ],
      );
      assert.deepEqual(kept.nodes, [{ nodeId: 'n2', n: 1 }]);
    });
  });

// On PostgreSQL each backend keeps rows of its own (slots): a job polled for months would sum the rows of every
// connection ever opened. A read above a bound folds the closed backends' rows; the sums never move.
for (const backend of backends().filter((b) => b.name === 'postgres'))
  describe("a job's counter rows of closed backends are folded", () => {
    after(() => backend.cleanup());

    test('a crowded read folds closed slots into one row a key, keeps an open one, and sums the same; a writer holding a row is never made to wait', async () => {
      const location = await backend.create();
      const store = await openStore(location);
      after(() => store.close());
      const job = await store.frontier.createJob({ tenant: 'default' }, {
        seed: 'http://a.test/',
        maxPages: 100,
        maxDepth: 2,
        include: [],
        exclude: [],
      } as never);
      const now = Date.now();
      for (let i = 1; i <= 40; i++)
        await store.db.run(
          `INSERT INTO urls (job_id, url, origin, kind, depth, state, reason, created_at, updated_at)
           VALUES (?, ?, 'http://a.test', 'page', 1, 'queued', NULL, ?, ?)`,
          [job.id, `http://a.test/${i}`, now, now],
        );
      // 41 queued URLs with the seed; each client below is a backend of its own, so its changes land in rows of its own
      const client = async () => {
        const c = new pg.Client({ connectionString: location });
        await c.connect();
        return c;
      };
      const change = async (c: pg.Client, i: number) => {
        const state = i % 4 === 0 ? 'failed' : 'stored';
        await c.query('UPDATE urls SET state = $1, reason = $2 WHERE job_id = $3 AND url = $4', [
          state,
          state === 'failed' ? 'http_500' : null,
          job.id,
          `http://a.test/${i}`,
        ]);
        if (state === 'stored')
          await c.query(
            `INSERT INTO captures (id, job_id, url_id, node_id, lease_id, requested_url, final_url, status,
               body_sha256, body_length, fetched_at, signed, outcome, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6, 200, 'x', 1, $7, '', 'stored', $7)`,
            [`c${i}`, job.id, i, `n${i % 3}`, `l${i}`, `http://a.test/${i}`, now],
          );
      };
      for (let i = 1; i <= 24; i++) {
        const c = await client();
        await change(c, i);
        await c.end();
      }
      const open = await client();
      await change(open, 25);
      const openPid = Number((await open.query('SELECT pg_backend_pid() AS p')).rows[0].p);
      const slots = async () =>
        (
          await store.db.all<{ slot: string }>(
            'SELECT slot FROM job_counts WHERE job_id = ? UNION ALL SELECT slot FROM job_node_counts WHERE job_id = ?',
            [job.id, job.id],
          )
        ).map((r) => Number(r.slot));
      const before = await readJobCounts(store.db, job.id);
      assert.equal(before.rows, (await slots()).length);
      assert.ok(before.rows > 40, `${before.rows} rows`);
      const expected = { states: before.states, nodes: before.nodes };
      assert.deepEqual(Object.fromEntries(expected.states.map((r) => [`${r.state}/${r.reason}`, r.n])), {
        'queued/null': 16,
        'stored/null': 19,
        'failed/http_500': 6,
      });

      // a writer holding a closed slot's row (as a backend reborn under its pid would): the fold gives up at
      // once, changes nothing, and the writer's transaction goes on and commits
      const holder = await client();
      await holder.query('BEGIN');
      await holder.query(
        'SELECT n FROM job_counts WHERE job_id = $1 AND slot NOT IN (0, $2) LIMIT 1 FOR UPDATE',
        [job.id, openPid],
      );
      await assert.rejects(compactJobCounts(store.db, job.id), (e: { code?: string }) => e.code === '55P03');
      await holder.query('COMMIT');
      await holder.end();
      const untouched = await readJobCounts(store.db, job.id);
      assert.deepEqual({ states: untouched.states, nodes: untouched.nodes }, expected);
      assert.equal(untouched.rows, before.rows);

      // below its bound a read folds nothing; above it, it folds after answering
      const roomy = new JobCounts(store.db, 10_000);
      await roomy.read(job.id);
      await roomy.settled();
      assert.equal((await slots()).length, before.rows);
      const counts = new JobCounts(store.db, 10);
      assert.deepEqual(await counts.read(job.id), before);
      await counts.settled();
      const folded = await readJobCounts(store.db, job.id);
      assert.deepEqual({ states: folded.states, nodes: folded.nodes }, expected);
      const left = await slots();
      // the pool's own backends are open too: only slots of open backends besides 0 remain
      const live = new Set(
        (await store.db.all<{ pid: number }>('SELECT pid FROM pg_stat_activity')).map((r) => Number(r.pid)),
      );
      assert.ok(
        left.every((s) => s === 0 || live.has(s)),
        `left: ${left}`,
      );
      assert.ok(left.includes(openPid), 'the open backend keeps its rows');
      assert.ok(folded.rows <= 3 + 3 + 4, `${folded.rows} rows after the fold`);

      // the triggers go on counting onto the folded rows, from the open backend and a new one
      await change(open, 26);
      await open.end();
      const later = await client();
      await change(later, 28);
      await later.end();
      const after2 = await readJobCounts(store.db, job.id);
      assert.deepEqual(Object.fromEntries(after2.states.map((r) => [`${r.state}/${r.reason}`, r.n])), {
        'queued/null': 14,
        'stored/null': 20,
        'failed/http_500': 7,
      });
      assert.equal(
        after2.nodes.reduce((sum, r) => sum + r.n, 0),
        20,
      );
    });
  });
