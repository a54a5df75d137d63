import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/**
 * A migrated PostgreSQL database that test databases are copied from (CREATE DATABASE … TEMPLATE): a copy
 * costs ~0.2 s where opening a store on an empty database runs every migration, ~1.5 s and ~0.5 CPU-s of
 * server and client a database (the suite makes ~150 of them; docs/BENCHMARKS.md, "Session 13, suite").
 *
 * The template is named by a hash of every source file the migrations could read (the coordinator's and
 * core's sources, not their tests), so a changed schema or migration gets a template of its own, built once
 * by the first test process to need it. A store opened on a copy then finds its schema up to date and runs
 * no DDL, exactly as on the second start of a real coordinator.
 */

const repo = fileURLToPath(new URL('../../', import.meta.url));
/** What the migrations are made of: changing any of it makes a new template. */
export const SCHEMA_SOURCE_ROOTS = ['packages/coordinator/src', 'packages/core/src'].map((p) =>
  join(repo, p),
);

// One key for every process on the server (advisory locks are per database: all of ours take it on the
// admin database), apart from the store's own migration lock.
const BUILD_LOCK = 7290018;
// Templates of other sources built longer ago than this are dropped: another worktree's run on the same
// server may still be copying a recent one (and rebuilds it if it was dropped: see copyFromTemplate).
const STALE_MS = 60 * 60_000;

/** `sward_tpl_<hash>` for the sources under `roots` (their .ts files other than tests, by path and content) and this file. */
export function templateName(roots: readonly string[] = SCHEMA_SOURCE_ROOTS): string {
  // this file too: how the template is built is part of what it is
  const hash = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url)));
  for (const root of roots) {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) files.push(p);
      }
    };
    walk(root);
    for (const f of files.sort())
      hash
        .update(`${relative(root, f)}\0`)
        .update(readFileSync(f))
        .update('\0');
  }
  return `sward_tpl_${hash.digest('hex').slice(0, 16)}`;
}

const urlOf = (admin: string, db: string) => {
  const u = new URL(admin);
  u.pathname = `/${db}`;
  return u.href;
};

let ready: Promise<string> | null = null;

/** The template's name, built (migrated and marked a template) if no process has built it yet. */
function template(admin: string): Promise<string> {
  ready ??= ensureTemplate(admin, templateName()).catch((e) => {
    ready = null;
    throw e;
  });
  return ready;
}

async function ensureTemplate(admin: string, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    const built = async () =>
      (await c.query('SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate', [name])).rowCount ===
      1;
    if (await built()) return name;
    // Two test processes starting together build it once: the second waits here, then finds it built.
    await c.query('SELECT pg_advisory_lock($1)', [BUILD_LOCK]);
    try {
      if (await built()) return name;
      // a build that died half way left a database not marked a template
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${name}`);
      const { openStore } = await import('@sward/coordinator');
      const store = await openStore(urlOf(admin, name));
      await store.close();
      // when it was built, for dropStale; set before it is marked built, so a built template always has it
      await c.query(`COMMENT ON DATABASE ${name} IS '${Date.now()}'`);
      // No connections from now on: a copy fails while anyone is connected to its template.
      await c.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
      await dropStale(c, name);
      return name;
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [BUILD_LOCK]);
    }
  } finally {
    await c.end();
  }
}

async function dropStale(c: pg.Client, keep: string): Promise<void> {
  const { rows } = await c.query<{ name: string; built: string | null }>(
    `SELECT datname AS name, shobj_description(oid, 'pg_database') AS built FROM pg_database
      WHERE datname LIKE 'sward\\_tpl\\_%' AND datname <> $1`,
    [keep],
  );
  for (const { name, built } of rows) {
    if (Date.now() - Number(built ?? 0) < STALE_MS) continue;
    await c.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE false`);
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

/** Creates database `name` as a copy of the migrated template, on the server of `admin`. */
export async function copyFromTemplate(c: pg.Client, admin: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const tpl = await template(admin);
    try {
      await c.query(`CREATE DATABASE ${name} TEMPLATE ${tpl}`);
      return;
    } catch (e) {
      // 3D000: another worktree's run on this server dropped it as stale; build it again
      if ((e as { code?: string }).code !== '3D000' || attempt >= 3) throw e;
      ready = null;
    }
  }
}
