import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { openStore } from '@sward/coordinator';
import { REFUSED_ADDRESS } from '../packages/coordinator/src/store/frontier-store.js';
import { JobWaitsCache, jobWaits } from '../packages/coordinator/src/store/job-waits.js';
import { CLOSES, CLOSES_EFFECT } from '../packages/coordinator/src/store/policy-answers.js';
import { backends } from './support/backends.js';

// What GET /v1/jobs/:id `progress.waitingFor` says for each state of a site's robots.txt and tdmrep.json (the route's end to end
// is job-waiting-for-e2e.test.ts), and how long an answer is kept.
for (const backend of backends())
  describe(`a job's waits on robots.txt and tdmrep.json: ${backend.name}`, () => {
    after(() => backend.cleanup());

    test('not fetched (no node seen, then one), fetching, unconfirmed, refused, read; kept for a few seconds', async () => {
      const store = await openStore(await backend.create());
      after(() => store.close());
      const origin = 'http://site.test';
      const job = await store.frontier.createJob({ tenant: 'default' }, {
        seed: `${origin}/`,
        maxPages: 10,
        maxDepth: 2,
        include: [],
        exclude: [],
      } as never);
      const cfg = store.frontier.config;
      const now = Date.now();
      const waits = () => jobWaits(store.db, job.id, cfg, now);

      let [w] = await waits();
      assert.deepEqual(
        { ...w, message: undefined },
        {
          origin,
          file: 'robots.txt',
          pages: 1,
          reason: 'not_fetched',
          message: undefined,
        },
      );
      assert.match(
        w?.message ?? '',
        /^waiting for robots\.txt of http:\/\/site\.test: no node has fetched it yet \(no node has been seen in the last minute/,
      );
      await store.db.run('INSERT INTO nodes (id, operator, created_at, last_seen) VALUES (?, ?, ?, ?)', [
        'n1',
        'op1',
        now,
        now,
      ]);
      [w] = await waits();
      assert.equal(w?.message, `waiting for robots.txt of ${origin}: no node has fetched it yet`);

      const url = `${origin}/robots.txt`;
      const row = await store.db.transaction((tx) =>
        store.frontier.policyFileRow(tx, origin, 'robots', url, now),
      );
      assert.ok(row);
      await store.db.run("UPDATE urls SET state = 'leased', leased_to = 'n1' WHERE id = ?", [row.id]);
      [w] = await waits();
      assert.equal(w?.reason, 'fetching');
      assert.equal(w?.message, `waiting for robots.txt of ${origin}: a node is fetching it`);

      const at = now - 60_000;
      await store.db.transaction((tx) =>
        store.frontier.awaitConfirmation(
          tx,
          row.id,
          [
            {
              nodeId: 'n1'.padEnd(64, '0'),
              operator: 'op1',
              verdict: 'robots.txt answered 503, closing the origin',
              at,
              effect: CLOSES_EFFECT,
              rank: CLOSES,
            },
          ],
          now,
        ),
      );
      [w] = await waits();
      assert.equal(w?.reason, 'unconfirmed');
      assert.equal(w?.until, at + cfg.policyConfirmMs);
      assert.equal(
        w?.message,
        `waiting for robots.txt of ${origin}: node n10000000000… answered "robots.txt answered 503, closing the origin", which would close the site; a node of another operator must confirm it, else it stands at ${new Date(at + cfg.policyConfirmMs).toISOString()} (in 9 min)`,
      );

      const late = await jobWaits(store.db, job.id, cfg, at + cfg.policyConfirmMs);
      assert.match(
        late[0]?.message ?? '',
        /would close the site; no node of another operator confirmed it in time: the next answer stands$/,
      );

      const cache = new JobWaitsCache(3000);
      assert.equal((await cache.get(store.db, job.id, cfg, now))[0]?.reason, 'unconfirmed');
      await store.db.transaction((tx) => store.frontier.handBack(tx, row.id, 'n1', now));
      [w] = await waits();
      assert.equal(w?.reason, 'refused');
      assert.match(
        w?.message ?? '',
        /a node refused it by its operator's rules .*; waiting for another node$/,
      );
      // a node's own guard refusing the site's address: waits for a node that may fetch it, and says which
      await store.db.transaction((tx) =>
        store.frontier.handBack(tx, row.id, 'n2'.padEnd(64, '0'), now, REFUSED_ADDRESS),
      );
      [w] = await waits();
      assert.deepEqual(
        { reason: w?.reason, until: w?.until, message: w?.message },
        {
          reason: 'refused',
          until: undefined,
          message: `waiting for robots.txt of ${origin}: node n20000000000… refuses private addresses (BLOCKED_ADDRESS), which says nothing of the site; waiting for a node that may fetch it: a node started with --allow-private can`,
        },
      );
      await store.db.transaction((tx) => store.frontier.handBack(tx, row.id, 'n1', now));
      // within its few seconds the cache answers what it read; after them, what is
      assert.equal((await cache.get(store.db, job.id, cfg, now + 2999))[0]?.reason, 'unconfirmed');
      assert.equal((await cache.get(store.db, job.id, cfg, now + 3000))[0]?.reason, 'refused');

      // Read: the site's pages wait for its tdmrep.json next (before, the job said nothing while they did).
      const source = (u: string) => ({
        url: u,
        captureId: null,
        status: 404,
        bodySha256: null,
        fetchedAt: now,
        detail: null,
      });
      await store.db.transaction(async (tx) => {
        await store.frontier.setRobots(tx, origin, 'allow-all', null, source(url));
        await store.frontier.settle(tx, row.id, 'stored', null);
      });
      [w] = await waits();
      assert.deepEqual(
        { file: w?.file, reason: w?.reason, message: w?.message },
        {
          file: 'tdmrep.json',
          reason: 'not_fetched',
          message: `waiting for tdmrep.json of ${origin}: no node has fetched it yet`,
        },
      );
      const tdmUrl = `${origin}/.well-known/tdmrep.json`;
      const tdm = await store.db.transaction((tx) =>
        store.frontier.policyFileRow(tx, origin, 'tdmrep', tdmUrl, now),
      );
      assert.ok(tdm);
      await store.db.transaction((tx) =>
        store.frontier.awaitConfirmation(
          tx,
          tdm.id,
          [
            {
              nodeId: 'n1'.padEnd(64, '0'),
              operator: 'op1',
              verdict: 'tdmrep.json answered 404',
              at: now,
              effect: 'none',
              rank: 0,
            },
          ],
          now,
        ),
      );
      [w] = await waits();
      assert.equal(w?.reason, 'unconfirmed');
      assert.match(
        w?.message ?? '',
        /^waiting for tdmrep\.json of http:\/\/site\.test: node n10000000000… answered "tdmrep\.json answered 404", which would open the site; a node of another operator must confirm it/,
      );
      // both read: the site's pages wait for an RSL licence a page named, if any, then for nothing more
      await store.db.transaction(async (tx) => {
        await store.frontier.setTdmRep(tx, origin, null, source(tdmUrl));
        await store.frontier.settle(tx, tdm.id, 'stored', null);
      });
      assert.deepEqual(await waits(), []);
      const licence = 'https://licences.test/site.xml';
      await store.db.transaction((tx) => store.frontier.wantLicence(tx, origin, licence, now));
      [w] = await waits();
      assert.deepEqual(
        { file: w?.file, url: w?.url, reason: w?.reason, message: w?.message },
        {
          file: 'licence',
          url: licence,
          reason: 'not_fetched',
          message: `waiting for the RSL licence ${licence} of ${origin}: no node has fetched it yet`,
        },
      );
      const lic = await store.db.transaction((tx) =>
        store.frontier.policyFileRow(tx, origin, 'rsl', licence, now),
      );
      assert.ok(lic);
      await store.db.run("UPDATE urls SET state = 'leased', leased_to = 'n1' WHERE id = ?", [lic.id]);
      assert.equal((await waits())[0]?.reason, 'fetching');
      await store.db.transaction((tx) => store.frontier.settle(tx, lic.id, 'stored', null));
      assert.deepEqual(await waits(), []);
    });
  });
