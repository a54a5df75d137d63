import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { sleep, wakeableSleep } from './sleep.js';

test('a sleep woken early removes its listener from the signal at once', async () => {
  const stop = new AbortController();
  const waits = Array.from({ length: 20 }, () => wakeableSleep(60_000, stop.signal));
  assert.equal(getEventListeners(stop.signal, 'abort').length, 20, 'each wait listens while it runs');
  for (const w of waits) w.wake();
  await Promise.all(waits.map((w) => w.done));
  assert.equal(getEventListeners(stop.signal, 'abort').length, 0, 'no listener left behind');
  waits[0]?.wake(); // a second wake is a no-op
});

test('a sleep ends on its timer or on the signal, and leaves no listener either way', async () => {
  const stop = new AbortController();
  await sleep(1, stop.signal);
  assert.equal(getEventListeners(stop.signal, 'abort').length, 0, 'none after the timer');
  const long = sleep(60_000, stop.signal);
  stop.abort();
  await long;
  assert.equal(getEventListeners(stop.signal, 'abort').length, 0, 'none after the abort');
  await sleep(60_000, stop.signal); // already aborted: at once
});
