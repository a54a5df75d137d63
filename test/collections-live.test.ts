import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import { type CollectionWebhookPayload, verifyWebhook } from '@sward/core';
import type { RunningNode } from '@sward/node';
import { SwardClient } from '@sward/sdk';
import { type NewsSite, startNewsSite } from '@sward/testsites';
import { pino } from 'pino';
import { backends } from './support/backends.js';
import {
  changesIn as changesOf,
  changesSince,
  refreshAfter as refreshAfterIn,
  until,
} from './support/live.js';
import { loopbackNode } from './support/nodes.js';

const quiet = pino({ level: 'silent' });
const EVERY_MS = 2000;

interface Delivery {
  body: string;
  headers: Record<string, string>;
}

/** A customer's webhook endpoint on loopback: keeps every delivery. */
async function webhookReceiver(): Promise<{ url: string; deliveries: Delivery[]; server: Server }> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      deliveries.push({ body, headers: req.headers as Record<string, string> });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/sward`,
    deliveries,
    server,
  };
}

for (const backend of backends()) {
  describe(`live collection on a changing news site: ${backend.name}`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'sward-live-'));
    let site: NewsSite;
    let c: RunningCoordinator;
    let node: RunningNode;
    let hook: Awaited<ReturnType<typeof webhookReceiver>>;
    after(async () => {
      await node?.stop();
      await c?.close();
      await site?.close();
      hook?.server.close();
      await backend.cleanup();
      rmSync(tmp, { recursive: true, force: true });
    });

    const refreshAfter = (id: string, t: number) => refreshAfterIn(c, id, t);
    const changesIn = (jobId: string) => changesOf(c, jobId);
    const chunkIds = async (collectionId: string, url: string) =>
      (
        await c.store.db.all<{ id: number }>(
          'SELECT id FROM collection_chunks WHERE collection_id = ? AND url = ? ORDER BY id',
          [collectionId, url],
        )
      ).map((r) => Number(r.id));

    test('feed entries are indexed, refreshed with 304s, and every change is searchable one refresh later', async () => {
      site = await startNewsSite({ articles: 5 });
      hook = await webhookReceiver();
      c = await startCoordinator({
        db: await backend.create(),
        dataDir: tmp,
        log: quiet,
        scheduler: { hostDelayMs: 20, leaseMs: 10_000 },
        checkpoints: { everyMs: 300 },
        collections: { minIntervalMs: 1000, tickMs: 100, allowPrivateWebhooks: true, webhookBackoffMs: 20 },
      });
      node = await loopbackNode(c.url, tmp);
      const client = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
      const [a1, a2, a3, a4, a5] = site.articles().reverse();
      assert.ok(a1 && a2 && a3 && a4 && a5);

      const created = await client.createCollection({
        name: 'daily',
        sources: [`${site.url}/feed.xml`],
        every: EVERY_MS,
        webhook: hook.url,
      });
      assert.match(created.webhookSecret ?? '', /^whsec_/);
      const secret = created.webhookSecret as string;
      const id = created.id;

      // 1. The first refresh expands the feed and indexes its five articles.
      const first = await refreshAfter(id, 0);
      const firstChanges = await changesIn(first);
      assert.deepEqual(
        firstChanges.map(([, ch]) => ch),
        ['added', 'added', 'added', 'added', 'added'],
      );
      const word = (a: { title: string }) =>
        a.title.split(/\s+/).sort((x, y) => y.length - x.length)[0] as string;
      // the article's own opening words find it first
      const phrase = a1.text.split(/\s+/).slice(0, 14).join(' ');
      const hit = (await client.searchCollection(id, { query: phrase, k: 5 })).results[0];
      assert.equal(hit?.url, a1.url, `searching for "${phrase}"`);
      assert.ok(hit.provenance.captureId?.startsWith('c_'));
      assert.ok(hit.headingPath.length > 0, 'chunks carry their heading path');
      // the capture behind the chunk is in the log, under a checkpoint, and its proof verifies there
      await c.flushLog();
      const proven = (await client.searchCollection(id, { query: phrase, k: 1 })).results[0];
      assert.ok(proven && proven.provenance.leafIndex !== null && proven.provenance.checkpointSize !== null);
      const proof = await client.proof({ captureId: proven.provenance.captureId as string });
      assert.equal(proof.leafIndex, proven.provenance.leafIndex);

      // 2. A refresh with nothing changed: every URL answers 304, nothing is re-indexed, no webhook.
      const quietT = Date.now();
      const idle = await refreshAfter(id, quietT);
      assert.deepEqual(await changesIn(idle), []);
      const idleRound = (await client.collection(id)).freshness;
      const idleStats = await c.store.db.get<{ stats: string }>(
        'SELECT stats FROM collection_rounds WHERE job_id = ?',
        [idle],
      );
      const stats = JSON.parse(idleStats?.stats ?? '{}');
      assert.equal(stats.fetched, 0, 'no full fetches when nothing changed');
      assert.equal(stats.notModified, 6, 'the feed and five articles answered 304');
      // (read from the site's log: the next refresh may already be running, so look at finished hits only)
      const a1Hits = site.hits.forPath(new URL(a1.url).pathname).filter((h) => h.start > quietT && h.status);
      assert.ok(a1Hits.length > 0 && a1Hits.every((h) => h.status === 304));
      assert.ok(
        a1Hits.every((h) => h.headers['if-none-match']),
        'the node sent the held ETag',
      );
      assert.ok(idleRound.oldestPageAgeMs !== null);

      // 3. The site changes while the collection watches it.
      const before5 = await chunkIds(id, a5.url);
      const t = Date.now();
      const added = site.addArticle({
        title: 'Quokkas annex the harbour',
        text: 'The zephyrquokka delegation arrived at dawn.\n\nNobody objected to the zephyrquokka plan.',
      });
      site.editArticle(a2.id, {
        text: 'The council now says blorptangle is the answer.\n\nBlorptangle won.',
      });
      site.deleteArticle(a3.id);
      site.setNoai(a4.id, true);
      site.editArticle(a5.id, { markupOnly: true });
      const changed = await refreshAfter(id, t);
      // by the end of the first refresh that started after the changes, every one of them is in the index
      // (a refresh running at the time may already have seen some)
      const seen = await changesSince(c, id, t, changed);
      assert.deepEqual(
        seen,
        [
          [a2.url, 'changed'],
          [a3.url, 'removed'],
          [a4.url, 'removed'],
          [added.url, 'added'],
        ].sort(),
        'exactly these changes, each seen once',
      );
      const search = async (q: string) => (await client.searchCollection(id, { query: q, k: 20 })).results;
      assert.equal((await search('zephyrquokka'))[0]?.url, added.url);
      assert.equal((await search('blorptangle'))[0]?.url, a2.url);
      assert.ok(!(await search(word(a3))).some((r) => r.url === a3.url), 'deleted article left the index');
      assert.ok(
        !(await search(a4.title)).some((r) => r.url === a4.url),
        'the noai article is not searchable',
      );
      assert.deepEqual(await chunkIds(id, a5.url), before5, 'a markup-only edit kept its chunks');
      assert.ok(
        site.hits.forPath(new URL(a5.url).pathname).some((h) => h.start > t && h.status === 200),
        'its new markup was fetched in full',
      );
      // the noai page is refetched each refresh and never indexed
      await refreshAfter(id, Date.now());
      assert.equal(
        (
          await c.store.db.get<{ n: number }>('SELECT count(*) AS n FROM collection_chunks WHERE url = ?', [
            a4.url,
          ])
        )?.n,
        0,
      );

      // 4. The webhook told the customer each change, signed with the collection's secret.
      const payloadsOf = (ds: Delivery[]) => ds.map((d) => JSON.parse(d.body) as CollectionWebhookPayload);
      const toldOf = (ds: Delivery[]) =>
        payloadsOf(ds)
          .filter((p) => p.refresh.jobId !== first)
          .flatMap((p) => p.changes.map((ch): [string, string] => [ch.url, ch.change]))
          .sort();
      const delivered = await until('the webhook deliveries of those changes', async () =>
        toldOf(hook.deliveries).length >= seen.length ? [...hook.deliveries] : null,
      );
      for (const d of delivered)
        assert.equal(
          verifyWebhook(secret, d.body, d.headers['sward-signature'] ?? '', { nowSec: Date.now() / 1000 }),
          true,
        );
      assert.equal(payloadsOf(delivered)[0]?.refresh.jobId, first);
      assert.deepEqual(toldOf(delivered), seen);
      assert.throws(() =>
        verifyWebhook(
          'whsec_wrong',
          delivered[0]?.body ?? '',
          delivered[0]?.headers['sward-signature'] ?? '',
          { nowSec: Date.now() / 1000 },
        ),
      );

      // 5. Freshness: the added and edited pages carry Last-Modified, so their lag is measured.
      const info = await client.collection(id);
      assert.ok((info.freshness.changeToSearchableMs?.n ?? 0) >= 2);
      assert.equal(info.pages, 4, 'five originals, one deleted, one opted out, one new');
      assert.deepEqual(info.freshness.failedSources, []);
    });

    test('pause stops refreshes, resume starts one at once, delete removes everything', async () => {
      const client = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
      const col = (await client.collections())[0];
      assert.ok(col);
      await client.pauseCollection(col.id, true);
      // a refresh in flight may finish; after that none starts
      await until('no refresh running', async () => !(await client.collection(col.id)).refreshing);
      const pausedAt = Date.now();
      await new Promise((r) => setTimeout(r, EVERY_MS + 500));
      const startedSince = await c.store.db.get<{ n: number }>(
        'SELECT count(*) AS n FROM collection_rounds WHERE collection_id = ? AND started_at > ?',
        [col.id, pausedAt],
      );
      assert.equal(Number(startedSince?.n), 0);
      const resumedAt = Date.now();
      await client.pauseCollection(col.id, false);
      await refreshAfter(col.id, resumedAt - 1);
      await client.deleteCollection(col.id);
      for (const table of ['collection_pages', 'collection_chunks', 'collection_rounds', 'collection_feeds'])
        assert.equal(
          Number(
            (
              await c.store.db.get<{ n: number }>(
                `SELECT count(*) AS n FROM ${table} WHERE collection_id = ?`,
                [col.id],
              )
            )?.n,
          ),
          0,
          table,
        );
      await assert.rejects(client.searchCollection(col.id, { query: 'anything' }), /no collection/);
    });
  });
}
