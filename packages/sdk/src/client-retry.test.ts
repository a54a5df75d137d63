// The client waits out a short rate limit (429 + Retry-After) and sends the request again; a wait longer than
// it is willing to make, or a limit that keeps refusing, reaches the caller as a SwardApiError with the wait.
// A loopback server stands in for the coordinator: the real one's Retry-After is the rest of its minute, too
// long for a test (its 429s are tested in test/quotas-contract.test.ts).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { SwardClient } from './client.js';
import { SwardApiError } from './errors.js';

let server: Server;
let url = '';
/** Per path: how many 429s to answer before a 200, and the Retry-After to send with them. */
const plan = new Map<string, { refusals: number; retryAfter: string }>();
const seen = new Map<string, number[]>();
/** Per path: how many requests to answer by closing the connection before any response. */
const drops = new Map<string, number>();

before(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '';
    seen.set(path, [...(seen.get(path) ?? []), Date.now()]);
    const d = drops.get(path) ?? 0;
    if (d > 0) {
      // What a client sees when the server closes a kept-alive connection as it sends: no answer at all.
      drops.set(path, d - 1);
      req.socket.destroy();
      return;
    }
    const p = plan.get(path);
    if (p && p.refusals > 0) {
      p.refusals--;
      res.writeHead(429, { 'retry-after': p.retryAfter, 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'slow down' } }));
      return;
    }
    if (path.startsWith('/v1/blobs/')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end('body');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'j_1', state: 'done' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('a 429 with a short Retry-After is waited out and the request sent again', async () => {
  plan.set('/v1/jobs/j_1', { refusals: 2, retryAfter: '1' });
  const client = new SwardClient({ url, apiKey: 'sk_test' });
  const job = await client.job('j_1');
  assert.equal(job.id, 'j_1');
  const times = seen.get('/v1/jobs/j_1') ?? [];
  assert.equal(times.length, 3);
  // It waited the seconds the server named between attempts, not a tight loop.
  assert.ok(
    (times[1] as number) - (times[0] as number) >= 950,
    `waited ${(times[1] as number) - (times[0] as number)} ms`,
  );
  plan.set('/v1/blobs/abc', { refusals: 1, retryAfter: '0' });
  assert.equal((await client.blob('abc')).toString(), 'body');
  assert.equal(seen.get('/v1/blobs/abc')?.length, 2);
});

test('a wait beyond maxRetryWaitS, or a limit that keeps refusing, throws with retryAfterS', async () => {
  plan.set('/v1/jobs/j_2', { refusals: 1, retryAfter: '3600' });
  const client = new SwardClient({ url, apiKey: 'sk_test' });
  const long = await client.job('j_2').catch((e: unknown) => e);
  assert.ok(long instanceof SwardApiError);
  assert.deepEqual([long.status, long.code, long.retryAfterS], [429, 'RATE_LIMITED', 3600]);
  assert.equal(seen.get('/v1/jobs/j_2')?.length, 1, 'no second attempt for a wait it will not make');

  plan.set('/v1/jobs/j_3', { refusals: 1, retryAfter: '1' });
  const noWait = new SwardClient({ url, apiKey: 'sk_test', maxRetryWaitS: 0 });
  const refused = await noWait.job('j_3').catch((e: unknown) => e);
  assert.ok(refused instanceof SwardApiError);
  assert.equal(refused.retryAfterS, 1);

  plan.set('/v1/jobs/j_4', { refusals: 100, retryAfter: '0' });
  const stubborn = await client.job('j_4').catch((e: unknown) => e);
  assert.ok(stubborn instanceof SwardApiError);
  assert.equal(stubborn.status, 429);
  assert.equal(seen.get('/v1/jobs/j_4')?.length, 5, 'gives up after five attempts');
});

test('a GET whose connection is closed under it is sent again; a POST is not (it may have been acted on)', async () => {
  const client = new SwardClient({ url, apiKey: 'sk_test' });
  drops.set('/v1/jobs/j_5', 2);
  assert.equal((await client.job('j_5')).state, 'done');
  assert.equal(seen.get('/v1/jobs/j_5')?.length, 3);

  drops.set('/v1/jobs/j_6', 3);
  const gone = await client.job('j_6').catch((e: unknown) => e);
  assert.ok(gone instanceof SwardApiError);
  assert.equal(gone.code, 'NETWORK');
  assert.equal(seen.get('/v1/jobs/j_6')?.length, 3, 'gives up after three dropped connections');

  drops.set('/v1/jobs', 1);
  const post = await client.createCrawl({ seed: 'https://example.org/' }).catch((e: unknown) => e);
  assert.ok(post instanceof SwardApiError);
  assert.equal(post.code, 'NETWORK');
  assert.equal(seen.get('/v1/jobs')?.length, 1, 'a POST is never sent twice');
});
