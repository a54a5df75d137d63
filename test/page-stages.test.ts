// The crawl bench's page stages (bench/support-page-stages.ts): mean pages in each stage over the steady
// middle of a crawl (Little's law), and the times read back from a coordinator's SQLite rows.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type PageTimes, pageStages, readPageTimes } from '../bench/support-page-stages.js';

// A page every 10 ms: 5 ms from lease to fetch, 20 ms fetching, 30 ms to be stored → 100 pages/s with
// 0.5, 2 and 3 pages in the stages on average.
const steady = (n: number): PageTimes[] =>
  Array.from({ length: n }, (_, i) => {
    const leased = 1_000_000 + i * 10;
    return { queued: 0, leased, fetchStart: leased + 5, fetchEnd: leased + 25, stored: leased + 55 };
  });

test('pageStages: mean pages per stage and the rate over the steady middle', () => {
  const s = pageStages(steady(1000));
  assert.ok(s);
  assert.equal(s.pagesPerS, 100);
  assert.deepEqual(s.mean, { leasedNotStarted: 0.5, fetching: 2, fetchedNotStored: 3 });
  assert.deepEqual(s.p50Ms, { leasedNotStarted: 5, fetching: 20, fetchedNotStored: 30 });
});

test('pageStages: too few pages give no figure', () => {
  assert.equal(pageStages(steady(5)), null);
});

test('readPageTimes: the lease time is the deadline less the lease length, fetch times from the signed capture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'page-stages-'));
  try {
    const Database = createRequire(import.meta.url)('better-sqlite3');
    const db = new Database(join(dir, 'sward.db'));
    db.exec(`CREATE TABLE urls (id INTEGER PRIMARY KEY, kind TEXT, created_at BIGINT, lease_deadline BIGINT);
             CREATE TABLE captures (job_id TEXT, url_id BIGINT, outcome TEXT, signed TEXT, created_at BIGINT);`);
    const signed = (a: number, b: number) =>
      JSON.stringify({
        capture: { fetchStart: new Date(a).toISOString(), fetchEnd: new Date(b).toISOString() },
      });
    db.prepare('INSERT INTO urls VALUES (1, ?, 100, 60200), (2, ?, 100, 60200), (3, ?, 100, 60200)').run(
      'page',
      'robots',
      'page',
    );
    const ins = db.prepare('INSERT INTO captures VALUES (?, ?, ?, ?, ?)');
    ins.run('j1', 1, 'stored', signed(250, 270), 300);
    ins.run('j1', 2, 'stored', signed(250, 270), 300); // a policy file, not a page
    ins.run('j1', 3, 'rejected', signed(250, 270), 300); // not stored
    ins.run('j2', 1, 'stored', signed(250, 270), 300); // another job
    db.close();
    assert.deepEqual(readPageTimes(join(dir, 'sward.db'), 'j1', 60_000), [
      { queued: 100, leased: 200, fetchStart: 250, fetchEnd: 270, stored: 300 },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
