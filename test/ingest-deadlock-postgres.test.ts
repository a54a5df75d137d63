import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { coordinatorWithNode } from './support/api-call.js';
import { backends } from './support/backends.js';
import { captureUpload } from './support/capture-maker.js';

const pgBackend = backends().find((b) => b.name === 'postgres');

describe('PostgreSQL ingest of one job from many nodes at once', { skip: !pgBackend }, () => {
  const backend = pgBackend as NonNullable<typeof pgBackend>;

  test('pages that link to each other, uploaded at once, are all stored with no deadlock', async () => {
    const { co, db, call, key, node, token } = await coordinatorWithNode(backend, {
      scheduler: { politeness: false, hostDelayMs: 0, quotas: { leasesPerNode: 0 } },
    });
    const N = 24;
    const page = (i: number) => `http://mesh.test/p${i}`;
    const links = (self: number) =>
      Array.from({ length: N }, (_, j) => (j === self ? '' : `<a href="/p${j}">p${j}</a>`)).join('');
    const job = await call('POST', '/v1/jobs', key, {
      seed: 'http://mesh.test/',
      maxPages: 1000,
      maxDepth: 5,
    });
    assert.equal(job.status, 201, job.text);
    // Policy files answer 404, the seed links to every page; then every page is leased at once.
    const leases: { leaseId: string; jobId: string; url: string }[] = [];
    for (let round = 0; round < 20 && leases.length < N; round++) {
      const { json } = await call('POST', '/v1/nodes/lease', token, { max: 64 });
      for (const lease of json.leases) {
        if (/robots\.txt$|tdmrep\.json$/.test(lease.url)) {
          const up = captureUpload(node, lease, {
            status: 404,
            body: 'no',
            headers: { 'content-type': 'text/plain' },
          });
          assert.equal((await call('POST', '/v1/nodes/captures', token, up)).status, 200);
        } else if (lease.url === 'http://mesh.test/') {
          const up = captureUpload(node, lease, { body: `<html><body>${links(-1)}</body></html>` });
          assert.equal((await call('POST', '/v1/nodes/captures', token, up)).status, 200);
        } else leases.push(lease);
      }
    }
    assert.equal(leases.length, N, 'every page leased');
    const deadlocks = async () => {
      const c = new pg.Client({ connectionString: db });
      await c.connect();
      const r = await c.query(
        'SELECT deadlocks::int AS n FROM pg_stat_database WHERE datname = current_database()',
      );
      await c.end();
      return (r.rows[0] as { n: number }).n;
    };
    const before = await deadlocks();
    // Each page links to every other: each capture's link inserts meet the other captures' settled rows.
    const answers = await Promise.all(
      leases.map((lease) => {
        const i = Number(/p(\d+)$/.exec(lease.url)?.[1]);
        assert.equal(lease.url, page(i));
        return call(
          'POST',
          '/v1/nodes/captures',
          token,
          captureUpload(node, lease, { body: `<html><body>${links(i)}</body></html>` }),
        );
      }),
    );
    for (const a of answers) assert.equal(a.status, 200, a.text);
    assert.equal(await deadlocks(), before, 'PostgreSQL found no deadlock');
    const stored = await co.store.db.get<{ n: number }>(
      "SELECT count(*) AS n FROM captures WHERE outcome = 'stored'",
    );
    assert.equal(Number(stored?.n), N + 1);
  });
});
