// The SDK's errors carry the server's closed error codes (core contract/errors.ts): a code the contract
// names reaches the caller as that code, typed; anything else (a proxy's page, an unknown code) is HTTP.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunningCoordinator } from '@sward/coordinator';
import { API_ERROR_CODES } from '@sward/core';
import { SwardClient, type SwardErrorCode } from '@sward/sdk';
import { quietCoordinator } from './support/api-call.js';
import { sdkFailure as failure } from './support/sdk-failure.js';

let co: RunningCoordinator;
let dir: string;
let odd: Server;
let oddUrl = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sward-sdk-errors-'));
  co = await quietCoordinator(join(dir, 'db.sqlite'), join(dir, 'data'));
  // Stands in for what is not a coordinator: a code outside the contract, then a proxy's HTML page.
  odd = createServer((req, res) => {
    if (req.url?.startsWith('/v1/jobs/')) {
      res.writeHead(418, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'TEAPOT', message: 'short and stout' } }));
      return;
    }
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<h1>Bad gateway</h1>');
  });
  await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r));
  oddUrl = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
});
after(async () => {
  await co.close();
  odd.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a coordinator error reaches the caller with its closed code', async () => {
  const client = new SwardClient({ url: co.url, apiKey: co.firstApiKey as string });
  const missing = await failure(client.job('j_nope'));
  const code: SwardErrorCode = missing.code;
  assert.equal(code, 'NOT_FOUND');
  assert.equal(missing.status, 404);
  const bad = await failure(client.createCrawl({ seed: 'ftp://x.test/' }));
  assert.equal(bad.code, 'BAD_REQUEST');
  const anon = await failure(new SwardClient({ url: co.url, apiKey: 'sk_wrong' }).jobs());
  assert.equal(anon.code, 'UNAUTHORIZED');
  assert.ok(API_ERROR_CODES.includes(anon.code as (typeof API_ERROR_CODES)[number]));
});

test('a code outside the contract, or no error body at all, is HTTP with the status', async () => {
  const client = new SwardClient({ url: oddUrl, apiKey: 'sk_x' });
  const teapot = await failure(client.job('j_1'));
  assert.equal(teapot.code, 'HTTP');
  assert.equal(teapot.status, 418);
  assert.match(teapot.message, /^TEAPOT: short and stout/);
  const proxy = await failure(client.jobs());
  assert.equal(proxy.code, 'HTTP');
  assert.equal(proxy.status, 502);
});
