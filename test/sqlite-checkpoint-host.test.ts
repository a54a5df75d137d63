// The store's WAL checkpoints hosted on the extraction pool's thread (store/sqlite-checkpointer.ts): a
// coordinator keeps no thread of its own for them once the pool runs (~9 MiB, docs/BENCHMARKS.md session 18,
// nmem), and what the dedicated thread bought still holds. A file of its own (not a unit group): it counts the
// process's threads.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { BlobStore } from '../packages/coordinator/src/blob/blob-store.js';
import { ExtractionPool, startExtractionWorker } from '../packages/coordinator/src/ingest/extraction-pool.js';
import type {
  ExtractionReply,
  ExtractionRequest,
} from '../packages/coordinator/src/ingest/extraction-worker.js';
import { openSqliteDriver } from '../packages/coordinator/src/store/sqlite-driver.js';
import { openBaseStore } from '../packages/coordinator/src/store/store.js';
import {
  autocheckpoint,
  MAX_WAL_PAGES,
  PAGE,
  pacedWalPeak,
  until,
  WAL_TABLE,
  walBytes,
  write,
} from './support/sqlite-wal.js';

const dir = mkdtempSync(join(tmpdir(), 'sward-ckpt-host-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const threads = () => readdirSync('/proc/self/task').length;

test('once the extraction pool runs, its thread keeps the WAL short and the checkpoints have no thread of their own; its death gives them back to the main connection', async (t) => {
  // libuv's pool starts at the first file operation: started before the count, so it is in both.
  await readFile(fileURLToPath(import.meta.url));
  const before = threads();
  const path = join(dir, 'pool.sqlite');
  const store = await openBaseStore(path, {}, [], {
    checkpointThread: { tickMs: 10, restartPages: 256 },
  });
  const db = store.db;
  await db.exec(WAL_TABLE);
  await until('the checkpoint thread', async () => (await autocheckpoint(db)) === MAX_WAL_PAGES, 10_000);
  // A worker thread and what it brings (from the sources, the TypeScript hooks' thread too); the pool's
  // thread starts the same way.
  const worker = threads() - before;
  assert.ok(worker >= 1);
  // One waiting page (its body is missing: it stays queued) is enough to start the pool's thread.
  await db.run(
    `INSERT INTO captures (id, job_id, url_id, node_id, lease_id, requested_url, final_url, status, body_sha256,
       body_length, fetched_at, signed, outcome, created_at)
     VALUES ('c1', 'j1', 1, 'n1', 'l1', 'http://a.test/', 'http://a.test/', 200, ?, 1, 0, '{}', 'stored', 0)`,
    ['0'.repeat(64)],
  );
  await db.run("INSERT INTO extract_queue (capture_id, job_id, created_at) VALUES ('c1', 'j1', 0)");
  const pool = new ExtractionPool(store, new BlobStore(join(dir, 'blobs')), { threads: 1 });
  // A failed assertion must not leave the threads holding the process open.
  t.after(() => pool.stop().then(() => store.close()));
  assert.equal(await pool.round(), 0);
  await until('the dedicated thread to exit', () => threads() === before + worker, 10_000);

  const peak = await pacedWalPeak(db, path);
  assert.ok(peak < 640 * PAGE, `WAL peaked at ${peak} bytes`);
  assert.equal(await autocheckpoint(db), MAX_WAL_PAGES, 'the host kept the checkpoints all along');

  // The host's thread ends (the pool stops it, as a crash would): the main connection checkpoints itself.
  await pool.stop();
  await until(
    'the main connection to take the checkpoints back',
    async () => {
      await write(db, 0);
      return (await autocheckpoint(db)) === 1000;
    },
    10_000,
  );
  await store.close();
  assert.equal(existsSync(`${path}-wal`), false, 'a connection left open keeps the WAL file');
});

test('a host busy with a long batch: the main connection checkpoints itself past maxWalPages, so the WAL stays bounded', async (t) => {
  const path = join(dir, 'stalled.sqlite');
  const before = threads();
  const db = openSqliteDriver(path, {
    checkpointThread: { tickMs: 10, restartPages: 256, maxWalPages: 300 },
  });
  await db.exec(WAL_TABLE);
  await until('the checkpoint thread', async () => (await autocheckpoint(db)) === 300, 10_000);
  const worker = threads() - before;
  const host = startExtractionWorker();
  t.after(() => host.terminate().then(() => db.close()));
  const replies: ExtractionReply[] = [];
  await new Promise<void>((resolve) =>
    host.on('message', (m: ExtractionReply | { ready: true }) =>
      'ready' in m ? resolve() : replies.push(m),
    ),
  );
  db.hostCheckpoints?.(host);
  // The dedicated thread gone, the host alone runs the loop: a stalled host is not covered by another.
  await until('the dedicated thread to exit', () => threads() === before + worker, 10_000);
  // A batch that keeps the host's thread from its timers for a while: the same long page many times over.
  const body = join(dir, 'long.html');
  const para = readFileSync(fileURLToPath(import.meta.url), 'utf8').replace(/[<>&]/g, ' ');
  await writeFile(body, `<html><body>${`<p>${para}</p>`.repeat(20)}</body></html>`);
  const signed = JSON.stringify({
    capture: { finalUrl: 'http://a.test/', headers: { 'content-type': 'text/html' } },
  });
  const items = Array.from({ length: 50 }, () => ({ bodyPath: body, signed, redactPii: true as const }));
  host.postMessage({ id: 1, items } satisfies ExtractionRequest);
  let commits = 0;
  let peak = 0;
  while (replies.length === 0) {
    await write(db, commits++);
    peak = Math.max(peak, walBytes(path));
    if (commits % 20 === 0) await sleep(0);
  }
  assert.ok('json' in (replies[0]?.answers[0] ?? {}), 'the batch was extracted');
  // ~3 frames a commit: without the bound the WAL would hold every one of them.
  assert.ok(commits >= 400, `only ${commits} commits while the host was busy: the test proves nothing`);
  assert.ok(peak < 400 * (PAGE + 24), `WAL peaked at ${peak} bytes over ${commits} commits`);
});

test('a host ready before the dedicated thread keeps the checkpoints: the dedicated thread, ready later, ends rather than take them back', async (t) => {
  // The pool's thread already up when the store opens (a coordinator restarted with pages waiting, a busy
  // machine): the host answers within a millisecond, the dedicated thread only once it has loaded.
  const host = startExtractionWorker();
  await new Promise<void>((resolve) => host.on('message', (m) => ('ready' in m ? resolve() : undefined)));
  const before = threads();
  const path = join(dir, 'early-host.sqlite');
  const db = openSqliteDriver(path, { checkpointThread: { tickMs: 10, restartPages: 256 } });
  t.after(() => host.terminate().then(() => db.close()));
  db.hostCheckpoints?.(host);
  await until('the host to take the checkpoints', async () => (await autocheckpoint(db)) === MAX_WAL_PAGES);
  // The dedicated thread has started (its threads counted above `before`); once its loop is ready it ends.
  await until('the dedicated thread to exit', () => threads() === before, 10_000);
  // The host is the loop in charge: its death gives the checkpoints back to the main connection.
  await host.terminate();
  await until(
    'the main connection to take the checkpoints back',
    async () => (await autocheckpoint(db)) === 1000,
  );
  await db.close();
  assert.equal(existsSync(`${path}-wal`), false, 'a connection left open keeps the WAL file');
});
