import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { openStore, type Store, schedulerFor } from '@sward/coordinator';
import { generateIdentity, type Identity } from '@sward/core';
import type { Ingest } from '../packages/coordinator/src/ingest/ingest.js';
import { defaultSpotCheckConfig, SpotChecks } from '../packages/coordinator/src/spot-check/index.js';
import { REFUSED } from '../packages/coordinator/src/store/frontier-store.js';
import { jobWaits } from '../packages/coordinator/src/store/job-waits.js';
import type { Lease } from '../packages/coordinator/src/store/types.js';
import { backends } from './support/backends.js';
import { captureUpload } from './support/capture-maker.js';
import { ingestStack } from './support/ingest-stack.js';

type RefusalCode = 'DOMAIN_DENIED' | 'CAP_REACHED' | 'INACTIVE_HOURS' | 'BLOCKED_ADDRESS';

// A node may refuse a leased URL by its operator's rules (deny list, byte cap, active hours; its guard refusing a
// robots.txt's private address): the URL goes back for another node, no attempt counted. Only the last refusing
// node was kept from it, so two colluding nodes polling eagerly and taking turns refusing kept a URL, or a whole
// origin through its robots.txt, from every honest node for good. Every node that refused is now kept from it,
// for refusalTtlMs: then a refusal expires, so a network whose every node refused (all in their inactive hours,
// a network of one) gets the URL back. The same on every backend.
for (const backend of backends()) {
  describe(`refusals by nodes' own rules: ${backend.name}`, () => {
    after(() => backend.cleanup());

    const setup = async () => {
      let now = Date.now();
      const ttl = 3 * 60_000; // not the default (5 min): the option is what is read
      const { store, ingest, blobs } = await ingestStack(backend, {
        clock: () => now,
        nodeTimeoutMs: 0,
        refusalTtlMs: ttl,
      });
      const node = async (operator: string) => {
        const n = generateIdentity();
        await store.auth.upsertNode({ id: n.id, operator });
        return n;
      };
      const job = await store.frontier.createJob(
        { tenant: 'default' },
        { seed: 'http://a.test/', maxPages: 10, maxDepth: 1, include: [], exclude: [] },
      );
      const claim = async (n: Identity) => (await schedulerFor(store).claim(n.id, 1))[0];
      const refuse = (n: Identity, l: Lease, code: RefusalCode) =>
        ingest.acceptFailure(n.id, {
          leaseId: l.leaseId,
          jobId: l.jobId,
          url: l.url,
          code,
          message: 'by my operator’s rules',
        });
      return {
        store,
        ingest,
        blobs,
        node,
        job,
        claim,
        refuse,
        ttl,
        tick: (ms: number) => {
          now += ms;
        },
      };
    };

    /** What an honest node sends for a lease: robots.txt allowing all, no tdmrep.json, a page. */
    const answer = (ingest: Ingest, n: Identity, l: Lease) =>
      ingest.acceptCapture(
        n.id,
        captureUpload(
          n,
          l,
          l.kind === 'robots'
            ? { body: 'User-agent: *\nAllow: /\n', headers: { 'content-type': 'text/plain' } }
            : l.kind === 'tdmrep'
              ? { status: 404, body: '' }
              : { body: '<html><body><p>the page</p></body></html>' },
        ),
      );

    const storedPages = async (store: Store, jobId: string) => (await store.frontier.progress(jobId)).stored;

    test('two colluding nodes taking turns refusing keep neither robots.txt nor a page from an honest node that polls less often (attacker: eager colluders)', async () => {
      const { store, ingest, node, job, claim, refuse, tick } = await setup();
      const colluders = [await node('mallory'), await node('trudy')];
      const honest = await node('alice');
      const codes: RefusalCode[] = ['DOMAIN_DENIED', 'INACTIVE_HOURS', 'CAP_REACHED', 'BLOCKED_ADDRESS'];
      const held = new Map<string, Lease[]>(colluders.map((c) => [c.id, []]));
      let refusals = 0;
      let honestClaims = 0;
      // Every 100 ms each colluder in turn refuses what it holds, and at once every colluder asks again (they
      // always win the race for a URL just freed); the honest node asks every 2 s, while a colluder holds it.
      for (let t = 0; t < 600 && (await storedPages(store, job.id)) === 0; t++) {
        for (const c of colluders) {
          for (const l of held.get(c.id) ?? []) {
            // BLOCKED_ADDRESS is a refusal for a robots.txt only (elsewhere it fails the URL)
            const code = codes[refusals++ % (l.kind === 'robots' ? 4 : 3)] as RefusalCode;
            assert.equal((await refuse(c, l, code)).outcome, 'handed_back');
          }
          held.set(c.id, []);
          for (const d of colluders) {
            const l = await claim(d);
            if (l) held.get(d.id)?.push(l);
          }
        }
        if (t % 20 === 0) {
          honestClaims++;
          const l = await claim(honest);
          if (l) await answer(ingest, honest, l);
        }
        tick(100);
      }
      assert.equal(
        await storedPages(store, job.id),
        1,
        'the honest node fetched the page: the origin opened',
      );
      // robots.txt, tdmrep.json, the page: each refused at most once by each colluder, then the honest node's
      assert.ok(honestClaims <= 5, `the honest node got the page by its 5th claim (took ${honestClaims})`);
      assert.ok(
        refusals <= 3 * colluders.length,
        `each colluder refused each URL once (${refusals} refusals)`,
      );
      const host = await store.db.get<{ robots_state: string }>(
        "SELECT robots_state FROM hosts WHERE origin = 'http://a.test'",
      );
      assert.equal(host?.robots_state, 'fetched');
      await store.close();
    });

    test('a refusal expires after refusalTtlMs: a network of one node gets its refused robots.txt and page back', async () => {
      const { store, ingest, node, job, claim, refuse, ttl, tick } = await setup();
      const solo = await node('solo');
      const robots = await claim(solo);
      assert.equal(robots?.kind, 'robots');
      await refuse(solo, robots as Lease, 'INACTIVE_HOURS');
      tick(1000);
      assert.equal(await claim(solo), undefined, 'not asked again at once');
      tick(ttl - 1001);
      assert.equal(await claim(solo), undefined, 'nor while its refusal holds');
      tick(1);
      const again = await claim(solo);
      assert.equal(again?.url, 'http://a.test/robots.txt', 'asked again once the refusal expired');
      await answer(ingest, solo, again as Lease);
      const tdm = await claim(solo);
      await answer(ingest, solo, tdm as Lease);
      const page = await claim(solo);
      assert.equal(page?.url, 'http://a.test/');
      await refuse(solo, page as Lease, 'CAP_REACHED');
      tick(ttl - 1);
      assert.equal(await claim(solo), undefined, 'the page waits while the refusal holds');
      tick(1);
      const pageAgain = await claim(solo);
      assert.equal(pageAgain?.url, 'http://a.test/', 'and is offered again when it expires');
      await answer(ingest, solo, pageAgain as Lease);
      assert.equal(await storedPages(store, job.id), 1);
      await store.close();
    });

    test('a lease a node let lapse goes back to it after one lease length: a network of one node still finishes its job', async () => {
      const { store, ingest, node, job, claim, tick } = await setup();
      const leaseMs = store.frontier.config.leaseMs;
      const solo = await node('solo');
      for (const kind of ['robots', 'tdmrep']) {
        const l = await claim(solo);
        assert.equal(l?.kind, kind);
        await answer(ingest, solo, l as Lease);
      }
      const page = await claim(solo);
      assert.equal(page?.url, 'http://a.test/');
      // the node goes quiet past its deadline (a restart, a hung fetch): the next claim expires the lease
      tick(leaseMs + 1);
      assert.equal(await claim(solo), undefined, 'another node would have the first chance at it');
      tick(leaseMs - 1);
      assert.equal(await claim(solo), undefined, 'for one lease length');
      tick(1);
      const again = await claim(solo);
      assert.equal(
        again?.url,
        'http://a.test/',
        'then the only node gets it again (it was kept from it for good)',
      );
      await answer(ingest, solo, again as Lease);
      assert.equal(await storedPages(store, job.id), 1);
      await store.close();
    });

    test('dropping expired refusals never waits for a transaction dropping the same ones (no deadlock with a capture batch)', {
      skip: backend.name === 'sqlite' && 'SQLite has one writer: no two transactions overlap',
    }, async () => {
      const { store, tick } = await setup();
      const t = store.frontier.config.clock();
      await store.db.run(
        'INSERT INTO url_refusals (url_id, node_id, reason, refused_at, expires_at) VALUES (1, ?, ?, ?, ?)',
        ['gone', REFUSED, t - 10, t - 1],
      );
      tick(1);
      await store.db.transaction(async (first) => {
        // one hand-back is dropping the expired refusal and has not committed
        await first.run('DELETE FROM url_refusals WHERE url_id = 1');
        await store.db.transaction(async (second) => {
          // a capture batch's claim expiring a lease in the meantime: it would wait on the row above
          await second.run("SET LOCAL lock_timeout = '2s'");
          await store.frontier.keepAway(
            second,
            2,
            'late',
            store.frontier.config.clock(),
            'lease_expired',
            1000,
          );
        });
      });
      const left = await store.db.all<{ url_id: unknown }>('SELECT url_id FROM url_refusals ORDER BY url_id');
      assert.deepEqual(
        left.map((r) => Number(r.url_id)),
        [2],
      );
      await store.close();
    });

    test('a network whose every node refused waits, then gets the URL again; the wait names the node refusing a private address', async () => {
      const { store, ingest, node, job, claim, refuse, ttl, tick } = await setup();
      const [a, b] = [await node('alice'), await node('bob')];
      const first = await claim(a);
      await refuse(a, first as Lease, 'INACTIVE_HOURS');
      tick(10);
      const second = await claim(b);
      assert.equal(second?.url, 'http://a.test/robots.txt', 'the other node is asked');
      await refuse(b, second as Lease, 'BLOCKED_ADDRESS');
      const [wait] = await jobWaits(store.db, job.id, store.frontier.config, store.frontier.config.clock());
      assert.equal(wait?.reason, 'refused');
      assert.match(wait?.message ?? '', new RegExp(`: node ${b.id.slice(0, 12)}… refuses private addresses`));
      tick(2000);
      assert.equal(await claim(a), undefined, 'every node refused: neither is asked while its refusal holds');
      assert.equal(await claim(b), undefined);
      tick(ttl - 2010);
      const back = await claim(a);
      assert.equal(back?.url, 'http://a.test/robots.txt', 'a is asked again once its refusal expired');
      await refuse(a, back as Lease, 'INACTIVE_HOURS');
      tick(10);
      const again = await claim(b);
      assert.equal(again?.url, 'http://a.test/robots.txt', 'then b, when its own expired');
      await answer(ingest, b, again as Lease);
      assert.equal((await claim(b))?.kind, 'tdmrep', 'the origin opens');
      await store.close();
    });

    test('a spot check refused by a checker still keeps the node whose capture it checks from it', async () => {
      const { store, blobs, node, refuse, tick } = await setup();
      const [alice, bob, carol] = [await node('alice'), await node('bob'), await node('carol')];
      // the origin's policy files answered: its URLs are leasable
      await store.db.run(
        `UPDATE hosts SET robots_state = 'fetched', robots_txt = '', policy_at = ?, tdmrep_state = 'fetched',
           tdmrep_at = ? WHERE origin = 'http://a.test'`,
        [store.frontier.config.clock(), store.frontier.config.clock()],
      );
      await store.db.run("UPDATE urls SET state = 'skipped', reason = 'test' WHERE kind = 'page'");
      const checks = new SpotChecks(blobs, store.captures, { ...defaultSpotCheckConfig, rate: 1 });
      await store.db.transaction(async (tx) => {
        await tx.run(
          `INSERT INTO captures (id, job_id, url_id, node_id, lease_id, requested_url, final_url, status,
             body_sha256, body_length, fetched_at, signed, outcome, created_at)
           VALUES ('c1', 'j', 0, ?, 'l_c1', 'http://a.test/c1', 'http://a.test/c1', 200, 'x', 0, 0, '{}', 'stored', 0)`,
          [alice.id],
        );
        await checks.maybeSchedule(tx, { id: 'c1', nodeId: alice.id, url: 'http://a.test/c1' });
      });
      const [lease] = await schedulerFor(store).claim(bob.id, 4);
      assert.equal(lease?.kind, 'spotcheck', 'bob, of another operator, takes the check');
      assert.equal((await refuse(bob, lease as Lease, 'DOMAIN_DENIED')).outcome, 'handed_back');
      tick(2000);
      const row = await store.db.get<{ avoid_node: string }>(
        "SELECT avoid_node FROM urls WHERE kind = 'spotcheck'",
      );
      assert.equal(row?.avoid_node, alice.id, 'the check still names the node it checks');
      const now = store.frontier.config.clock();
      const [host] = await store.db.transaction((tx) =>
        store.frontier.readyHosts(tx, now, 8, false, {
          id: alice.id,
          keys: [`op:${alice.id}`, `op:${alice.id}`],
        }),
      );
      assert.equal(host?.checksReady, false, "alice's claim does not even read the check");
      assert.deepEqual(
        await schedulerFor(store).claim(alice.id, 4),
        [],
        'alice never checks her own capture',
      );
      assert.deepEqual(await schedulerFor(store).claim(bob.id, 4), [], 'nor is bob asked again');
      const [c] = await schedulerFor(store).claim(carol.id, 4);
      assert.equal(c?.kind, 'spotcheck', 'carol runs it');
      await store.close();
    });

    test('an existing database is upgraded: a URL an older version kept from its one refusing node goes back to it', async () => {
      const location = await backend.create();
      const first = await openStore(location, { nodeTimeoutMs: 0, hostDelayMs: 0 });
      const solo = generateIdentity();
      await first.auth.upsertNode({ id: solo.id, operator: 'solo' });
      await first.frontier.createJob(
        { tenant: 'default' },
        { seed: 'http://a.test/', maxPages: 10, maxDepth: 1, include: [], exclude: [] },
      );
      // as an older version left it: no url_refusals, no refused_until; the page refused by the only node
      await first.db.exec('DROP TABLE url_refusals');
      await first.db.exec('ALTER TABLE urls DROP COLUMN refused_until');
      await first.db.run(
        `UPDATE hosts SET robots_state = 'fetched', robots_txt = '', policy_at = ?, tdmrep_state = 'fetched',
           tdmrep_at = ? WHERE origin = 'http://a.test'`,
        [Date.now(), Date.now()],
      );
      await first.db.run("UPDATE urls SET reason = ?, avoid_node = ? WHERE kind = 'page'", [
        REFUSED,
        solo.id,
      ]);
      await first.close();
      const store = await openStore(location, { nodeTimeoutMs: 0, hostDelayMs: 0 });
      after(() => store.close());
      const [l] = await schedulerFor(store).claim(solo.id, 1);
      assert.equal(l?.url, 'http://a.test/', 'the only node is asked again');
      // and its refusals are kept from now on
      const row = await store.frontier.getLease(l?.leaseId ?? '');
      await store.db.transaction((tx) => store.frontier.handBack(tx, row?.id ?? 0, solo.id, Date.now()));
      const refusals = await store.db.all<{ node_id: string }>('SELECT node_id FROM url_refusals');
      assert.deepEqual(
        refusals.map((r) => r.node_id),
        [solo.id],
      );
    });
  });
}
