// The PostgreSQL driver when the server ends its connections: an idle connection killed by the server
// (restart, pg_terminate_backend, DROP DATABASE ... WITH (FORCE)) must not crash the process, and close()
// must mean that no connection of ours is left on the server.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { isPostgresUrl, openStore } from '@sward/coordinator';
import pg from 'pg';
import { openPostgresDriver } from '../packages/coordinator/src/store/postgres-driver.js';
import { backends, PG_ADMIN_URL } from './support/backends.js';

for (const postgres of backends().filter((b) => b.name === 'postgres'))
  describe('postgres driver and its connections', () => {
    const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        return await fn(c);
      } finally {
        await c.end();
      }
    };
    const connectionsTo = (db: string) =>
      admin(async (c) =>
        Number(
          (await c.query('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [db])).rows[0].n,
        ),
      );
    after(() => postgres.cleanup());

    test('an idle connection the server terminates is dropped, not thrown; the next query opens a new one', async () => {
      const url = await postgres.create();
      const db = new URL(url).pathname.slice(1);
      const driver = openPostgresDriver(url, 2);
      let uncaught: unknown;
      const onUncaught = (e: unknown) => {
        uncaught = e;
      };
      process.on('uncaughtException', onUncaught);
      try {
        await Promise.all([driver.get('SELECT pg_sleep(0.05)'), driver.get('SELECT 1')]);
        assert.ok((await connectionsTo(db)) >= 1);
        await admin((c) =>
          c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db]),
        );
        // Give the killed sockets time to report their error to the pool.
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(uncaught, undefined, `uncaught: ${uncaught}`);
        assert.deepEqual(await driver.get<{ one: number }>('SELECT 1 AS one'), { one: 1 });
      } finally {
        process.off('uncaughtException', onUncaught);
        await driver.close();
      }
    });

    test('close() returns only when the server holds no connection of ours', async () => {
      const url = await postgres.create();
      const db = new URL(url).pathname.slice(1);
      const driver = openPostgresDriver(url, 4);
      await Promise.all([1, 2, 3, 4].map(() => driver.get('SELECT pg_sleep(0.02)')));
      assert.equal(await connectionsTo(db), 4);
      await driver.close();
      assert.equal(await connectionsTo(db), 0, 'a connection outlived close()');
    });

    test('a URL whose scheme is in capitals (POSTGRESQL://) opens PostgreSQL, as the data folder claims it, not a SQLite file', async () => {
      const url = await postgres.create();
      const loud = url.replace(/^postgres(ql)?:/, 'POSTGRESQL:');
      assert.ok(isPostgresUrl(loud) && !isPostgresUrl(`sward-data/${loud}`));
      const store = await openStore(loud);
      try {
        assert.equal(store.db.dialect, 'postgres');
        await store.db.run('CREATE TABLE loud_probe (x integer)');
      } finally {
        await store.close();
      }
      // the table is in the database the URL names
      const db = new URL(url).pathname.slice(1);
      const probe = new pg.Client({ connectionString: url });
      await probe.connect();
      try {
        const r = await probe.query(
          "SELECT current_database() AS d, to_regclass('loud_probe') IS NOT NULL AS made",
        );
        assert.deepEqual(r.rows[0], { d: db, made: true });
      } finally {
        await probe.end();
      }
    });
  });
