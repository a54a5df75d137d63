import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  applyCollectionsSchema,
  ChunkIndex,
  type ChunkInput,
  chunkMarkdown,
} from '../packages/coordinator/src/collections/index.js';
import { openPostgresDriver } from '../packages/coordinator/src/store/postgres-driver.js';
import type { SqlDriver } from '../packages/coordinator/src/store/sql-driver.js';
import { openSqliteDriver } from '../packages/coordinator/src/store/sqlite-driver.js';
import { backends } from './support/backends.js';

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
  });
}
