import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectionsSchemaStatements } from '../collections/collections-schema.js';
import { rewardsSchemaStatements } from '../rewards/rewards-schema.js';
import { ddlTarget } from './ddl.js';
import { schemaFor } from './schema.js';

test('ddlTarget reads what each kind of schema statement creates', () => {
  assert.deepEqual(ddlTarget('-- why\nCREATE TABLE IF NOT EXISTS Jobs (id TEXT)'), {
    kind: 'relation',
    name: 'jobs',
  });
  assert.deepEqual(ddlTarget('CREATE UNIQUE INDEX IF NOT EXISTS urls_lease ON urls (lease_id)'), {
    kind: 'relation',
    name: 'urls_lease',
  });
  assert.deepEqual(
    ddlTarget(`CREATE OR REPLACE TRIGGER rw_entries_immutable BEFORE UPDATE OR DELETE ON rw_entries
      FOR EACH ROW EXECUTE FUNCTION rw_immutable()`),
    { kind: 'trigger', name: 'rw_entries_immutable', table: 'rw_entries' },
  );
  assert.deepEqual(ddlTarget('ALTER TABLE collection_chunks ADD COLUMN IF NOT EXISTS tsv tsvector'), {
    kind: 'column',
    table: 'collection_chunks',
    name: 'tsv',
  });
  assert.deepEqual(ddlTarget('DROP INDEX IF EXISTS urls_claim'), { kind: 'dropped', name: 'urls_claim' });
  assert.equal(ddlTarget('CREATE OR REPLACE FUNCTION f() RETURNS trigger AS $$ $$'), null);
  assert.equal(ddlTarget('UPDATE jobs SET x = 1'), null);
});

// A statement the parser missed would run again at every start and lock its table beside busy peers.
test('every PostgreSQL statement that locks a table is recognised', () => {
  const statements = [
    ...schemaFor('postgres').split(';'),
    ...rewardsSchemaStatements('postgres'),
    ...collectionsSchemaStatements('postgres'),
  ]
    .map((s) => s.replace(/^(\s*--[^\n]*\n)*\s*/, ''))
    .filter(Boolean);
  assert.ok(statements.length > 50);
  for (const s of statements)
    if (!/^CREATE OR REPLACE FUNCTION/i.test(s)) assert.notEqual(ddlTarget(s), null, s.slice(0, 80));
});
