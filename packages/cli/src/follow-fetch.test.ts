import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { SwardApiError } from '@sward/sdk';
import { SwardClient } from '@sward/sdk/client';
import { followFetch } from './follow-fetch.js';

/** A coordinator stand-in on a free port; `handle` answers each request with its body read. */
async function server(
  handle: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const s = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => handle(req, body, res));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => s.close(() => r())),
  };
}

const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
};

test('the SDK client sends and reads its calls through followFetch: body, key, answers, error codes', async () => {
  const seen: { method?: string; url?: string; auth?: string; type?: string; body: string }[] = [];
  const s = await server((req, body, res) => {
    seen.push({
      method: req.method,
      url: req.url,
      auth: req.headers.authorization,
      type: req.headers['content-type'],
      body,
    });
    if (req.method === 'POST')
      return json(res, 201, { id: 'j_1', state: 'queued', seed: JSON.parse(body).seed });
    if (req.url === '/v1/jobs/j_1') return json(res, 200, { id: 'j_1', state: 'done', finishedAt: 1 });
    return json(res, 404, { error: { code: 'NOT_FOUND', message: 'no such job ü' } });
  });
  const polling = followFetch();
  try {
    const client = new SwardClient({ url: s.url, apiKey: 'sk_test', fetch: polling.fetch });
    const job = (await client.createCrawl({ seed: 'https://example.org/' } as never)) as unknown as {
      id: string;
      seed: string;
    };
    assert.deepEqual(job, { id: 'j_1', state: 'queued', seed: 'https://example.org/' });
    const done = await client.waitForJob('j_1', undefined, 10);
    assert.equal(done.state, 'done');
    await assert.rejects(client.job('j_2'), (e: unknown) => {
      assert.ok(e instanceof SwardApiError);
      assert.equal(e.code, 'NOT_FOUND');
      assert.equal(e.status, 404);
      assert.equal(e.message, 'no such job ü');
      return true;
    });
    assert.deepEqual(
      seen.map((r) => [r.method, r.url, r.auth, r.type]),
      [
        ['POST', '/v1/jobs', 'Bearer sk_test', 'application/json'],
        ['GET', '/v1/jobs/j_1', 'Bearer sk_test', undefined],
        ['GET', '/v1/jobs/j_2', 'Bearer sk_test', undefined],
      ],
    );
    assert.deepEqual(JSON.parse(seen[0]?.body ?? ''), { seed: 'https://example.org/' });
  } finally {
    polling.close();
    await s.close();
  }
});

test('through followFetch a rate limit is waited out and an unreachable coordinator is NETWORK', async () => {
  let calls = 0;
  const s = await server((_req, _body, res) => {
    calls++;
    if (calls === 1)
      return json(res, 429, { error: { code: 'RATE_LIMITED', message: 'slow' } }, { 'retry-after': '0' });
    return json(res, 200, { id: 'j_1', state: 'running', finishedAt: null });
  });
  const polling = followFetch();
  try {
    const client = new SwardClient({ url: s.url, apiKey: 'k', fetch: polling.fetch });
    assert.equal((await client.job('j_1')).state, 'running');
    assert.equal(calls, 2);
  } finally {
    polling.close();
    await s.close();
  }
  const gone = new SwardClient({ url: s.url, apiKey: 'k', fetch: followFetch().fetch });
  await assert.rejects(gone.job('j_1'), (e: unknown) => e instanceof SwardApiError && e.code === 'NETWORK');
});
