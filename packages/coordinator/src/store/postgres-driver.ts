import pg from 'pg';
import type { Row, SqlDriver, SqlExecutor, SqlValue } from './sql-driver.js';

// BIGINT columns hold epoch milliseconds and counters well inside 2^53: read them as numbers.
pg.types.setTypeParser(20, (v) => Number(v));

const toPg = (sql: string): string => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

function executor(client: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    async all<T>(sql: string, params: readonly SqlValue[] = []) {
      return (await client.query(toPg(sql), params as unknown[])).rows as T[];
    },
    async get<T>(sql: string, params: readonly SqlValue[] = []) {
      return (await client.query(toPg(sql), params as unknown[])).rows[0] as T | undefined;
    },
    async run(sql: string, params: readonly SqlValue[] = []) {
      const r = await client.query(toPg(sql), params as unknown[]);
      return { changes: r.rowCount ?? 0 };
    },
  };
}

export function openPostgresDriver(url: string, poolSize = 10): SqlDriver {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection the server ends (a restart, pg_terminate_backend, DROP DATABASE ... FORCE) makes the
  // pool emit 'error'; with no listener that is an uncaught exception that kills the coordinator. The pool
  // has already dropped that client and opens a new one on the next query; a query in flight fails on its
  // own promise, so there is nothing more to do here.
  pool.on('error', () => undefined);
  const direct = executor(pool);
  return {
    dialect: 'postgres',
    all: <T = Row>(sql: string, params?: readonly SqlValue[]) => direct.all<T>(sql, params),
    get: <T = Row>(sql: string, params?: readonly SqlValue[]) => direct.get<T>(sql, params),
    run: (sql, params) => direct.run(sql, params),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(executor(client));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async exec(script: string) {
      await pool.query(script);
    },
    async close() {
      // pool.end() resolves once its clients are told to end, before their sockets are closed; wait for
      // each 'remove' so that "closed" means no connection of ours is left on the server.
      const open = pool.totalCount;
      let removed = 0;
      const gone = new Promise<void>((resolve) => {
        if (open === 0) resolve();
        pool.on('remove', () => {
          if (++removed >= open) resolve();
        });
      });
      await pool.end();
      await gone;
    },
  };
}
