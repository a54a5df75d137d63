import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { SwardClient } from './client.js';
import { POLL_DELAY_MAX_MS, pollDelay } from './poll-delay.js';

test('a poll asks at the given interval first, then less often as the wait grows, never past 2 s', () => {
  assert.equal(pollDelay(250, 0), 250);
  assert.equal(
    pollDelay(250, 5_000),
    250,
    'the first 5 s at 250 ms: a short job is seen done as soon as before',
  );
  assert.equal(pollDelay(250, 20_000), 1_000, 'a twentieth of the wait');
  assert.equal(pollDelay(250, 10 * 60_000), POLL_DELAY_MAX_MS);
  assert.equal(pollDelay(5_000, 10 * 60_000), 5_000, 'a caller asking for a longer interval keeps it');
  assert.equal(pollDelay(10, 100), 10);
});

test('waitForJob asks less often as a long job runs: a poll re-counts the job on the coordinator', async () => {
  // A coordinator stand-in whose job ends 3 s after the first poll.
  let polls = 0;
  let first = 0;
  const s = createServer((_req, res) => {
    polls++;
    first ||= Date.now();
    const done = Date.now() - first >= 3_000;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ id: 'j_1', state: done ? 'done' : 'running', finishedAt: done ? Date.now() : null }),
    );
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  try {
    const { port } = s.address() as AddressInfo;
    const client = new SwardClient({ url: `http://127.0.0.1:${port}`, apiKey: 'sk_test' });
    const done = await client.waitForJob('j_1', undefined, 10);
    assert.equal(done.state, 'done');
    // Every 10 ms for 3 s would be ~300 polls (each answered at once); growing with the wait, ~80.
    assert.ok(polls < 150, `${polls} polls in 3 s at a 10 ms interval`);
    assert.ok(polls > 20, `${polls} polls: the first ones still at the caller's interval`);
  } finally {
    await new Promise((r) => s.close(r));
  }
});
