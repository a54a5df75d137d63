// A throw-away PostgreSQL database for a bench: made on the machine's server, dropped at the end.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_ADMIN = process.env.SWARD_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs `fn` with the address of a new empty database, then drops it (also when `fn` throws). */
export async function withBenchDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `sward_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const u = new URL(PG_ADMIN);
    u.pathname = `/${name}`;
    return await fn(u.href);
  } finally {
    await dropWhenIdle(admin, name);
    await admin.end();
  }
}

// pg's Pool.end() resolves before its sockets are gone; DROP … WITH (FORCE) would then kill them
// mid-close (an unhandled pool error), so wait for the server to see them leave.
async function dropWhenIdle(admin: pg.Client, db: string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${db}`);
      return;
    } catch (e) {
      if (i > 100) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
