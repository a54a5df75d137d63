import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { generateIdentity } from '@sward/core/node-side';
import { USER_AGENT } from './config.js';
import { ConnectionPool } from './connection-pool.js';
import { type FetcherOptions, type FetchOutcome, fetchCapture } from './fetcher.js';
import type { Resolver } from './resolve-target.js';
import { testRequestSigner } from './test-site.js';

const identity = generateIdentity();
const loopback: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];

let server: Server;
let port = 0;
let connections = 0;
before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/hop') {
      res.writeHead(302, { location: '/page' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end('<p>pooled</p>'.repeat(20));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const requestSigner = testRequestSigner();
const options = (connections: ConnectionPool, extra: Partial<FetcherOptions> = {}): FetcherOptions => ({
  identity,
  userAgent: USER_AGENT,
  requestSigner,
  allowPrivate: true,
  maxBodyBytes: 1024 * 1024,
  timeoutMs: 5000,
  resolver: loopback,
  connections,
  ...extra,
});
const job = (path: string, maxBytes?: number) => ({
  leaseId: 'l_1',
  jobId: 'j_1',
  url: `http://site.example.test:${port}${path}`,
  ...(maxBytes === undefined ? {} : { maxBytes }),
});
function captured(out: FetchOutcome) {
  if (!out.ok) assert.fail(`${out.failure.code}: ${out.failure.message}`);
  return out.signed.capture;
}

test('consecutive fetches and redirect hops to one checked address share a connection', async () => {
  const pool = new ConnectionPool();
  const before = connections;
  const first = captured(await fetchCapture(job('/page'), options(pool)));
  const second = captured(await fetchCapture(job('/hop'), options(pool)));
  assert.equal(connections - before, 1, 'one TCP connection for three requests');
  assert.equal(first.ip, '127.0.0.1');
  assert.equal(second.ip, '127.0.0.1', 'a reused connection still reports its address');
  assert.equal(second.redirects.length, 1);
  assert.equal(pool.size, 1);
  pool.close();
  assert.equal(pool.size, 0);
});

test('a different DNS answer, guard mode or node never reuses a connection', async () => {
  const pool = new ConnectionPool();
  const before = connections;
  captured(await fetchCapture(job('/page'), options(pool)));
  // Same host, but DNS now also answers another (checked) address: a new pinned connection.
  const wider: Resolver = async () => [
    { address: '127.0.0.1', family: 4 },
    { address: '127.0.0.9', family: 4 },
  ];
  captured(await fetchCapture(job('/page'), options(pool, { resolver: wider })));
  captured(await fetchCapture(job('/page'), options(pool, { identity: generateIdentity() })));
  assert.equal(connections - before, 3);
  // A guard that now refuses the address fails before any pooled connection is looked at.
  const out = await fetchCapture(job('/page'), options(pool, { allowPrivate: false }));
  assert.equal(out.ok ? 'ok' : out.failure.code, 'BLOCKED_ADDRESS');
  assert.equal(connections - before, 3);
  pool.closeOwner(identity.id);
  assert.equal(pool.size, 1, "only the other node's connection is left");
  pool.close();
});

test('a connection whose response was not read to the end is not kept', async () => {
  const pool = new ConnectionPool();
  const out = await fetchCapture(job('/page', 10), options(pool));
  assert.equal(out.ok ? 'ok' : out.failure.code, 'TOO_LARGE');
  assert.equal(pool.size, 0);
  pool.close();
});

test('idle connections are dropped after idleMs', async () => {
  const pool = new ConnectionPool({ idleMs: 300, maxIdlePerKey: 8, maxIdle: 64 });
  captured(await fetchCapture(job('/page'), options(pool)));
  assert.equal(pool.size, 1);
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(pool.size, 0);
});
