import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { verifyWebhook } from '@sward/core';
import { type DeliverWebhookOptions, deliverWebhook, webhookSecret } from './webhooks.js';

interface Seen {
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

type Handler = (req: Seen, res: ServerResponse, n: number) => void;

/** Runs `fn` against a loopback HTTP server whose answers `handler` gives; records every request. */
async function withServer(
  handler: Handler,
  fn: (base: string, seen: Seen[]) => Promise<void>,
): Promise<void> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = { url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(s);
      handler(s, res, seen.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await fn(`http://127.0.0.1:${port}`, seen);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const secret = 'whsec_test';
const payload = { event: 'collection.refreshed', collection: 'docs', changed: ['https://example.org/a'] };
const fast = (url: string, extra: Partial<DeliverWebhookOptions> = {}): DeliverWebhookOptions => ({
  url,
  secret,
  payload,
  allowPrivate: true,
  backoffMs: 1,
  ...extra,
});

const answer =
  (status: number, headers: Record<string, string> = {}) =>
  (_: Seen, res: ServerResponse) => {
    res.writeHead(status, headers).end('{}');
  };

test('a delivery is a signed JSON POST that verifyWebhook accepts', async () => {
  await withServer(answer(204), async (base, seen) => {
    const r = await deliverWebhook(fast(`${base}/hook?x=1`, { now: () => 1_700_000_000_123 }));
    assert.deepEqual(
      { ok: r.ok, status: r.status, attempts: r.attempts, error: r.error, deliveredAt: r.deliveredAt },
      { ok: true, status: 204, attempts: 1, error: null, deliveredAt: 1_700_000_000_123 },
    );
    assert.equal(seen.length, 1);
    const [req] = seen;
    assert.ok(req);
    assert.equal(req.url, '/hook?x=1');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['user-agent'], 'SwardWebhook/1');
    assert.equal(req.headers['sward-event'], 'collection.refreshed');
    assert.equal(req.headers['sward-delivery'], r.deliveryId);
    assert.match(r.deliveryId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(JSON.parse(req.body), payload);
    const header = String(req.headers['sward-signature']);
    assert.match(header, /^t=1700000000,v1=[0-9a-f]{64}$/);
    assert.equal(verifyWebhook(secret, req.body, header, { nowSec: 1_700_000_000 }), true);
    assert.throws(() => verifyWebhook('whsec_other', req.body, header, { nowSec: 1_700_000_000 }));
  });
});

test('a 500 is retried, with the same delivery id, and the retry succeeds', async () => {
  await withServer(
    (s, res, n) => answer(n === 1 ? 500 : 200)(s, res),
    async (base, seen) => {
      const r = await deliverWebhook(fast(`${base}/hook`));
      assert.equal(r.ok, true);
      assert.equal(r.status, 200);
      assert.equal(r.attempts, 2);
      assert.equal(seen.length, 2);
      assert.equal(seen[0]?.headers['sward-delivery'], r.deliveryId);
      assert.equal(seen[1]?.headers['sward-delivery'], r.deliveryId);
      assert.equal(seen[0]?.body, seen[1]?.body);
    },
  );
});

test('429 and 5xx are retried until attempts run out', async () => {
  await withServer(
    (s, res, n) => answer(n % 2 ? 429 : 503)(s, res),
    async (base, seen) => {
      const r = await deliverWebhook(fast(`${base}/hook`, { attempts: 3 }));
      assert.equal(r.ok, false);
      assert.equal(r.status, 429);
      assert.equal(r.attempts, 3);
      assert.equal(r.error, 'HTTP 429');
      assert.equal(r.deliveredAt, null);
      assert.equal(seen.length, 3);
    },
  );
});

test('a 400 is not retried', async () => {
  await withServer(answer(400), async (base, seen) => {
    const r = await deliverWebhook(fast(`${base}/hook`, { attempts: 5 }));
    assert.deepEqual(
      { ok: r.ok, status: r.status, attempts: r.attempts, error: r.error },
      { ok: false, status: 400, attempts: 1, error: 'HTTP 400' },
    );
    assert.equal(seen.length, 1);
  });
});

test('a timeout counts as a failed try and is retried', async () => {
  // The first request is never answered; the second is.
  await withServer(
    (s, res, n) => {
      if (n > 1) answer(200)(s, res);
    },
    async (base, seen) => {
      const r = await deliverWebhook(fast(`${base}/hook`, { timeoutMs: 200 }));
      assert.equal(r.ok, true);
      assert.equal(r.attempts, 2);
      assert.equal(seen.length, 2);
    },
  );
  await withServer(
    () => {},
    async (base, seen) => {
      const r = await deliverWebhook(fast(`${base}/hook`, { timeoutMs: 100, attempts: 2 }));
      assert.deepEqual(
        { ok: r.ok, status: r.status, attempts: r.attempts, error: r.error },
        { ok: false, status: null, attempts: 2, error: 'timed out after 100 ms' },
      );
      assert.equal(seen.length, 2);
    },
  );
});

test('a refused connection is a network error and is retried', async () => {
  let closedPort = 0;
  await withServer(answer(200), async (base) => {
    closedPort = Number(new URL(base).port);
  });
  const r = await deliverWebhook(fast(`http://127.0.0.1:${closedPort}/hook`, { attempts: 2 }));
  assert.equal(r.ok, false);
  assert.equal(r.status, null);
  assert.equal(r.attempts, 2);
  assert.match(r.error ?? '', /ECONNREFUSED/);
});

test('loopback is refused without allowPrivate, and no request is sent', async () => {
  await withServer(answer(200), async (base, seen) => {
    const port = new URL(base).port;
    const byAddress = await deliverWebhook(fast(`${base}/hook`, { allowPrivate: false }));
    assert.deepEqual(
      { ok: byAddress.ok, status: byAddress.status, attempts: byAddress.attempts },
      { ok: false, status: null, attempts: 1 },
    );
    assert.match(byAddress.error ?? '', /refusing loopback address 127\.0\.0\.1/);
    const byName = await deliverWebhook(fast(`http://localhost:${port}/hook`, { allowPrivate: false }));
    assert.match(byName.error ?? '', /refusing loopback host localhost/);
    const numeric = await deliverWebhook(fast(`http://2130706433:${port}/hook`, { allowPrivate: false }));
    assert.match(numeric.error ?? '', /refusing loopback/);
    assert.equal(seen.length, 0);
  });
});

test('a name is refused when any DNS answer is not public, even one among public ones', async () => {
  await withServer(answer(200), async (base, seen) => {
    const port = new URL(base).port;
    const resolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    const r = await deliverWebhook(fast(`http://hooks.example:${port}/`, { allowPrivate: false, resolver }));
    assert.equal(r.ok, false);
    assert.equal(r.attempts, 1);
    assert.match(r.error ?? '', /hooks\.example: it resolves to loopback address 127\.0\.0\.1/);
    assert.equal(seen.length, 0);
  });
});

test('metadata endpoints are refused even with allowPrivate', async () => {
  const r = await deliverWebhook(fast('http://169.254.169.254/latest/meta-data/'));
  assert.match(r.error ?? '', /refusing metadata address/);
  const byName = await deliverWebhook(fast('http://metadata.google.internal/'));
  assert.match(byName.error ?? '', /refusing metadata host/);
});

test('the connection goes to the checked address: DNS is asked once per try, never by the socket', async () => {
  await withServer(answer(200), async (base, seen) => {
    const port = new URL(base).port;
    let asked = 0;
    const resolver = async (host: string) => {
      asked++;
      assert.equal(host, 'hooks.example');
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const r = await deliverWebhook(fast(`http://hooks.example:${port}/hook`, { resolver }));
    assert.equal(r.ok, true);
    assert.equal(asked, 1);
    assert.equal(seen[0]?.headers.host, `hooks.example:${port}`);
  });
});

test('a redirect is not followed', async () => {
  await withServer(
    (s, res) => (s.url === '/hook' ? answer(302, { location: '/elsewhere' })(s, res) : answer(200)(s, res)),
    async (base, seen) => {
      const r = await deliverWebhook(fast(`${base}/hook`));
      assert.deepEqual(
        { ok: r.ok, status: r.status, attempts: r.attempts },
        { ok: false, status: 302, attempts: 1 },
      );
      assert.match(r.error ?? '', /redirects are not followed/);
      assert.deepEqual(
        seen.map((s) => s.url),
        ['/hook'],
      );
    },
  );
});

test('a large response body is not read to the end', async () => {
  await withServer(
    (_, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(Buffer.alloc(4 * 1024 * 1024, 0x61));
    },
    async (base) => {
      const r = await deliverWebhook(fast(`${base}/hook`));
      assert.equal(r.ok, true);
      assert.equal(r.status, 200);
    },
  );
});

test('unusable input is reported, never thrown, and nothing is tried', async () => {
  const cases: [Partial<DeliverWebhookOptions>, RegExp][] = [
    [{ url: 'not a url' }, /not a URL/],
    [{ url: 'ftp://example.org/x' }, /must be http\(s\)/],
    [{ url: 'http://user:pw@example.org/' }, /credentials/],
    [{ payload: { n: 1n } }, /payload is not JSON/],
    [{ payload: undefined }, /payload is not JSON/],
    [{ secret: '' }, /secret is empty/],
  ];
  for (const [extra, error] of cases) {
    const r = await deliverWebhook({ ...fast('http://127.0.0.1:9/hook'), ...extra });
    assert.equal(r.ok, false);
    assert.equal(r.attempts, 0);
    assert.match(r.error ?? '', error);
  }
});

test('webhookSecret makes a fresh whsec_ secret of 32 random bytes', () => {
  const a = webhookSecret();
  assert.match(a, /^whsec_[A-Za-z0-9_-]{43}$/);
  assert.equal(Buffer.from(a.slice(6), 'base64url').length, 32);
  assert.notEqual(a, webhookSecret());
});
