import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openStore } from '@sward/coordinator';
import pg from 'pg';
import { caller, quietCoordinator } from './support/api-call.js';
import { backends } from './support/backends.js';

const pgBackend = backends().find((b) => b.name === 'postgres');

/**
 * A coordinator restarting on PostgreSQL beside a peer that is crawling fast used to die at start-up with
 * a deadlock (40P01): its migration ran CREATE INDEX IF NOT EXISTS (and CREATE OR REPLACE TRIGGER) on tables
 * the peer was writing, and those take a SHARE lock on the table before they find there is nothing to do.
 * Holding SHARE on one table (urls) while waiting for another (captures) that a peer's capture transaction
 * holds ROW EXCLUSIVE, while that transaction waits for urls: PostgreSQL kills one of the two, the starting
 * coordinator or the peer's capture (the server log showed both, ~2 deadlocks per restart).
 *
 * Made deterministic here: a peer connection (its own PostgreSQL backend, as a peer coordinator's pool is)
 * opens a transaction, runs the capture path's and the lease claim's statements, and holds ROW EXCLUSIVE on
 * every table of the schema (what any writer holds until it commits) while a second coordinator starts on
 * the same database. On an up-to-date schema the start must take no lock that conflicts with a writer: it
 * starts while the peer's transaction is still open, and the peer then finishes its capture and commits.
 */
describe('PostgreSQL: a coordinator starting beside a busy peer', { skip: !pgBackend }, () => {
  const backend = pgBackend as NonNullable<typeof pgBackend>;

  test('starts while a peer holds every table for writing, and the peer commits', async () => {
    // empty, not a migrated copy: the first start below makes the schema, as a new deployment's does
    const db = await backend.create({ empty: true });
    const dir = mkdtempSync(join(tmpdir(), 'sward-start-busy-'));
    // Closed in this order at the end: the coordinators and connections, then the database.
    const closers: (() => Promise<unknown>)[] = [];
    after(async () => {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      await backend.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });
    // Peers share the data folder (blobs, log key): docs/DEPLOY.md.
    const start = () => quietCoordinator(db, dir);
    const first = await start(); // the database's schema, made by the peer's own start
    const created = await caller(first.app)('POST', '/v1/jobs', first.firstApiKey, {
      seed: 'http://busy.test/',
      maxPages: 100,
    });
    assert.equal(created.status, 201, created.text);
    const job = created.json as { id: string };
    await first.close();

    const peer = new pg.Client({ connectionString: db });
    await peer.connect();
    closers.push(() => peer.end());
    const now = Date.now();
    await peer.query('BEGIN');
    // The capture path's statements (ingest.ts commitPageIn) and a lease claim, on real rows.
    await peer.query('SELECT id FROM jobs WHERE id = $1 FOR UPDATE', [job.id]);
    const url = await peer.query(
      `INSERT INTO urls (job_id, url, origin, kind, depth, state, created_at, updated_at)
       VALUES ($1, 'http://busy.test/a', 'http://busy.test', 'page', 1, 'queued', $2, $2) RETURNING id`,
      [job.id, now],
    );
    await peer.query(
      `UPDATE urls SET state = 'leased', lease_id = 'l_busy', leased_to = 'n_peer', lease_deadline = $2
       WHERE id IN (SELECT id FROM urls WHERE id = $1 FOR UPDATE SKIP LOCKED)`,
      [url.rows[0].id, now + 60_000],
    );
    await peer.query(
      `INSERT INTO hosts (origin, busy_until, next_at) VALUES ('http://busy.test', $1, $1)
       ON CONFLICT (origin) DO UPDATE SET busy_until = excluded.busy_until`,
      [now],
    );
    await peer.query(
      `INSERT INTO captures (id, job_id, url_id, node_id, lease_id, requested_url, final_url, status,
         body_sha256, body_length, fetched_at, signed, outcome, created_at)
       VALUES ('c_busy', $1, $2, 'n_peer', 'l_busy', 'http://busy.test/a', 'http://busy.test/a', 200,
         'ab', 2, $3, '{}', 'stored', $3)`,
      [job.id, url.rows[0].id, now],
    );
    await peer.query(
      `INSERT INTO rw_transactions (idem_key, kind, policy_version, epoch, created_at)
       VALUES ('busy', 'work', 1, 0, $1)`,
      [now],
    );
    // ROW EXCLUSIVE on every table: what a peer's writers hold, whichever tables they write.
    const tables = await peer.query<{ t: string }>(
      'SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename',
    );
    assert.ok(tables.rows.length > 40, `${tables.rows.length} tables`);
    for (const { t } of tables.rows) await peer.query(`LOCK TABLE ${t} IN ROW EXCLUSIVE MODE`);

    // A second coordinator starts meanwhile: it must not wait for the peer's transaction.
    const started = start();
    const outcome = await Promise.race([
      started.then(() => 'started'),
      new Promise<string>((r) => setTimeout(() => r('still starting after 20 s'), 20_000).unref()),
    ]);
    const waiting = await peer.query(
      `SELECT query FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    // The peer goes on with its capture and commits: it is not the victim of a deadlock either.
    await peer.query('UPDATE jobs SET stored = stored + 1 WHERE id = $1', [job.id]);
    await peer.query(`INSERT INTO extract_queue (capture_id, job_id, created_at) VALUES ('c_busy', $1, $2)`, [
      job.id,
      now,
    ]);
    await peer.query('COMMIT');
    const second = await started;
    closers.push(() => second.close());
    assert.equal(
      outcome,
      'started',
      `waited on the peer's locks at: ${waiting.rows.map((r) => r.query).join(' | ')}`,
    );
    const store = await openStore(db);
    closers.push(() => store.close());
    const stored = await store.db.get<{ stored: number }>('SELECT stored FROM jobs WHERE id = ?', [job.id]);
    assert.equal(Number(stored?.stored), 1);
  });
});
