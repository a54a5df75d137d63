import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OpenAiEmbeddings, type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import type { RunningNode } from '@sward/node';
import { SwardClient } from '@sward/sdk';
import { pino } from 'pino';
import { inProcessCli } from './support/cli-in-process.js';
import { changesIn, refreshAfter, until } from './support/live.js';
import { loopbackNode } from './support/nodes.js';

const quiet = pino({ level: 'silent' });

const PAGES: Record<string, { title: string; sections: [string, string][] }> = {
  '/p/1': {
    title: 'Engine care',
    sections: [
      ['Oil', 'Change the automobile oil every ten thousand kilometres and check the filter.'],
      ['Brakes', 'Worn brake pads squeal; replace them before the discs are scored.'],
    ],
  },
  '/p/2': {
    title: 'Garden diary',
    sections: [['Roses', 'Prune the roses in early spring, just above an outward facing bud.']],
  },
  '/p/3': {
    title: 'Bread at home',
    sections: [['Sourdough', 'Feed the starter twice a day and bake when it doubles in four hours.']],
  },
  // looks like a feed by its URL, is a page
  '/about/feed.xml': {
    title: 'About this feed',
    sections: [['Why', 'We explain our lighthouse schedule here rather than in a feed.']],
  },
  '/p/9': {
    title: 'Harbour news',
    sections: [['Ferries', 'The morning ferry now leaves at seven from the north quay.']],
  },
};

/** A small site whose sitemap (behind a sitemap index) and feed list the pages above. */
function startSite(): Promise<{ url: string; server: Server; listed: Set<string> }> {
  const listed = new Set(['/p/1', '/p/2', '/p/3']);
  let origin = '';
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (status: number, type: string, body: string) =>
      res.writeHead(status, { 'content-type': type }).end(body);
    if (path === '/robots.txt') return send(200, 'text/plain', 'User-agent: *\nAllow: /\n');
    if (path === '/sitemap_index.xml')
      return send(
        200,
        'application/xml',
        `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>${origin}/sitemaps/a.xml</loc></sitemap></sitemapindex>`,
      );
    if (path === '/sitemaps/a.xml')
      return send(
        200,
        'application/xml',
        `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${[...listed]
          .map((p) => `<url><loc>${origin}${p}</loc></url>`)
          .join('')}</urlset>`,
      );
    // a feed at a URL that does not look like one, served as text/xml
    if (path === '/updates')
      return send(
        200,
        'text/xml',
        `<?xml version="1.0"?><rss version="2.0"><channel><title>u</title><item><title>h</title><link>${origin}/p/9</link></item></channel></rss>`,
      );
    if (path === '/notes.txt')
      return send(200, 'text/plain; charset=utf-8', 'Plain notes: the quokka census is on Friday.\n');
    const page = PAGES[path];
    if (!page) return send(404, 'text/plain', 'not found');
    return send(
      200,
      'text/html; charset=utf-8',
      `<!doctype html><html lang="en"><head><title>${page.title}</title></head><body><main><article><h1>${page.title}</h1>${page.sections
        .map(([h, t]) => `<h2>${h}</h2><p>${t} ${t}</p>`)
        .join('')}</article></main></body></html>`,
    );
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({ url: origin, server, listed });
    }),
  );
}

/**
 * An OpenAI-compatible /v1/embeddings server with a tiny hand-made model: words map to concept axes, so
 * "car" lands next to "automobile" without sharing a letter. Enough to tell vector hits from keyword hits.
 */
function startEmbeddingServer(): Promise<{ url: string; server: Server; calls: () => number }> {
  const axes: Record<string, number> = {
    car: 0,
    automobile: 0,
    engine: 0,
    oil: 0,
    brake: 0,
    brakes: 0,
    garden: 1,
    roses: 1,
    prune: 1,
    flower: 1,
    bread: 2,
    sourdough: 2,
    bake: 2,
    starter: 2,
    ferry: 3,
    ferries: 3,
    harbour: 3,
    quay: 3,
  };
  let calls = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      calls++;
      const { input, model } = JSON.parse(body) as { input: string[]; model: string };
      const data = input.map((text, index) => {
        const v = [0.01, 0.01, 0.01, 0.01, 0.01];
        for (const w of text.toLowerCase().match(/[a-z]+/g) ?? []) {
          const axis = axes[w];
          if (axis !== undefined) (v[axis] as number) += 1;
        }
        return { object: 'embedding', index, embedding: v };
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', model, data, usage: { prompt_tokens: 0, total_tokens: 0 } }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        server,
        calls: () => calls,
      }),
    ),
  );
}

describe('live collection sources: sitemap index, sniffed feed, text page, page cap, hybrid search', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-sources-'));
  let site: Awaited<ReturnType<typeof startSite>>;
  let embedder: Awaited<ReturnType<typeof startEmbeddingServer>>;
  let c: RunningCoordinator;
  let node: RunningNode;
  let client: SwardClient;
  before(async () => {
    site = await startSite();
    embedder = await startEmbeddingServer();
    c = await startCoordinator({
      db: join(tmp, 'sward.db'),
      dataDir: tmp,
      log: quiet,
      scheduler: { hostDelayMs: 10 },
      checkpoints: { everyMs: 300 },
      collections: {
        minIntervalMs: 1000,
        tickMs: 100,
        embeddings: new OpenAiEmbeddings({ url: embedder.url, model: 'concepts-5d' }),
      },
    });
    node = await loopbackNode(c.url, tmp);
    client = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
  });
  after(async () => {
    await node?.stop();
    await c?.close();
    site?.server.close();
    embedder?.server.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('every kind of source is expanded or indexed, a failing one is reported, a dropped entry leaves', async () => {
    const col = await client.createCollection({
      name: 'mixed',
      sources: [
        `${site.url}/sitemap_index.xml`,
        `${site.url}/updates`,
        `${site.url}/notes.txt`,
        `${site.url}/missing`,
        `${site.url}/about/feed.xml`,
      ],
      every: '1h',
    });
    const first = await refreshAfter(c, col.id, 0);
    assert.deepEqual(
      (await changesIn(c, first)).map(([u, ch]) => [new URL(u).pathname, ch]),
      [
        ['/about/feed.xml', 'added'],
        ['/notes.txt', 'added'],
        ['/p/1', 'added'],
        ['/p/2', 'added'],
        ['/p/3', 'added'],
        ['/p/9', 'added'],
      ],
    );
    const info = await client.collection(col.id);
    assert.deepEqual(
      info.sources.map((s) => [new URL(s.url).pathname, s.kind]),
      [
        ['/about/feed.xml', 'page'],
        ['/missing', 'page'],
        ['/notes.txt', 'page'],
        ['/sitemap_index.xml', 'sitemap'],
        ['/updates', 'feed'],
      ].sort(),
      'the answer told which sources are feeds and sitemaps',
    );
    assert.deepEqual(
      info.freshness.failedSources.map((s) => [new URL(s.url).pathname, s.error]),
      [['/missing', 'http_404: answered 404']],
    );
    // chunks follow the page's headings: the Brakes section is its own chunk under Engine care > Brakes
    const brakes = (await client.searchCollection(col.id, { query: 'brake pads squeal', k: 3 })).results[0];
    assert.deepEqual(brakes?.headingPath, ['Engine care', 'Brakes']);
    assert.equal(
      (await client.searchCollection(col.id, { query: 'quokka census' })).results[0]?.url,
      `${site.url}/notes.txt`,
    );

    // filters: domain, since and lang (vector search adds weaker neighbours, so look for the page)
    const q = { query: 'roses', k: 5 };
    const finds = async (filters: Record<string, string>) =>
      (await client.searchCollection(col.id, { ...q, filters })).results.map((r) => new URL(r.url).pathname);
    assert.equal((await finds({ domain: '127.0.0.1' }))[0], '/p/2');
    assert.deepEqual(await finds({ domain: 'example.org' }), []);
    assert.equal((await finds({ lang: 'en' }))[0], '/p/2');
    assert.deepEqual(await finds({ lang: 'de' }), []);
    const future = new Date(Date.now() + 3600_000).toISOString();
    assert.deepEqual(await finds({ since: future }), []);
    await assert.rejects(client.searchCollection(col.id, { ...q, filters: { since: 'yesterday' } }), /since/);
    await assert.rejects(client.searchCollection(col.id, { query: '' }), /query/);

    // an entry dropped from the sitemap leaves at the next refresh, though its page still answers 200
    site.listed.delete('/p/3');
    const t = Date.now();
    await client.refreshCollection(col.id);
    const second = await refreshAfter(c, col.id, t);
    assert.deepEqual(
      (await changesIn(c, second)).map(([u, ch]) => [new URL(u).pathname, ch]),
      [['/p/3', 'removed']],
    );
    const why = await c.store.db.get<{ reason: string }>(
      "SELECT reason FROM collection_changes WHERE job_id = ? AND change = 'removed'",
      [second],
    );
    assert.equal(why?.reason, 'no longer listed by any source');
  });

  test('the page cap holds, counting only pages', async () => {
    const col = await client.createCollection({
      name: 'capped',
      sources: [`${site.url}/sitemap_index.xml`],
      every: '1h',
      maxPages: 1,
    });
    await refreshAfter(c, col.id, 0);
    assert.equal((await client.collection(col.id)).pages, 1);
  });

  test("chunks follow the collection's target size", async () => {
    const sized = async (chunkSize: number) => {
      const col = await client.createCollection({
        name: `size-${chunkSize}`,
        sources: [`${site.url}/p/1`],
        every: '1h',
        chunkSize,
        chunkOverlap: 0,
      });
      await refreshAfter(c, col.id, 0);
      return c.store.db.all<{ text: string }>('SELECT text FROM collection_chunks WHERE collection_id = ?', [
        col.id,
      ]);
    };
    const small = await sized(100);
    const large = await sized(4000);
    assert.equal(large.length, 2, 'one chunk per section when they fit');
    assert.ok(small.length > large.length);
    assert.ok(
      small.every((ch) => ch.text.length <= 100),
      small.map((ch) => ch.text.length).join(','),
    );
  });

  test('with an embedding provider, search is hybrid: a synonym finds the page by vector alone', async () => {
    const col = (await client.collections()).find((x) => x.name === 'mixed');
    assert.ok(col);
    await until('every chunk embedded', async () => {
      const r = await c.store.db.get<{ n: number }>(
        'SELECT count(*) AS n FROM collection_chunks WHERE collection_id = ? AND embedding IS NULL',
        [col.id],
      );
      return Number(r?.n) === 0;
    });
    // "car" is in no page; the model puts it beside "automobile"
    const a = await client.searchCollection(col.id, { query: 'car', k: 3 });
    assert.equal(a.mode, 'hybrid');
    assert.equal(new URL(a.results[0]?.url ?? 'http://x/').pathname, '/p/1');
    assert.equal(a.results[0]?.keywordRank, null);
    assert.equal(a.results[0]?.vectorRank, 1);
    // a word that is in a page is found by both lists, fused
    const b = await client.searchCollection(col.id, { query: 'prune roses', k: 3 });
    assert.deepEqual(
      [
        new URL(b.results[0]?.url ?? 'http://x/').pathname,
        b.results[0]?.keywordRank,
        b.results[0]?.vectorRank,
      ],
      ['/p/2', 1, 1],
    );
    assert.ok(embedder.calls() > 0);
  });

  test('sward search prints chunks with URL, heading path and provenance', async () => {
    await c.flushLog();
    const env = { SWARD_COORDINATOR: c.url, SWARD_API_KEY: c.firstApiKey as string };
    // in this process (support/cli-in-process.ts), not as sward children
    const cli = inProcessCli();
    after(() => cli.close());
    const p = await cli.run(['search', 'mixed', 'prune roses', '-k', '2'], { env });
    assert.equal(p.code, 0, p.err);
    assert.match(p.out, /^1\. http:\/\/127\.0\.0\.1:\d+\/p\/2 › Garden diary › Roses\n/);
    assert.match(p.out, /capture c_[0-9a-f]+ leaf \d+ checkpoint \d+/);
    const json = await cli.run(['search', 'mixed', 'prune roses', '--json', '--domain', 'example.org'], {
      env,
    });
    assert.equal(json.code, 0, json.err);
    assert.deepEqual(JSON.parse(json.out).results, []);
    const missing = await cli.run(['search', 'nope', 'roses'], { env });
    assert.notEqual(missing.code, 0);
    assert.match(missing.err, /no collection with id or name "nope"/);
  });

  test('the LangChain.js retriever and the LlamaIndex.TS reader answer passages that carry their provenance', async () => {
    await c.flushLog();
    const col = (await client.collections()).find((x) => x.name === 'mixed');
    assert.ok(col);
    const { SwardRetriever } = await import('@sward/sdk/langchain');
    const { SwardReader } = await import('@sward/sdk/llamaindex');
    const { Document: LcDocument } = await import('@langchain/core/documents');
    const { Document: LiDocument } = await import('@llamaindex/core/schema');
    const direct = (await client.searchCollection(col.id, { query: 'prune roses', k: 2 })).results;
    const lc = await new SwardRetriever({ client, collectionId: col.id, k: 2 }).invoke('prune roses');
    const li = await new SwardReader({ client, collectionId: col.id, k: 2 }).loadData('prune roses');
    for (const [name, docs] of [
      [
        'langchain',
        lc.map((d) => ({ doc: d, text: d.pageContent, meta: d.metadata, is: d instanceof LcDocument })),
      ],
      [
        'llamaindex',
        li.map((d) => ({ doc: d, text: d.text, meta: d.metadata, is: d instanceof LiDocument })),
      ],
    ] as const) {
      assert.equal(docs.length, direct.length, name);
      docs.forEach((d, i) => {
        const want = direct[i];
        assert.ok(want && d.is, `${name}: the framework's own Document class`);
        assert.equal(d.text, want.text, name);
        assert.equal(d.meta.url, want.url, name);
        assert.deepEqual(d.meta.headingPath, want.headingPath, name);
        // the provenance is the search's own, ready for GET /v1/proofs
        assert.equal(d.meta.captureId, want.provenance.captureId, name);
        assert.match(String(d.meta.captureId), /^c_[0-9a-f]+$/, name);
        assert.equal(d.meta.leafIndex, want.provenance.leafIndex, name);
        assert.equal(d.meta.proof, want.provenance.proof, name);
      });
    }
    assert.equal(new URL(String(lc[0]?.metadata.url)).pathname, '/p/2');
    // a proof named by a retrieved document verifies the words' capture
    const proof = await client.proof({ captureId: String(lc[0]?.metadata.captureId) });
    assert.equal(proof.captureId, lc[0]?.metadata.captureId);
    // filters pass through: another domain finds nothing
    const none = await new SwardRetriever({
      client,
      collectionId: col.id,
      filters: { domain: 'example.org' },
    }).invoke('roses');
    assert.deepEqual(none, []);
  });
});
