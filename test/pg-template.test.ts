// The test databases copied from a migrated template (support/pg-template.ts) must be what the migrations
// make of an empty database, or every PostgreSQL test would run against a schema no coordinator has.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openStore } from '@sward/coordinator';
import pg from 'pg';
import { backends } from './support/backends.js';
import { SCHEMA_SOURCE_ROOTS, templateName } from './support/pg-template.js';

const pgBackend = backends().find((b) => b.name === 'postgres');

/** Everything a migration can make, each as text: a difference in any of them is a different schema. */
async function describeSchema(url: string): Promise<Record<string, string[]>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const q = async (sql: string) => (await c.query(sql)).rows.map((r) => JSON.stringify(r));
  try {
    const tables = (
      await c.query<{ t: string }>(
        "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
      )
    ).rows.map((r) => r.t);
    const rows: string[] = [];
    for (const t of tables) {
      const n = await c.query<{ n: string }>(`SELECT count(*) AS n FROM "${t}"`);
      rows.push(`${t}: ${n.rows[0]?.n}`);
    }
    return {
      tables,
      columns: await q(
        `SELECT table_name, column_name, ordinal_position, data_type, is_nullable, column_default
           FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 3`,
      ),
      indexes: await q("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"),
      constraints: await q(
        `SELECT conrelid::regclass::text AS rel, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
           WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
      ),
      triggers: await q(
        `SELECT tgrelid::regclass::text AS rel, tgname, pg_get_triggerdef(oid) AS def FROM pg_trigger
           WHERE NOT tgisinternal ORDER BY 1, 2`,
      ),
      functions: await q(
        `SELECT proname, pg_get_functiondef(oid) AS def FROM pg_proc
           WHERE pronamespace = 'public'::regnamespace ORDER BY 1`,
      ),
      sequences: await q(
        "SELECT sequencename, last_value, start_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1",
      ),
      extensions: await q('SELECT extname FROM pg_extension ORDER BY 1'),
      rows,
    };
  } finally {
    await c.end();
  }
}

describe('PostgreSQL test databases from a migrated template', { skip: !pgBackend }, () => {
  const backend = pgBackend as NonNullable<typeof pgBackend>;
  after(() => backend.cleanup());

  test('a copy of the template is the schema (and the rows) the migrations make of an empty database', async () => {
    const copied = await backend.create();
    const fresh = await backend.create({ empty: true });
    assert.deepEqual((await describeSchema(fresh)).tables, [], 'the escape hatch gives an empty database');
    await (await openStore(fresh)).close();
    const want = await describeSchema(fresh);
    assert.ok(want.tables?.includes('captures') && want.tables.includes('collections'));
    assert.deepEqual(await describeSchema(copied), want);
    // and a store opened on the copy finds nothing left to migrate: it changes nothing
    await (await openStore(copied)).close();
    assert.deepEqual(await describeSchema(copied), want);
  });

  test('a changed schema or migration source names another template; the same sources the same one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sward-tpl-src-'));
    try {
      const roots = SCHEMA_SOURCE_ROOTS.map((root, i) => {
        const to = join(dir, String(i));
        cpSync(root, to, { recursive: true });
        return to;
      });
      const before = templateName(roots);
      assert.equal(before, templateName(SCHEMA_SOURCE_ROOTS), 'a copy of the sources is the same template');
      assert.match(before, /^sward_tpl_[0-9a-f]{16}$/);
      const schema = join(roots[0] as string, 'store', 'schema.ts');
      writeFileSync(schema, readFileSync(schema, 'utf8').replace('api_keys (', 'api_keys (\n  label TEXT,'));
      const changed = templateName(roots);
      assert.notEqual(changed, before, 'a changed schema text');
      // a test file is not a source of the schema: it changes no template
      writeFileSync(join(roots[0] as string, 'store', 'new.test.ts'), 'export {};\n');
      assert.equal(templateName(roots), changed);
      writeFileSync(join(roots[1] as string, 'migration-step.ts'), 'export {};\n');
      assert.notEqual(templateName(roots), changed, 'a new source file (core counts too)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
