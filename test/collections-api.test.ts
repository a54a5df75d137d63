import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startCoordinator } from '@sward/coordinator';
import { SwardApiError, SwardClient } from '@sward/sdk';
import { pino } from 'pino';
import { backends } from './support/backends.js';
import { sward } from './support/processes.js';

for (const backend of backends()) {
  describe(`live collections API: ${backend.name}`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'sward-col-'));
    after(async () => {
      await backend.cleanup();
      rmSync(tmp, { recursive: true, force: true });
    });

    test('create, list, show, pause, resume and delete, per API key, with clear errors', async () => {
      const c = await startCoordinator({
        db: await backend.create(),
        dataDir: tmp,
        log: pino({ level: 'silent' }),
      });
      try {
        const client = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
        const col = await client.createCollection({
          name: 'docs',
          sources: [
            'https://example.org/sitemap.xml',
            'https://example.org/feed.xml',
            'https://example.org/about#team',
          ],
          every: '5m',
          maxPages: 50,
        });
        assert.equal(col.everyMs, 300_000);
        assert.deepEqual(col.sources.map((s) => [s.kind, s.url]).sort(), [
          ['feed', 'https://example.org/feed.xml'],
          ['page', 'https://example.org/about'],
          ['sitemap', 'https://example.org/sitemap.xml'],
        ]);
        assert.deepEqual(
          (await client.collections()).map((x) => x.id),
          [col.id],
        );
        assert.equal((await client.pauseCollection(col.id, true)).paused, true);
        assert.equal((await client.collection(col.id)).paused, true);
        assert.equal((await client.pauseCollection(col.id, false)).paused, false);
        // another tenant sees none of it
        const otherKey = await c.store.auth.createApiKey({
          name: 'other',
          tenant: 'other',
          role: 'customer',
          scopes: ['collections'],
        });
        const other = new SwardClient({ url: c.url, apiKey: otherKey.key });
        assert.deepEqual(await other.collections(), []);
        await assert.rejects(
          other.collection(col.id),
          (e: unknown) => e instanceof SwardApiError && e.status === 404,
        );
        // bad input names what is wrong
        await assert.rejects(
          client.createCollection({ name: 'x', sources: ['ftp://example.org/'] }),
          (e: unknown) =>
            e instanceof SwardApiError && /sources\.0: URL must start with http/.test(e.message),
        );
        await assert.rejects(
          client.createCollection({ name: 'x', sources: ['https://example.org/'], every: '5s' }),
          (e: unknown) =>
            e instanceof SwardApiError && /below this coordinator's minimum of 10000 ms/.test(e.message),
        );
        await assert.rejects(
          client.createCollection({
            name: 'x',
            sources: ['https://example.org/'],
            chunkSize: 400,
            chunkOverlap: 200,
          }),
          (e: unknown) =>
            e instanceof SwardApiError && /chunkOverlap 200 must be less than half/.test(e.message),
        );
        await assert.rejects(
          client.createCollection({
            name: 'x',
            sources: ['https://example.org/'],
            webhook: 'http://127.0.0.1:9/h',
          }),
          (e: unknown) => e instanceof SwardApiError && /private or loopback/.test(e.message),
        );
        await assert.rejects(
          client.createCollection({
            name: 'x',
            sources: ['https://example.org/'],
            webhook: 'http://169.254.169.254/',
          }),
          (e: unknown) => e instanceof SwardApiError && /metadata/.test(e.message),
        );
        // the webhook secret is shown once, in the answer to create
        const hooked = await client.createCollection({
          name: 'hooked',
          sources: ['https://example.org/'],
          webhook: 'https://hooks.example.com/sward',
          chunkSize: 800,
          chunkOverlap: 80,
        });
        assert.match(hooked.webhookSecret ?? '', /^whsec_[A-Za-z0-9_-]{43}$/);
        const shown = await client.collection(hooked.id);
        assert.equal(shown.webhookSecret, undefined);
        assert.deepEqual(
          [shown.webhook?.url, shown.chunkSize, shown.chunkOverlap],
          ['https://hooks.example.com/sward', 800, 80],
        );
        await client.deleteCollection(hooked.id);
        await assert.rejects(
          client.createCollection({ name: 'x', sources: ['https://example.org/'], every: 'soon' }),
          (e: unknown) => e instanceof SwardApiError && /not like 30s/.test(e.message),
        );
        await client.deleteCollection(col.id);
        assert.deepEqual(await client.collections(), []);
        if (backend.name === 'sqlite') {
          const env = { SWARD_COORDINATOR: c.url, SWARD_API_KEY: c.firstApiKey as string };
          const create = sward(
            ['collection', 'create', 'news', '--source', 'https://example.org/rss', '--every', '1h'],
            env,
          );
          assert.equal(await create.exited, 0, create.output());
          assert.match(create.output(), /col_\S+ +news\n +every 3600 s/);
          const list = sward(['collection', 'list'], env);
          assert.equal(await list.exited, 0);
          assert.match(list.output(), /feed +https:\/\/example\.org\/rss/);
        }
      } finally {
        await c.close();
      }
    });
  });
}
