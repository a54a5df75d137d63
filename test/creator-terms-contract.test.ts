import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Creators } from '@sward/coordinator';
import { coordinatorWithNode, untilDone, work } from './support/api-call.js';
import { backends } from './support/backends.js';

/** A domain owner's allowed purposes are honoured by every job (issue #15 point 5), on both backends. */
for (const backend of backends())
  describe(`creator terms honoured by jobs: ${backend.name}`, () => {
    test("a job of a purpose the owner does not allow never fetches the domain's pages, subdomains included", async () => {
      const { co, node, token, key, call: api } = await coordinatorWithNode(backend);
      const creators = new Creators(co.store.db);
      await creators.claim('pub-owner', 'pub.test');
      // proving control is creators-e2e's subject: here the verified row is made directly
      await co.store.db.run(
        "INSERT INTO cr_domains (domain, tenant_id, method, verified_at) VALUES ('pub.test', 'pub-owner', 'dns', ?)",
        [Date.now()],
      );
      await creators.setTerms(
        'pub-owner',
        'pub.test',
        { license: 'CC-BY-4.0', purposes: ['input', 'index'], pricePer1000PagesUsd: '0', royaltyShare: 0 },
        'test',
      );
      const call = async (purpose: string, seed: string) => {
        const r = await api('POST', '/v1/jobs', key, { seed, maxPages: 5, maxDepth: 0, purpose });
        assert.equal(r.status, 201, r.text);
        return r.json.id as string;
      };
      const train = await call('train', 'http://www.pub.test/a');
      const input = await call('input', 'http://pub.test/b');
      const other = await call('train', 'http://other.test/c');
      const leased = await work(co, node, token);
      assert.ok(!leased.includes('http://www.pub.test/a'), `leased ${leased.join(' ')}`);
      assert.ok(leased.includes('http://pub.test/b'));
      assert.ok(leased.includes('http://other.test/c'), 'a domain without terms is crawled as before');
      for (const id of [train, input, other]) await untilDone(co.app, key, id);
      const skipped = await co.store.captures.skipped(train, 0, 10);
      assert.deepEqual(
        skipped.map((s) => [s.url, s.reason]),
        [['http://www.pub.test/a', 'creator:purpose-not-allowed']],
      );
      assert.match(String(skipped[0]?.detail), /allows input, index, not train \(terms v1/);
      // the owner widens the terms: a new train job fetches the page
      await creators.setTerms(
        'pub-owner',
        'pub.test',
        { license: 'CC-BY-4.0', purposes: ['train', 'input'], pricePer1000PagesUsd: '0', royaltyShare: 0 },
        'test',
      );
      await call('train', 'http://www.pub.test/d');
      assert.ok((await work(co, node, token)).includes('http://www.pub.test/d'));
    });
  });
