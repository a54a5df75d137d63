import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimitByLength } from './body-limit.js';

// Served over a real socket: the point is what @hono/node-server does with the request's body.
async function server(maxSize: number): Promise<string> {
  const app = new Hono();
  app.use('*', bodyLimitByLength({ maxSize, onError: (c) => c.json({ error: 'too large' }, 413) }));
  app.post('/echo', async (c) => c.json({ got: await c.req.json() }));
  const s = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const srv = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(srv));
  });
  after(() => s.close());
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

/** POSTs `chunks` to /echo: with Content-Length when `length` is given, chunked otherwise. */
function post(base: string, chunks: string[], length?: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/echo`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(length === undefined ? {} : { 'content-length': String(length) }),
      },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // the server may answer 413 and close before reading what was announced
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
    for (const c of chunks) req.write(c);
    req.end();
  });
}

test('a body with Content-Length is read through the buffered path, never as a web stream', async () => {
  const base = await server(1000);
  // @hono/node-server turns the socket into a web ReadableStream (Readable.toWeb) only when a web Request
  // is built for the body: hono's own bodyLimit forced that on every request.
  const toWeb = Readable.toWeb;
  let webStreams = 0;
  Readable.toWeb = ((...a: Parameters<typeof toWeb>) => {
    webStreams++;
    return toWeb(...a);
  }) as typeof toWeb;
  try {
    const body = JSON.stringify({ a: 1, text: 'x'.repeat(100) });
    const res = await post(base, [body], Buffer.byteLength(body));
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { got: { a: 1, text: 'x'.repeat(100) } });
    assert.equal(webStreams, 0, 'no web stream over the socket');
  } finally {
    Readable.toWeb = toWeb;
  }
});

test('the limit holds: by Content-Length before any byte is read, by counting for a chunked body', async () => {
  const base = await server(1000);
  const big = JSON.stringify({ text: 'y'.repeat(2000) });
  const byLength = await post(base, [big], Buffer.byteLength(big));
  assert.equal(byLength.status, 413, 'Content-Length over the limit');
  const chunked = await post(base, [big.slice(0, 900), big.slice(900)]);
  assert.equal(chunked.status, 413, 'a chunked body over the limit');
  const small = JSON.stringify({ ok: true });
  const smallChunked = await post(base, [small.slice(0, 3), small.slice(3)]);
  assert.deepEqual([smallChunked.status, JSON.parse(smallChunked.body)], [200, { got: { ok: true } }]);
});
