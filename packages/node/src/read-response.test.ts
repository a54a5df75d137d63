import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { NodeError } from './errors.js';
import { readResponse } from './read-response.js';
import { Client } from './undici-parts.js';

const routes: Record<string, (res: ServerResponse) => void> = {
  '/page': (res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.write('<p>one</p>');
    res.end('<p>two</p>');
  },
  '/declared': (res) => {
    res.writeHead(200, { 'content-length': '5000' });
    res.end('x'.repeat(5000));
  },
  '/chunked': (res) => {
    res.writeHead(200);
    for (let i = 0; i < 10; i++) res.write('y'.repeat(500));
    res.end();
  },
  '/moved': (res) => {
    res.writeHead(301, { location: '/page' });
    res.end('moved to /page');
  },
  '/early-hints': (res) => {
    res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
    res.writeHead(200);
    res.end('after hints');
  },
  '/stall': (res) => {
    res.writeHead(200);
    res.write('start');
  },
};

const server = createServer((req, res) => {
  const route = routes[req.url ?? ''];
  if (route) route(res);
  else res.writeHead(404).end();
});
let client: InstanceType<typeof Client>;
let base: string;

before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  server.close();
});

const get = (path: string, signal?: AbortSignal) => ({ path, method: 'GET' as const, signal });

test('reads a whole response: status, headers, the body in one buffer', async () => {
  client = new Client(base);
  const res = await readResponse(client, get('/page'));
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/html');
  assert.equal(res.body.toString(), '<p>one</p><p>two</p>');
  // informational responses are skipped, the final one is read
  const hinted = await readResponse(client, get('/early-hints'));
  assert.equal(hinted.statusCode, 200);
  assert.equal(hinted.body.toString(), 'after hints');
  await client.close();
});

test('limits: a declared length or a body over maxBytes, the byte cap, a discarded body', async () => {
  client = new Client(base);
  const counted: number[] = [];
  const limits = (maxBytes: number, onBytes?: (n: number) => boolean) => ({ url: 'u', maxBytes, onBytes });
  await assert.rejects(
    readResponse(
      client,
      get('/declared'),
      limits(4000, (n) => counted.push(n) > 0),
    ),
    (e: unknown) => e instanceof NodeError && e.code === 'TOO_LARGE' && /declares 5000 bytes/.test(e.message),
  );
  assert.deepEqual(counted, [], 'refused before any body byte');
  client = new Client(base);
  await assert.rejects(
    readResponse(client, get('/chunked'), limits(4000)),
    (e: unknown) =>
      e instanceof NodeError && e.code === 'TOO_LARGE' && /body of u is over 4000/.test(e.message),
  );
  client = new Client(base);
  let seen = 0;
  await assert.rejects(
    readResponse(
      client,
      get('/chunked'),
      limits(1e6, (n) => {
        seen += n;
        return seen <= 1000;
      }),
    ),
    (e: unknown) => e instanceof NodeError && e.code === 'CAP_REACHED',
  );
  client = new Client(base);
  let moved = 0;
  const redirect = await readResponse(client, get('/moved'), {
    ...limits(1e6, (n) => {
      moved += n;
      return true;
    }),
    discard: (s) => s >= 300 && s < 400,
  });
  assert.equal(redirect.statusCode, 301);
  assert.equal(redirect.body.length, 0);
  assert.equal(moved, 'moved to /page'.length, 'a discarded body still counts');
  await client.close();
});

test("an abort ends the read with the signal's reason, before or during the response", async () => {
  client = new Client(base);
  const reason = new NodeError('TIMEOUT', 'too slow');
  await assert.rejects(readResponse(client, get('/page', AbortSignal.abort(reason))), reason);
  const stop = new AbortController();
  const reading = readResponse(client, get('/stall', stop.signal));
  setTimeout(() => stop.abort(reason), 50);
  await assert.rejects(reading, reason);
  await client.destroy();
});
