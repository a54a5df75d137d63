import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPostgresUrl } from './db-location.js';
import { dbLocationProblem } from './options.js';

test("--db: a PostgreSQL URL's scheme in any case is PostgreSQL, as the coordinator's store opens it; other schemes are refused", () => {
  for (const url of [
    'postgres://u@db/sward',
    'postgresql://u@db/sward',
    'POSTGRES://u@db/sward',
    'PostgreSQL://u@db/sward',
  ]) {
    assert.equal(dbLocationProblem(url), null, url);
    assert.ok(isPostgresUrl(url), url);
  }
  for (const path of ['sward-data/sward.db', 'postgres-data/sward.db', './postgres:/x'])
    assert.ok(dbLocationProblem(path) === null && !isPostgresUrl(path), path);
  assert.equal(
    dbLocationProblem('MySQL://u@db/sward'),
    'expected a SQLite file path or a postgres:// URL, got a MySQL:// URL',
  );
  assert.match(dbLocationProblem('postgress://u@db/sward') ?? '', /got a postgress:\/\/ URL/);
});
