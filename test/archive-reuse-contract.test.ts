import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { schedulerFor } from '@sward/coordinator';
import { generateIdentity } from '@sward/core';
import { backends } from './support/backends.js';
import { captureUpload } from './support/capture-maker.js';
import { ingestStack } from './support/ingest-stack.js';

/**
 * Archive reuse on the capture path, the same on every backend: a job that took a page from the archive
 * does not store it a second time when a later URL of the job redirects to it (one row per final URL, as a
 * job that fetched the page itself).
 */
for (const backend of backends())
  describe(`archive reuse and ingest: ${backend.name}`, () => {
    after(() => backend.cleanup());

    test('a redirect onto a page the job took from the archive is a duplicate, not a second row', async () => {
      const { store, ingest } = await ingestStack(backend);
      const n = generateIdentity();
      await store.auth.upsertNode({ id: n.id, operator: 'alice' });
      const scheduler = schedulerFor(store);
      const claim = async () => {
        const [l] = await scheduler.claim(n.id, 1);
        assert.ok(l, 'a lease');
        return l;
      };
      // acme's crawl of the seed, which links to /r: robots.txt (allow all), tdmrep.json (none), the page.
      const acme = await store.frontier.createJob(
        { tenant: 'acme' },
        { seed: 'http://a.test/', maxPages: 10, maxDepth: 0, include: [], exclude: [] },
      );
      await ingest.acceptCapture(
        n.id,
        captureUpload(n, (await claim()) as never, { body: '', headers: { 'content-type': 'text/plain' } }),
      );
      await ingest.acceptCapture(n.id, captureUpload(n, (await claim()) as never, { status: 404, body: '' }));
      const seed = await claim();
      const page = await ingest.acceptCapture(
        n.id,
        captureUpload(n, seed as never, {
          body: '<html><body><p>Seed page</p><a href="/r">r</a></body></html>',
        }),
      );
      assert.equal(page.outcome, 'stored');
      // The sequencer's work, done here: the page gets its leaf and its document.
      await store.db.run('UPDATE captures SET leaf_index = 0 WHERE id = ?', [page.captureId]);
      if (await store.db.get('SELECT 1 AS x FROM extract_queue WHERE capture_id = ?', [page.captureId])) {
        await store.db.run('DELETE FROM extract_queue WHERE capture_id = ?', [page.captureId]);
        const doc = {
          text: 'Seed page',
          language: null,
          url: 'http://a.test/',
          links: [{ url: 'http://a.test/r' }],
        };
        await store.captures.insertDocument(store.db, page.captureId, acme.id, doc);
      }

      // globex takes the seed from the archive and follows its link; /r redirects to the seed.
      const globex = await store.frontier.createJob(
        { tenant: 'globex' },
        { seed: 'http://a.test/', maxPages: 10, maxDepth: 1, include: [], exclude: [], maxAge: '1h' },
      );
      const r = await claim();
      assert.equal(r.url, 'http://a.test/r', 'the seed was not leased: it came from the archive');
      const answer = await ingest.acceptCapture(
        n.id,
        captureUpload(n, r as never, {
          finalUrl: 'http://a.test/',
          body: '<html><body><p>Seed page</p><a href="/r">r</a></body></html>',
          redirects: [{ url: 'http://a.test/r', status: 301, location: '/' }],
        }),
      );
      assert.equal(answer.outcome, 'skipped');
      assert.equal(answer.reason, 'duplicate');
      const { rows } = await store.captures.pages(globex.id, null, 10);
      assert.deepEqual(
        rows.map((p) => [p.id, p.reused]),
        [[page.captureId, true]],
      );
      const progress = await store.frontier.progress(globex.id);
      assert.equal(progress.fromArchive, 1);
      assert.equal(progress.stored, 1);
    });
  });
