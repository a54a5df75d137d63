import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { copyFromTemplate } from './pg-template.js';

/**
 * The storage backends a contract suite runs against. SWARD_TEST_BACKENDS=sqlite,postgres filters them
 * (default: both). PostgreSQL is the machine's server on 127.0.0.1:5432; each suite gets a fresh database.
 */
export interface Backend {
  name: 'sqlite' | 'postgres';
  /**
   * Creates a fresh database and returns its location for openStore / --db. On PostgreSQL it is a copy of a
   * migrated template (pg-template.ts), as a store would leave an empty database on opening it; `empty`
   * gives a database with no schema at all, for a test of the migrations themselves. SQLite's is always empty.
   */
  create(options?: { empty?: boolean }): Promise<string>;
  cleanup(): Promise<void>;
}

export const PG_ADMIN_URL = process.env.SWARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function backends(): Backend[] {
  const wanted = (process.env.SWARD_TEST_BACKENDS ?? 'sqlite,postgres').split(',').map((s) => s.trim());
  const all: Backend[] = [sqliteBackend(), postgresBackend()];
  return all.filter((b) => wanted.includes(b.name));
}

function sqliteBackend(): Backend {
  const dirs: string[] = [];
  return {
    name: 'sqlite',
    async create() {
      const d = mkdtempSync(join(tmpdir(), 'sward-sqlite-'));
      dirs.push(d);
      return join(d, 'sward.db');
    },
    async cleanup() {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

export function postgresBackend(): Backend {
  const dbs: string[] = [];
  return {
    name: 'postgres',
    async create({ empty = false } = {}) {
      const name = `sward_test_${randomBytes(6).toString('hex')}`;
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        if (empty) await c.query(`CREATE DATABASE ${name}`);
        else await copyFromTemplate(c, PG_ADMIN_URL, name);
      } finally {
        await c.end();
      }
      dbs.push(name);
      const u = new URL(PG_ADMIN_URL);
      u.pathname = `/${name}`;
      return u.href;
    },
    async cleanup() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      for (const name of dbs) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** One fresh database on the machine's PostgreSQL, for a bench or a test outside the contract suites. */
export async function freshPostgresDatabase(): Promise<{ url: string; cleanup(): Promise<void> }> {
  const backend = postgresBackend();
  return { url: await backend.create(), cleanup: () => backend.cleanup() };
}
