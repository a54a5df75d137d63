import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isActiveAt, parseActiveHours } from './active-hours.js';
import { FLUSH_DELAY_MS } from './byte-budget.js';
import { parseNodeConfig } from './config.js';
import { matchesDomain } from './domain-policy.js';
import { OperatorLimits } from './limits.js';

const dir = mkdtempSync(join(tmpdir(), 'sward-node-limits-'));
const config = (extra: Record<string, unknown> = {}) =>
  parseNodeConfig({ stateFile: join(dir, `state-${Math.random()}.json`), ...extra });
// Local-time constructor: getHours() is 23 whatever the machine's zone.
const at =
  (h: number, m = 0) =>
  () =>
    new Date(2026, 0, 15, h, m);

test('domain lists: suffix match on label boundaries, deny wins', () => {
  assert.ok(matchesDomain('example.com', 'example.com'));
  assert.ok(matchesDomain('a.b.Example.com.', 'example.com'));
  assert.ok(!matchesDomain('badexample.com', 'example.com'));
  const limits = new OperatorLimits(
    config({ allowDomains: ['example.com'], denyDomains: ['private.example.com'] }),
  );
  assert.equal(limits.fetchRefusal('https://www.example.com/x'), null);
  assert.equal(limits.fetchRefusal('https://private.example.com/x')?.code, 'DOMAIN_DENIED');
  assert.equal(limits.fetchRefusal('https://x.private.example.com/x')?.code, 'DOMAIN_DENIED');
  assert.equal(limits.fetchRefusal('https://other.org/')?.code, 'DOMAIN_DENIED');
});

test('active hours refuse leasing and fetching outside the window (wrapping midnight)', () => {
  const windows = parseActiveHours(['22:00-07:00']);
  assert.ok(isActiveAt(windows, 23 * 60));
  assert.ok(isActiveAt(windows, 6 * 60 + 59));
  assert.ok(!isActiveAt(windows, 7 * 60));
  assert.ok(!isActiveAt(windows, 12 * 60));
  const night = new OperatorLimits(config({ activeHours: ['22:00-07:00'] }), at(23));
  assert.equal(night.fetchRefusal('https://example.com/'), null);
  assert.equal(night.leaseCapacity(), 4);
  const noon = new OperatorLimits(config({ activeHours: ['22:00-07:00'] }), at(12));
  assert.equal(noon.fetchRefusal('https://example.com/')?.code, 'INACTIVE_HOURS');
  assert.equal(noon.leaseCapacity(), 0);
});

test('UTC active hours are read on the UTC clock', () => {
  const utcNoon = () => new Date(Date.UTC(2026, 0, 15, 12, 0));
  const l = new OperatorLimits(config({ activeHours: ['11:00-13:00'], activeHoursTimeZone: 'utc' }), utcNoon);
  assert.equal(l.generalRefusal(), null);
});

test('the byte cap refuses once reached and survives a restart', () => {
  const stateFile = join(dir, 'cap.json');
  let now = Date.UTC(2026, 0, 15, 10, 0);
  const clock = () => new Date(now);
  const c = config({ bytesPerHour: 1000, bytesPerDay: 5000, stateFile });
  const a = new OperatorLimits(c, clock);
  assert.equal(a.budget.consume(600), true);
  assert.equal(a.fetchRefusal('https://example.com/'), null);
  assert.equal(a.budget.consume(600), false, 'over the hourly cap mid-body');
  assert.equal(a.fetchRefusal('https://example.com/')?.code, 'CAP_REACHED');
  assert.equal(a.leaseCapacity(), 0);
  a.budget.flush();

  const b = new OperatorLimits(c, clock); // a restart reads the counters back
  assert.equal(b.budget.used().lastHour, 1200);
  assert.equal(b.fetchRefusal('https://example.com/')?.code, 'CAP_REACHED');

  now += 61 * 60_000; // the hourly window slides past; the day still counts it
  assert.equal(b.fetchRefusal('https://example.com/'), null);
  assert.deepEqual(b.budget.used(), { lastHour: 0, lastDay: 1200 });
});

test('concurrency: lease capacity shrinks with in-flight work and extra leases wait', async () => {
  const l = new OperatorLimits(config({ maxConcurrent: 2 }), at(12), { persist: false });
  await l.acquire();
  assert.equal(l.leaseCapacity(), 1);
  await l.acquire();
  assert.equal(l.leaseCapacity(), 0);
  let third = false;
  const waiting = l.acquire().then(() => {
    third = true;
  });
  await Promise.resolve();
  assert.equal(third, false);
  l.release();
  await waiting;
  assert.equal(third, true);
  assert.equal(l.inFlight, 2);
});

test('the byte counters are written on a timer and on flush, not on every fetch', async () => {
  const stateFile = join(dir, 'timed.json');
  const c = config({ bytesPerHour: 1000, stateFile });
  const a = new OperatorLimits(c, at(12));
  assert.equal(a.budget.consume(1500), false, 'the cap holds in memory at once');
  a.release();
  assert.equal(existsSync(stateFile), false, 'no synchronous write per fetch');
  await new Promise((r) => setTimeout(r, FLUSH_DELAY_MS + 300));
  assert.equal(JSON.parse(readFileSync(stateFile, 'utf8')).buckets[0][1], 1500, 'written by the timer');

  a.budget.consume(100);
  a.budget.flush(); // what the daemon's stop() does
  assert.equal(new OperatorLimits(c, at(12)).budget.used().lastHour, 1600, 'a restart sees every byte');
});
