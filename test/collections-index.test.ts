import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  applyCollectionsSchema,
  ChunkIndex,
  type ChunkInput,
  chunkMarkdown,
  type EmbeddingProvider,
  embedPending,
  hybridSearch,
  VectorIndex,
} from '../packages/coordinator/src/collections/index.js';
import { openPostgresDriver } from '../packages/coordinator/src/store/postgres-driver.js';
import type { SqlDriver } from '../packages/coordinator/src/store/sql-driver.js';
import { openSqliteDriver } from '../packages/coordinator/src/store/sqlite-driver.js';
import { backends } from './support/backends.js';

/** A toy embedder that knows synonyms: one dimension per concept, so "car" and "automobile" agree. */
const CONCEPTS: string[][] = [
  ['car', 'automobile', 'vehicle'],
  ['cat', 'kitten', 'feline'],
  ['rain', 'storm', 'weather'],
];
const toyEmbedder = (model = 'toy-1'): EmbeddingProvider & { calls: string[][] } => {
  const calls: string[][] = [];
  return {
    model,
    calls,
    async embed(texts) {
      calls.push([...texts]);
      return texts.map((t) => {
        const words = t.toLowerCase().match(/[a-z]+/g) ?? [];
        const v = CONCEPTS.map((c) => words.filter((w) => c.includes(w)).length);
        return Float32Array.from([...v, 0.01]);
      });
    },
  };
};

const chunk = (text: string, headingPath: string[] = [], offset = 0): ChunkInput => ({
  text,
  headingPath,
  offset,
});

/** One contract, both backends: the keyword index behaves the same on SQLite FTS5 and PostgreSQL FTS. */
for (const backend of backends()) {
  describe(`collections keyword index: ${backend.name}`, () => {
    const drivers: SqlDriver[] = [];
    after(async () => {
      for (const d of drivers) await d.close();
      await backend.cleanup();
    });

    const setup = async () => {
      const loc = await backend.create();
      const db = backend.name === 'postgres' ? openPostgresDriver(loc) : openSqliteDriver(loc);
      drivers.push(db);
      await applyCollectionsSchema(db);
      await applyCollectionsSchema(db); // idempotent
      return { db, index: new ChunkIndex(db) };
    };

    test('a page is chunked, indexed and found by its words and headings, with its provenance', async () => {
      const { db, index } = await setup();
      const md =
        '# Guide\n\nWelcome.\n\n## Install\n\nRun the zypper installer on Linux.\n\n## Usage\n\nCall the frobnicate command.';
      const chunks = chunkMarkdown(md, { size: 200 });
      const r = await db.transaction((tx) =>
        index.replacePage(tx, 'col1', 'https://docs.example.org/guide', chunks, {
          fetchedAt: 1000,
          leafIndex: 7,
          checkpointSize: 10,
          lang: 'EN',
        }),
      );
      assert.equal(r.changed, true);
      assert.equal(r.chunkIds.length, 3);

      const [hit, ...rest] = await index.search('col1', 'zypper');
      assert.equal(rest.length, 0);
      assert.deepEqual(
        { ...hit, score: undefined, id: undefined },
        {
          id: undefined,
          url: 'https://docs.example.org/guide',
          ord: 1,
          text: 'Run the zypper installer on Linux.',
          headingPath: ['Guide', 'Install'],
          offset: md.indexOf('Run the'),
          fetchedAt: 1000,
          leafIndex: 7,
          checkpointSize: 10,
          lang: 'en',
          domain: 'docs.example.org',
          score: undefined,
        },
      );
      assert.ok((hit?.score ?? 0) > 0);
      // the heading path is searchable too
      const byHeading = await index.search('col1', 'usage');
      assert.deepEqual(
        byHeading.map((h) => h.text),
        ['Call the frobnicate command.'],
      );
    });

    test('chunks with more of the query words rank first; match "all" needs every word', async () => {
      const { db, index } = await setup();
      await db.transaction(async (tx) => {
        await index.replacePage(
          tx,
          'c',
          'https://a.example/1',
          [chunk('solar panels on the roof of a barn')],
          {
            fetchedAt: 1,
          },
        );
        await index.replacePage(
          tx,
          'c',
          'https://a.example/2',
          [chunk('solar power is cheap now in the south')],
          {
            fetchedAt: 1,
          },
        );
        await index.replacePage(
          tx,
          'c',
          'https://a.example/3',
          [chunk('a barn with hay and horses inside it')],
          {
            fetchedAt: 1,
          },
        );
      });
      const any = await index.search('c', 'solar barn');
      assert.equal(any.length, 3);
      assert.equal(any[0]?.url, 'https://a.example/1');
      assert.ok((any[0]?.score ?? 0) > (any[1]?.score ?? 0));
      const all = await index.search('c', 'solar barn', { match: 'all' });
      assert.deepEqual(
        all.map((h) => h.url),
        ['https://a.example/1'],
      );
      assert.equal((await index.search('c', 'solar barn', { k: 1 })).length, 1);
    });

    test('in a large index, near-universal query words are dropped (SQLite keeps document frequencies)', {
      skip: backend.name !== 'sqlite' && 'PostgreSQL keeps no cheap document frequencies',
    }, async () => {
      const { db, index } = await setup();
      await db.transaction(async (tx) => {
        for (let p = 0; p < 520; p++)
          await index.replacePage(
            tx,
            'c',
            `https://a.example/${p}`,
            Array.from({ length: 10 }, (_, i) =>
              chunk(`the common words of pg${p} part ${i}${p === 7 && i === 3 ? ' and a zebra' : ''}`),
            ),
            { fetchedAt: 1 },
          );
      });
      // "the" is in all 5,200 chunks: scoring it would touch every one; the zebra alone decides
      const rare = await index.search('c', 'the zebra', { k: 10 });
      assert.deepEqual(
        rare.map((h) => [h.url, h.ord]),
        [['https://a.example/7', 3]],
      );
      // without the common words, only the page's own word matches: its ten chunks, not twenty
      const page = await index.search('c', 'the words of pg7', { k: 20 });
      assert.equal(page.length, 10);
      assert.ok(page.every((h) => h.url === 'https://a.example/7'));
      // a query of common words only still answers (the chunks having all of its rarest words)
      assert.equal((await index.search('c', 'the common words', { k: 20 })).length, 20);
    });

    test('replacing a page drops its old chunks; unchanged content keeps chunk ids and moves metadata', async () => {
      const { db, index } = await setup();
      const url = 'https://a.example/page';
      const first = await db.transaction((tx) =>
        index.replacePage(tx, 'c', url, [chunk('old walrus text'), chunk('more walrus')], { fetchedAt: 1 }),
      );
      const second = await db.transaction((tx) =>
        index.replacePage(tx, 'c', url, [chunk('new narwhal text')], { fetchedAt: 2, leafIndex: 3 }),
      );
      assert.equal(second.changed, true);
      assert.deepEqual(await index.search('c', 'walrus'), []);
      assert.equal((await index.search('c', 'narwhal'))[0]?.leafIndex, 3);
      const rows = await db.all<{ n: number }>('SELECT COUNT(*) AS n FROM collection_chunks');
      assert.equal(Number(rows[0]?.n), 1);
      assert.ok(!first.chunkIds.some((id) => second.chunkIds.includes(id)), 'ids are never reused');

      const third = await db.transaction((tx) =>
        index.replacePage(tx, 'c', url, [chunk('new narwhal text')], {
          fetchedAt: 5,
          leafIndex: 9,
          checkpointSize: 12,
        }),
      );
      assert.deepEqual(third, { changed: false, chunkIds: second.chunkIds });
      const [hit] = await index.search('c', 'narwhal');
      assert.deepEqual([hit?.fetchedAt, hit?.leafIndex, hit?.checkpointSize], [5, 9, 12]);
      assert.match((await index.pageHash('c', url)) ?? '', /^[0-9a-f]{64}$/);
    });

    test('concurrent replaces of one page serialise: the last writer wins whole', async () => {
      const { db, index } = await setup();
      const url = 'https://a.example/race';
      await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          db.transaction((tx) =>
            index.replacePage(
              tx,
              'c',
              url,
              Array.from({ length: i + 1 }, (_, j) => chunk(`version${i} part${j}`)),
              { fetchedAt: i },
            ),
          ),
        ),
      );
      const rows = await db.all<{ text: string }>('SELECT text FROM collection_chunks ORDER BY ord');
      const versions = new Set(rows.map((r) => r.text.split(' ')[0]));
      assert.equal(versions.size, 1, 'chunks of one version only');
      const v = Number([...versions][0]?.replace('version', ''));
      assert.equal(rows.length, v + 1);
      const page = await db.get<{ chunk_count: number }>('SELECT chunk_count FROM collection_pages');
      assert.equal(Number(page?.chunk_count), v + 1);
    });

    test('removePage removes a page and its chunks; a rolled-back replace leaves nothing', async () => {
      const { db, index } = await setup();
      await db.transaction((tx) =>
        index.replacePage(tx, 'c', 'https://a.example/x', [chunk('ocelot')], { fetchedAt: 1 }),
      );
      assert.equal(await db.transaction((tx) => index.removePage(tx, 'c', 'https://a.example/x')), true);
      assert.equal(await db.transaction((tx) => index.removePage(tx, 'c', 'https://a.example/x')), false);
      assert.deepEqual(await index.search('c', 'ocelot'), []);
      assert.equal(await index.pageHash('c', 'https://a.example/x'), null);

      await assert.rejects(
        db.transaction(async (tx) => {
          await index.replacePage(tx, 'c', 'https://a.example/y', [chunk('pangolin')], { fetchedAt: 1 });
          throw new Error('ingest failed later');
        }),
        /ingest failed later/,
      );
      assert.deepEqual(await index.search('c', 'pangolin'), []);
      assert.equal(await index.pageHash('c', 'https://a.example/y'), null);
    });

    test('filters: collection, domain (with subdomains), since, lang', async () => {
      const { db, index } = await setup();
      await db.transaction(async (tx) => {
        const put = (col: string, url: string, fetchedAt: number, lang: string | null) =>
          index.replacePage(tx, col, url, [chunk(`kestrel seen at ${url}`)], { fetchedAt, lang });
        await put('c', 'https://example.org/a', 100, 'en');
        await put('c', 'https://blog.example.org/b', 200, 'de');
        await put('c', 'https://notexample.org/c', 300, 'en');
        await put('c', 'https://example_x.org/d', 300, 'en');
        await put('other', 'https://example.org/z', 400, 'en');
      });
      const urls = async (opts = {}) => (await index.search('c', 'kestrel', opts)).map((h) => h.url).sort();
      assert.equal((await urls()).length, 4);
      assert.deepEqual(await urls({ domain: 'Example.ORG' }), [
        'https://blog.example.org/b',
        'https://example.org/a',
      ]);
      assert.deepEqual(await urls({ domain: 'blog.example.org' }), ['https://blog.example.org/b']);
      assert.deepEqual(await urls({ domain: 'e%' }), []);
      assert.deepEqual(await urls({ domain: 'example_x.org' }), ['https://example_x.org/d']);
      assert.deepEqual(await urls({ since: 200, lang: 'en' }), [
        'https://example_x.org/d',
        'https://notexample.org/c',
      ]);
      assert.deepEqual(await urls({ since: new Date(250) }), [
        'https://example_x.org/d',
        'https://notexample.org/c',
      ]);
      assert.deepEqual(await urls({ lang: 'DE' }), ['https://blog.example.org/b']);
      assert.deepEqual(
        (await index.search('other', 'kestrel')).map((h) => h.url),
        ['https://example.org/z'],
      );
    });

    test('untrusted query text never reaches the query syntax', async () => {
      const { db, index } = await setup();
      await db.transaction((tx) =>
        index.replacePage(
          tx,
          'c',
          'https://a.example/q',
          [chunk('Near the AND gate, NOT the OR gate: col "quoted" stuff')],
          {
            fetchedAt: 1,
          },
        ),
      );
      const nasty = [
        '"',
        '"unterminated',
        'NEAR(a b',
        'AND',
        'OR NOT',
        'text:gate',
        '{text heading_path}: gate',
        'gate*',
        '^gate',
        "gate'); DROP TABLE collection_chunks; --",
        '!!! & | <-> :* \\',
        "O'Reilly \\' \\\\",
        '',
        '   ',
        '🙂',
      ];
      for (const q of nasty) await index.search('c', q, { match: 'all' });
      for (const q of nasty) await index.search('c', q);
      assert.equal((await index.search('c', 'AND')).length, 1, 'operators are plain words');
      assert.equal((await index.search('c', 'text:gate')).length, 1, 'column filters are plain words');
      assert.equal((await index.search('c', '"quoted"')).length, 1);
      assert.deepEqual(await index.search('c', '!!!'), []);
      assert.equal((await db.all('SELECT id FROM collection_chunks')).length, 1, 'table is still there');
    });

    test('vectors: pending chunks are embedded once per model, stored, reloaded and fused with keywords', async () => {
      const { db, index } = await setup();
      await db.transaction(async (tx) => {
        await index.replacePage(tx, 'c', 'https://a.example/cars', [chunk('My car is red', ['Garage'])], {
          fetchedAt: 1,
          lang: 'en',
        });
        await index.replacePage(tx, 'c', 'https://a.example/autos', [chunk('An automobile museum opened')], {
          fetchedAt: 2,
          lang: 'en',
        });
        await index.replacePage(tx, 'c', 'https://b.example/cats', [chunk('The kitten sleeps in the sun')], {
          fetchedAt: 3,
          lang: 'de',
        });
        await index.replacePage(tx, 'other', 'https://a.example/x', [chunk('car car car')], { fetchedAt: 1 });
      });
      const embedder = toyEmbedder();
      const vectors = new VectorIndex({ dimensions: 4 });
      assert.equal(await embedPending(db, index, embedder, 'c', { vectors, batch: 2 }), 3);
      assert.deepEqual(embedder.calls, [
        ['Garage\n\nMy car is red', 'An automobile museum opened'],
        ['The kitten sleeps in the sun'],
      ]);
      assert.equal(vectors.size, 3);
      assert.equal(await embedPending(db, index, embedder, 'c'), 0, 'nothing left for this model');
      assert.equal((await index.pendingEmbeddings('c', 'toy-2')).length, 3, 'another model starts over');

      // a fresh process rebuilds its index from the stored vectors
      const stored = await index.embeddings('c', 'toy-1');
      assert.deepEqual(
        stored.map((e) => e.id),
        [...stored.map((e) => e.id)].sort((a, b) => a - b),
      );
      const rebuilt = new VectorIndex({ dimensions: 4 });
      for (const e of stored) rebuilt.add(e.id, e.vector);
      assert.equal(rebuilt.size, 3);
      assert.deepEqual(await index.embeddings('c', 'toy-1', stored[1]?.id ?? 0, 10), stored.slice(2));

      // keyword search finds only the literal word; hybrid also finds the synonym through the vectors
      const kw = await index.search('c', 'automobile');
      assert.deepEqual(
        kw.map((h) => h.url),
        ['https://a.example/autos'],
      );
      const hy = await hybridSearch(index, 'c', 'automobile', { embedder, vectors: rebuilt, k: 3 });
      assert.deepEqual(
        hy.slice(0, 2).map((h) => [h.url, h.keywordRank, h.vectorRank]),
        [
          // both vectors are the query's direction: the tie goes to the lower id
          ['https://a.example/autos', 1, 2],
          ['https://a.example/cars', null, 1],
        ],
      );
      assert.ok((hy[1]?.similarity ?? 0) > 0.9);
      assert.deepEqual(hy[1]?.headingPath, ['Garage']);
      // filters apply to the vector half too
      const de = await hybridSearch(index, 'c', 'automobile', { embedder, vectors: rebuilt, lang: 'de' });
      assert.deepEqual(
        de.map((h) => h.url),
        ['https://b.example/cats'],
      );
      // without vectors it is the keyword search
      const plain = await hybridSearch(index, 'c', 'automobile');
      assert.deepEqual(
        plain.map((h) => [h.url, h.vectorRank]),
        [['https://a.example/autos', null]],
      );

      // a changed page drops its vectors with its chunks; an unchanged one keeps them
      await db.transaction(async (tx) => {
        await index.replacePage(tx, 'c', 'https://a.example/cars', [chunk('My car is red', ['Garage'])], {
          fetchedAt: 9,
        });
        await index.replacePage(tx, 'c', 'https://b.example/cats', [chunk('A feline naps')], {
          fetchedAt: 9,
        });
      });
      const pending = await index.pendingEmbeddings('c', 'toy-1');
      assert.deepEqual(
        pending.map((p) => p.text),
        ['A feline naps'],
      );
      // byIds drops ids that are gone or in another collection, keeps order and scores
      const ids = stored.map((e) => e.id);
      const got = await index.byIds('c', [ids[1] as number, 999_999, ids[0] as number], {}, [0.5, 0.4, 0.3]);
      assert.deepEqual(
        got.map((h) => [h.url, h.score]),
        [
          ['https://a.example/autos', 0.5],
          ['https://a.example/cars', 0.3],
        ],
      );
    });
  });
}
