import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type CoordinatorOptions, startCoordinator } from '@sward/coordinator';
import pg from 'pg';
import { pino } from 'pino';
import { PG_ADMIN_URL, postgresBackend } from './support/backends.js';

// A start that fails after it opened the store, in a process that lives on (an embedder, a test, a supervisor
// retrying in process), must give back what it took: here, every PostgreSQL connection of its pool.
describe('a coordinator start that fails leaves no database connection open', () => {
  const backend = postgresBackend();
  const tmp = mkdtempSync(join(tmpdir(), 'sward-failed-start-'));
  after(async () => {
    await backend.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function connectionsTo(url: string): Promise<number> {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    try {
      const r = await c.query<{ n: string }>(
        'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [new URL(url).pathname.slice(1)],
      );
      return Number(r.rows[0]?.n);
    } finally {
      await c.end();
    }
  }

  async function failedStart(name: string, options: (dir: string) => Partial<CoordinatorOptions>) {
    const db = await backend.create();
    const dir = join(tmp, name);
    await assert.rejects(
      startCoordinator({
        db,
        dataDir: dir,
        collections: { refresh: false },
        processMetrics: false,
        log: pino({ level: 'silent' }),
        ...options(dir),
      }),
    );
    assert.equal(await connectionsTo(db), 0, 'the failed start closed its pool');
  }

  test('a log key that does not parse (after the store opened)', async () => {
    const key = join(tmp, 'bad.key');
    writeFileSync(key, 'not a key\n');
    await failedStart('bad-key', () => ({ logKeyFile: key }));
  });

  test('an anchor file that cannot be opened (after the log key and peer agreement)', async () => {
    const file = join(tmp, 'not-a-folder');
    writeFileSync(file, 'a file, so no anchor can be made under it\n');
    await failedStart('bad-anchor', () => ({ anchor: { kind: 'file', path: join(file, 'anchors.jsonl') } }));
  });

  test('a port in use (after the sequencer and extraction threads started)', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    try {
      await failedStart('port-in-use', () => ({ port }));
    } finally {
      taken.close();
    }
  });
});
