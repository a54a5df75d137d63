// Two loose ends of creators' page charges (issue #15 point 5): the record of which terms a lease went out
// under is dropped when the lease closes, whatever closed it (at once when a node reports, by a sweep for
// leases that expired or were handed back, never while the lease is open); and a crawl pays once for a
// page's final URL even when a direct fetch replaces a capture that reached it through a redirect.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CreatorPageFlow, Creators } from '@sward/coordinator';
import { coordinatorWithNode, untilDone } from './support/api-call.js';
import { backends } from './support/backends.js';
import { captureUpload } from './support/capture-maker.js';
import { ownedWithTerms } from './support/creator-terms.js';

const TERMS = {
  license: 'CC-BY-4.0',
  purposes: ['train' as const],
  pricePer1000PagesUsd: '10',
  royaltyShare: 0.6,
};

for (const backend of backends())
  describe(`creator lease terms and charges per final URL: ${backend.name}`, () => {
    test('a closed lease leaves no terms row: a failure report at once, a hand-back by the sweep; an open one keeps its row', async () => {
      const { co, node, token, key, call } = await coordinatorWithNode(backend);
      await ownedWithTerms(co.store, 'pub-owner', 'pub.test', TERMS);
      for (const host of ['a', 'b', 'c']) {
        const r = await call('POST', '/v1/jobs', key, {
          seed: `http://${host}.pub.test/`,
          maxPages: 1,
          maxDepth: 0,
          maxPrice: '0.02',
        });
        assert.equal(r.status, 201, r.text);
      }
      // policy files answer 404; the three pages are leased and left open
      const pages = new Map<string, { leaseId: string; jobId: string; url: string }>();
      for (let i = 0; i < 20 && pages.size < 3; i++) {
        const { json } = await call('POST', '/v1/nodes/lease', token, { max: 8 });
        for (const lease of json.leases) {
          if (/robots\.txt$|tdmrep\.json$/.test(lease.url)) {
            const up = captureUpload(node, lease, {
              status: 404,
              body: 'no',
              headers: { 'content-type': 'text/plain' },
            });
            assert.equal((await call('POST', '/v1/nodes/captures', token, up)).status, 200);
          } else pages.set(new URL(lease.url).hostname.split('.')[0] as string, lease);
        }
      }
      const [a, b, c] = ['a', 'b', 'c'].map((h) => pages.get(h));
      assert.ok(a && b && c, `three page leases: ${[...pages.keys()]}`);
      const rows = async () =>
        (
          await co.store.db.all<{ lease_id: string }>('SELECT lease_id FROM cr_lease_terms ORDER BY lease_id')
        ).map((r) => r.lease_id);
      assert.deepEqual(await rows(), [a.leaseId, b.leaseId, c.leaseId].sort());

      // the node could not connect: the lease is settled (retried later), its terms row goes with it
      const failed = await call('POST', '/v1/nodes/failures', token, {
        leaseId: a.leaseId,
        jobId: a.jobId,
        url: a.url,
        code: 'CONNECT',
        message: 'refused',
      });
      assert.equal(failed.status, 200, failed.text);
      assert.deepEqual(await rows(), [b.leaseId, c.leaseId].sort());

      // b is handed back (c kept: its capture is still to come); no ingest path sees b's lease close
      const back = await call('POST', '/v1/nodes/hand-back', token, { keep: [c.leaseId] });
      assert.equal(back.status, 200, back.text);
      assert.deepEqual(await rows(), [b.leaseId, c.leaseId].sort());
      // younger than the sweep's age: kept for now
      const patient = new CreatorPageFlow(new Creators(co.store.db), null, { everyMs: 0, keepMs: 3_600_000 });
      assert.equal(await patient.sweep(co.store.db), 0);
      // older: b's row goes; c's lease is open, so its row stays whatever its age
      const sweep = new CreatorPageFlow(new Creators(co.store.db), null, { everyMs: 0, keepMs: 0 });
      assert.equal(await sweep.sweep(co.store.db, Date.now() + 1000), 1);
      assert.deepEqual(await rows(), [c.leaseId]);
      // c's capture still arrives, names its terms and pays, as a lease's capture should
      const up = captureUpload(node, c, { body: '<html><body>c</body></html>' });
      const stored = await call('POST', '/v1/nodes/captures', token, up);
      assert.equal(stored.status, 200, stored.text);
      assert.equal(stored.json.outcome, 'stored');
      assert.deepEqual(await rows(), []);
      assert.equal(await co.rewards.ledger.balance('cust:default'), -10_000);
    });

    test('a direct fetch replacing a capture stored through a redirect is not charged again for the same URL', async () => {
      const { co, node, token, key, call } = await coordinatorWithNode(backend);
      await ownedWithTerms(co.store, 'pub-owner', 'pub.test', TERMS);
      const r = await call('POST', '/v1/jobs', key, {
        seed: 'http://pub.test/',
        maxPages: 10,
        maxDepth: 1,
        maxPrice: '0.02',
      });
      assert.equal(r.status, 201, r.text);
      const id = r.json.id as string;
      const answers: string[] = [];
      for (let i = 0; i < 20; i++) {
        const { json } = await call('POST', '/v1/nodes/lease', token, { max: 8 });
        if (!json.leases.length) break;
        for (const lease of json.leases) {
          const up = /robots\.txt$|tdmrep\.json$/.test(lease.url)
            ? captureUpload(node, lease, {
                status: 404,
                body: 'no',
                headers: { 'content-type': 'text/plain' },
              })
            : lease.url === 'http://pub.test/'
              ? // the home page links the article by its old address first, then by its new one
                captureUpload(node, lease, {
                  body: '<html><body><a href="/old">article</a> <a href="/new">article</a></body></html>',
                })
              : lease.url === 'http://pub.test/old'
                ? // the old address moved: the page is stored under its final URL
                  captureUpload(node, lease, {
                    finalUrl: 'http://pub.test/new',
                    redirects: [{ url: lease.url, status: 301, location: 'http://pub.test/new' }],
                    body: '<html><body>the article</body></html>',
                  })
                : captureUpload(node, lease, { body: '<html><body>the article</body></html>' });
          const a = await call('POST', '/v1/nodes/captures', token, up);
          assert.equal(a.status, 200, a.text);
          answers.push(`${lease.url} ${a.json.outcome}`);
        }
      }
      await untilDone(co.app, key, id);
      // the redirect's capture came first, then the direct fetch replaced it (the case under test)
      const order = answers.filter((a) => /\/(old|new) /.test(a));
      assert.deepEqual(
        order,
        ['http://pub.test/old stored', 'http://pub.test/new stored'],
        answers.join('\n'),
      );
      const stored = await co.store.db.all<{ id: string; requested_url: string }>(
        "SELECT id, requested_url FROM captures WHERE job_id = ? AND outcome = 'stored'",
        [id],
      );
      // the direct fetch replaced the redirected one: one stored page for the final URL
      assert.deepEqual(stored.map((s) => s.requested_url).sort(), [
        'http://pub.test/',
        'http://pub.test/new',
      ]);
      const charges = await co.store.db.all<{ capture_id: string }>(
        "SELECT capture_id FROM cr_page_charges WHERE ref = 'crawl'",
      );
      assert.equal(charges.length, 2, 'one charge row for each final URL: the home page and the article');
      assert.equal(
        await co.rewards.ledger.balance('cust:default'),
        -20_000,
        'the article paid once, not twice',
      );
      assert.equal((await co.store.payments.budgetOf(co.store.db, id))?.spent, 20_000);
      const audit = await co.rewards.ledger.audit();
      assert.deepEqual([audit.unbalanced, audit.drifted], [[], []]);
    });
  });
