import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { clientAddress, trustedProxySet } from './client-address.js';

const seen = async (peer: string, xff: string | null, trusted: string[]) => {
  const app = new Hono();
  const proxies = trustedProxySet(trusted);
  app.get('/', (c) => c.text(clientAddress(c, proxies) ?? '(none)'));
  const res = await app.request(
    '/',
    { headers: xff === null ? {} : { 'x-forwarded-for': xff } },
    {
      incoming: { socket: { remoteAddress: peer } },
    },
  );
  return res.text();
};

test('a node cannot choose the address it is recorded at: X-Forwarded-For is ignored by default', async () => {
  assert.equal(await seen('203.0.113.5', '198.51.100.9', []), '203.0.113.5');
  assert.equal(await seen('::ffff:203.0.113.5', null, []), '203.0.113.5');
  // …and from a peer that is not the configured proxy.
  assert.equal(await seen('203.0.113.5', '198.51.100.9', ['10.0.0.1']), '203.0.113.5');
});

test('behind trusted proxies the rightmost address they did not add is the node', async () => {
  assert.equal(await seen('10.0.0.1', '198.51.100.9', ['10.0.0.1']), '198.51.100.9');
  // The node prepended a lie; the proxies appended the truth.
  assert.equal(
    await seen('::ffff:10.0.0.1', '1.2.3.4, 198.51.100.9, 10.0.0.2', ['10.0.0.1', '10.0.0.2']),
    '198.51.100.9',
  );
  assert.equal(await seen('10.0.0.1', 'not-an-ip', ['10.0.0.1']), '10.0.0.1');
  assert.throws(() => trustedProxySet(['proxy.local']), /trustedProxies: proxy.local is not an IP address/);
});
