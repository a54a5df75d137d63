import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FetchLog, formatFetchLogEntry, readFetchLog } from './fetch-log.js';

test('entries are appended as JSONL and read back, with --tail', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'sward-node-log-')), 'sub', 'fetch-log.jsonl');
  assert.deepEqual(await readFetchLog(file), []);
  const log = new FetchLog(file);
  await Promise.all(
    [1, 2, 3].map((i) =>
      log.append({
        time: `2026-01-01T00:00:0${i}.000Z`,
        jobId: 'j',
        leaseId: `l${i}`,
        url: `https://example.com/${i}`,
        finalUrl: `https://example.com/${i}`,
        status: 200,
        bytes: i * 10,
        outcome: 'captured',
        report: 'accepted',
      }),
    ),
  );
  await log.append({
    time: '2026-01-01T00:00:04.000Z',
    jobId: 'j',
    leaseId: 'l4',
    url: 'http://10.0.0.1/',
    bytes: 0,
    outcome: 'failed',
    code: 'BLOCKED_ADDRESS',
    message: 'refusing private address 10.0.0.1',
  });
  appendFileSync(file, '{"torn":'); // a crash mid-line must not hide the rest
  const all = await readFetchLog(file);
  assert.deepEqual(
    all.map((e) => e.leaseId),
    ['l1', 'l2', 'l3', 'l4'],
  );
  assert.deepEqual(
    (await readFetchLog(file, { tail: 2 })).map((e) => e.leaseId),
    ['l3', 'l4'],
  );
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.match(
    formatFetchLogEntry(all[3] as never),
    /FAILED BLOCKED_ADDRESS \(refusing private address 10\.0\.0\.1\)/,
  );
  assert.match(formatFetchLogEntry(all[0] as never), /https:\/\/example\.com\/1 {2}200 10B$/);
});

test('lines appended while a write is on its way all land, in order, each before its append resolves', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'sward-node-log-')), 'fetch-log.jsonl');
  const log = new FetchLog(file);
  const entry = (i: number) =>
    ({
      time: '2026-01-01T00:00:00.000Z',
      jobId: 'j',
      leaseId: `l${i}`,
      url: 'u',
      bytes: i,
      outcome: 'failed',
    }) as const;
  const seen: number[] = [];
  await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      log.append(entry(i)).then(async () => {
        const ids = (await readFetchLog(file)).map((e) => e.leaseId);
        assert.ok(ids.includes(`l${i}`), `l${i} is on disk when its append resolves`);
        seen.push(i);
      }),
    ),
  );
  await log.append(entry(100));
  assert.equal(seen.length, 100);
  assert.deepEqual(
    (await readFetchLog(file)).map((e) => e.leaseId),
    Array.from({ length: 101 }, (_, i) => `l${i}`),
  );
});

test('the log is written through one open file until close(): a file renamed away keeps the lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sward-node-log-'));
  const file = join(dir, 'fetch-log.jsonl');
  const log = new FetchLog(file);
  const entry = (leaseId: string) =>
    ({
      time: '2026-01-01T00:00:00.000Z',
      jobId: 'j',
      leaseId,
      url: 'u',
      bytes: 0,
      outcome: 'failed',
    }) as const;
  await log.append(entry('l1'));
  renameSync(file, join(dir, 'old.jsonl'));
  await log.append(entry('l2'));
  assert.deepEqual(
    (await readFetchLog(join(dir, 'old.jsonl'))).map((e) => e.leaseId),
    ['l1', 'l2'],
    'the second line went to the file opened for the first (no open per write)',
  );
  await log.close();
  await log.append(entry('l3'));
  await log.close();
  assert.equal(
    readFileSync(file, 'utf8').trim().split('\n').length,
    1,
    'after close() the path is opened again',
  );
  assert.equal(statSync(file).mode & 0o777, 0o600);
});
