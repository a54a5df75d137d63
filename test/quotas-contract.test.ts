// Limits as an abuser meets them: a key over its request rate or its pages for the day, a tenant over its
// running jobs, a node hoarding leases; each answered 429 with Retry-After (leases: simply no more), each
// counted in the database so a second replica on the same database counts the same, and never charged
// to another tenant.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningCoordinator } from '@sward/coordinator';
import type { Scope } from '@sward/core';
import { SwardApiError, SwardClient } from '@sward/sdk';
import {
  type Answer,
  caller,
  coordinatorOn,
  nodeSession,
  quietCoordinator,
  work,
} from './support/api-call.js';
import { backends } from './support/backends.js';
import { run } from './support/cli-run.js';

const retryAfter = (a: Answer) => {
  assert.equal(a.status, 429, a.text);
  assert.equal(a.json.error.code, 'RATE_LIMITED');
  const s = a.headers.get('retry-after');
  assert.ok(s !== null && /^\d+$/.test(s), `Retry-After is whole seconds: ${s}`);
  return Number(s);
};

for (const backend of backends())
  describe(`quotas: ${backend.name}`, () => {
    let co: RunningCoordinator;
    let db: string;
    let dir: string;
    let stop: () => Promise<void>;
    let call: ReturnType<typeof caller>;
    const key = async (
      tenant: string,
      limits: { requestsPerMinute?: number; pagesPerDay?: number } = {},
      scopes: Scope[] = ['crawl', 'keys:admin'],
    ) =>
      (await co.store.auth.createApiKey({ name: tenant, tenant, role: 'customer', scopes, ...limits })).key;

    /** A second coordinator process's worth: its own app and memory, the same database and data folder. */
    const replicaOnSameDb = () => quietCoordinator(db, dir);

    before(async () => {
      ({ co, db, dir, stop } = await coordinatorOn(backend, {
        scheduler: { quotas: { concurrentJobsPerTenant: 2, leasesPerNode: 2 } },
      }));
      call = caller(co.app);
    });
    after(async () => {
      await stop();
      await backend.cleanup();
    });

    test("a key over its request rate gets 429 and Retry-After; another tenant's key does not", async () => {
      const acme = await key('acme-rate', { requestsPerMinute: 3 });
      const globex = await key('globex-rate', { requestsPerMinute: 3 });
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) seen.push((await call('GET', '/v1/jobs', acme)).status);
      // A minute boundary between these requests would restart the count: then one more request shows it.
      let over = await call('GET', '/v1/jobs', acme);
      if (over.status === 200)
        for (let i = 0; i < 3 && over.status === 200; i++) over = await call('GET', '/v1/jobs', acme);
      assert.deepEqual(seen.slice(0, 1), [200]);
      const wait = retryAfter(over);
      assert.ok(wait >= 1 && wait <= 60, `within the minute: ${wait}`);
      assert.match(over.json.error.message, /3 requests/);
      // the other tenant's key has its own count, untouched by acme's
      assert.equal((await call('GET', '/v1/jobs', globex)).status, 200);
      // told not to wait (by default it waits out a Retry-After of up to a minute: client-retry.test.ts), the
      // SDK hands the wait over with the error (a new minute between calls only delays the refusal)
      const sdk = new SwardClient({ url: co.url, apiKey: acme, maxRetryWaitS: 0 });
      let refused: unknown;
      for (let i = 0; i < 5 && !refused; i++)
        await sdk.jobs().catch((e: unknown) => {
          refused = e;
        });
      assert.ok(refused instanceof SwardApiError && refused.status === 429, String(refused));
      assert.ok((refused.retryAfterS ?? 0) >= 1);
      // an unknown key is 401, not 429: the limit is per key, after authentication
      assert.equal((await call('GET', '/v1/jobs', 'sk_nobody')).status, 401);
    });

    // Replicas on one database are a PostgreSQL setup: a second coordinator on a SQLite file is refused.
    const replicas = { skip: backend.name !== 'postgres' };

    test(
      'the request count lives in the database: a second replica on it counts the same requests',
      replicas,
      async () => {
        const k = await key('acme-replicas', { requestsPerMinute: 4 });
        const other = await replicaOnSameDb();
        const replica = caller(other.app);
        try {
          const statuses = [];
          for (let i = 0; i < 6; i++)
            statuses.push((await (i % 2 ? replica : call)('GET', '/v1/jobs', k)).status);
          // 4 allowed across both replicas within a minute (a new minute may restart the count once)
          const ok = statuses.filter((s) => s === 200).length;
          assert.ok(ok <= 5 && statuses.includes(429), `statuses ${statuses}`);
        } finally {
          await other.close();
        }
      },
    );

    test(
      'replicas reserve requests in blocks: together they never pass the limit and lose at most a block each',
      replicas,
      async () => {
        const other = await replicaOnSameDb();
        const replica = caller(other.app);
        try {
          for (let attempt = 0; attempt < 3; attempt++) {
            const k = await key('acme-blocks', { requestsPerMinute: 300 }); // blocks of 3
            const minute = Math.floor(Date.now() / 60_000);
            let ok = 0;
            for (let i = 0; i < 330; i++)
              if ((await (i % 2 ? replica : call)('GET', '/v1/jobs', k)).status === 200) ok++;
            // a new minute during the loop restarts the count: measure again in one minute
            if (Math.floor(Date.now() / 60_000) !== minute) continue;
            assert.ok(ok <= 300, `${ok} requests passed a limit of 300`);
            assert.ok(ok >= 300 - 2 * 3, `${ok} passed: more than a block per replica was lost`);
            return;
          }
          assert.fail('three minute boundaries in a row');
        } finally {
          await other.close();
        }
      },
    );

    test("a customer key may not raise its own limits; an admin's key may set them", async () => {
      const acme = await key('acme-self');
      const r = await call('POST', '/v1/keys', acme, { name: 'x', requestsPerMinute: 0 });
      assert.equal(r.status, 403, r.text);
      const admin = co.firstApiKey as string;
      const made = await call('POST', '/v1/keys', admin, { name: 'x', tenant: 'acme-self', pagesPerDay: 5 });
      assert.equal(made.status, 201, made.text);
      assert.equal(made.json.pagesPerDay, 5);
    });

    test('a limited key cannot get round its limits by making or rotating keys: they share its budget', async () => {
      const limited = await key('acme-budget', { pagesPerDay: 1 });
      const made = await call('POST', '/v1/keys', limited, { name: 'second', scopes: ['crawl'] });
      assert.equal(made.status, 201, made.text);
      assert.equal(made.json.pagesPerDay, 1, 'a key a customer makes has its maker’s limits');
      const job = await call('POST', '/v1/jobs', limited, { seed: 'http://budget.test/', maxDepth: 0 });
      assert.equal(job.status, 201, job.text);
      // every node of this file is one operator's: with another operator's node online (and idle here), each
      // policy answer would wait for its word
      const { node, token } = await nodeSession(co, 'dave');
      assert.ok((await work(co, node, token)).includes('http://budget.test/'));
      const seed = { seed: 'http://budget2.test/', maxDepth: 0 };
      retryAfter(await call('POST', '/v1/jobs', limited, seed));
      retryAfter(await call('POST', '/v1/jobs', made.json.key, seed));
      // a new secret for the key: the day's count follows it
      const rotated = await call('POST', `/v1/keys/${made.json.id}/rotate`, limited);
      assert.equal(rotated.status, 201, rotated.text);
      retryAfter(await call('POST', '/v1/jobs', rotated.json.key, seed));
      const maker = await co.store.auth.checkApiKey(limited);
      assert.ok(maker && maker !== 'expired');
      const again = await co.store.auth.rotateApiKey(maker.keyId);
      assert.ok(again);
      retryAfter(await call('POST', '/v1/jobs', again.key, seed));
    });

    test("a live collection's refreshes count against its maker's pages for the day", async () => {
      const k = await key('acme-col', { pagesPerDay: 1 }, ['collections']);
      const sources = ['http://col1.test/a', 'http://col2.test/a', 'http://col3.test/a'];
      const made = await call('POST', '/v1/collections', k, { name: 'c', sources, every: '1h' });
      assert.equal(made.status, 201, made.text);
      await co.refresher.tick();
      const { node, token } = await nodeSession(co, 'dave');
      const leased = (await work(co, node, token)).filter((u) => sources.includes(u));
      assert.equal(leased.length, 1, `one page for the day, leased ${leased}`);
    });

    test("sward keys create --pages-per-day / --requests-per-minute set a key's own limits", async () => {
      const r = await run([
        'keys',
        'create',
        '--db',
        db,
        '--tenant',
        'acme-cli',
        '--pages-per-day',
        '7',
        '--requests-per-minute',
        '70',
        '--json',
      ]);
      assert.equal(r.code, 0, r.err);
      const made = JSON.parse(r.out);
      assert.equal(made.pagesPerDay, 7);
      assert.equal(made.requestsPerMinute, 70);
      const bad = await run(['keys', 'create', '--db', db, '--pages-per-day', '1.5']);
      assert.equal(bad.code, 2, bad.err);
      assert.match(bad.err, /pagesPerDay/);
    });

    test('a tenant over its running jobs gets 429 and Retry-After; another tenant still creates jobs', async () => {
      const acme = await key('acme-jobs');
      const globex = await key('globex-jobs');
      for (const n of [1, 2])
        assert.equal((await call('POST', '/v1/jobs', acme, { seed: `http://jobs${n}.test/` })).status, 201);
      const third = await call('POST', '/v1/jobs', acme, { seed: 'http://jobs3.test/' });
      retryAfter(third);
      assert.match(third.json.error.message, /2 crawl jobs/);
      // a second key of the same tenant shares the tenant's limit
      assert.equal(
        (await call('POST', '/v1/jobs', await key('acme-jobs'), { seed: 'http://j4.test/' })).status,
        429,
      );
      assert.equal((await call('POST', '/v1/jobs', globex, { seed: 'http://jobs1.test/' })).status, 201);
      const jobs = await call('GET', '/v1/jobs', acme);
      assert.equal(jobs.json.jobs.length, 2, 'the refused job was not stored');
    });

    test('a node holds at most leasesPerNode leases at once', async () => {
      const k = await key('lease-cap');
      const g = await key('lease-cap-2');
      for (const [kk, host] of [
        [k, 'cap1.test'],
        [k, 'cap2.test'],
        [g, 'cap3.test'],
      ] as const)
        assert.equal(
          (await call('POST', '/v1/jobs', kk, { seed: `http://${host}/`, maxDepth: 0 })).status,
          201,
        );
      const { token } = await nodeSession(co, 'dave');
      const first = await call('POST', '/v1/nodes/lease', token, { max: 8 });
      assert.equal(first.json.leases.length, 2, first.text);
      const second = await call('POST', '/v1/nodes/lease', token, { max: 8 });
      assert.equal(second.json.leases.length, 0, 'no more while it holds 2');
      // another node is not held back by this one's cap (and is capped too)
      const other = await nodeSession(co, 'dave');
      const got = (await call('POST', '/v1/nodes/lease', other.token, { max: 8 })).json.leases.length;
      assert.ok(got >= 1 && got <= 2, `bob got ${got}`);
    });

    test("a key's pages for the day: no page lease past them, new jobs 429 until the next UTC day", async () => {
      const stingy = await key('pages-acme', { pagesPerDay: 1 });
      const globex = await key('pages-globex', { pagesPerDay: 1 });
      for (const host of ['pages1.test', 'pages2.test'])
        assert.equal(
          (await call('POST', '/v1/jobs', stingy, { seed: `http://${host}/`, maxDepth: 0 })).status,
          201,
        );
      assert.equal(
        (await call('POST', '/v1/jobs', globex, { seed: 'http://pages3.test/', maxDepth: 0 })).status,
        201,
      );
      const { node, token } = await nodeSession(co, 'dave');
      // drain leftovers of earlier tests too; only page URLs of these hosts are looked at
      const leased = await work(co, node, token);
      const pages = leased.filter((u) => /^http:\/\/pages\d\.test\/$/.test(u));
      assert.equal(pages.filter((u) => u !== 'http://pages3.test/').length, 1, `acme got one page: ${pages}`);
      assert.ok(pages.includes('http://pages3.test/'), "globex's page is not held back by acme's use");
      const again = await call('POST', '/v1/jobs', stingy, { seed: 'http://pages4.test/', maxDepth: 0 });
      const wait = retryAfter(again);
      assert.ok(wait >= 1 && wait <= 86_400, `until the next UTC day: ${wait}`);
      assert.match(again.json.error.message, /1 pages for today/);
    });
  });
