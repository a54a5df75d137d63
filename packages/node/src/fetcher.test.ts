import assert from 'node:assert/strict';
import { verify, X509Certificate } from 'node:crypto';
import { after, before, test } from 'node:test';
import { checkCaptureBody, generateIdentity, sha256Hex, verifySignedCapture } from '@sward/core/node-side';
import { httpbis } from 'http-message-signatures';
import { USER_AGENT } from './config.js';
import { type FetcherOptions, type FetchJob, type FetchOutcome, fetchCapture } from './fetcher.js';
import { RequestSigner } from './request-signer.js';
import type { Resolver } from './resolve-target.js';
import {
  PAGE,
  startTestSite,
  TEST_CERT_PEM,
  type TestSite,
  testRequestSigner,
  testSigningKey,
} from './test-site.js';

const identity = generateIdentity();
// Answers every name with loopback, so the connection can only work if the fetcher uses *our* answer.
const loopbackResolver: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];

const base: FetcherOptions = {
  identity,
  userAgent: USER_AGENT,
  requestSigner: testRequestSigner(),
  allowPrivate: true,
  maxBodyBytes: 10 * 1024 * 1024,
  timeoutMs: 10_000,
  resolver: loopbackResolver,
};

let site: TestSite;
let tlsSite: TestSite;
before(async () => {
  site = await startTestSite();
  tlsSite = await startTestSite({ https: true });
});
after(async () => {
  await site.close();
  await tlsSite.close();
});

const job = (url: string, extra: Partial<FetchJob> = {}): FetchJob => ({
  leaseId: 'l_1',
  jobId: 'j_1',
  url,
  ...extra,
});

function expectCapture(out: FetchOutcome) {
  if (!out.ok) assert.fail(`expected a capture, got ${out.failure.code}: ${out.failure.message}`);
  return out;
}
function expectFailure(out: FetchOutcome, code: string) {
  if (out.ok) assert.fail(`expected ${code}, got a capture with status ${out.signed.capture.status}`);
  assert.equal(out.failure.code, code, out.failure.message);
  return out;
}

test('a page is captured, signed, and verifies with core', async () => {
  const out = expectCapture(await fetchCapture(job(`${site.origin}/ok`), base));
  const sc = verifySignedCapture(JSON.parse(JSON.stringify(out.signed)));
  checkCaptureBody(sc.capture, out.body);
  assert.equal(out.body.toString(), PAGE);
  assert.equal(sc.capture.status, 200);
  assert.equal(sc.capture.ip, '127.0.0.1');
  assert.equal(sc.capture.tlsCertSha256, null);
  assert.equal(sc.capture.nodeId, identity.id);
  assert.deepEqual(sc.capture.headers, {
    'content-type': 'text/html; charset=utf-8',
    etag: '"v1"',
    'content-length': String(PAGE.length),
    date: sc.capture.headers.date,
  });
  assert.equal(site.lastHeaders()?.['user-agent'], USER_AGENT);
});

test('a host name is connected to at the address the guard checked, never re-resolved', async () => {
  // www.example.test exists in no DNS: the socket can only reach the site through our pinned answer.
  const out = expectCapture(await fetchCapture(job(`http://www.example.test:${site.port}/ok`), base));
  assert.equal(out.signed.capture.ip, '127.0.0.1');
  assert.equal(site.lastHeaders()?.host, `www.example.test:${site.port}`);
});

test('a dual-stack name falls back across its checked addresses (and only those)', async () => {
  // Nothing listens on [::1]:port or 127.0.0.2:port; the site is on 127.0.0.1.
  const dual: Resolver = async () => [
    { address: '::1', family: 6 },
    { address: '127.0.0.2', family: 4 },
    { address: '127.0.0.1', family: 4 },
  ];
  const out = expectCapture(
    await fetchCapture(job(`http://dual.example.test:${site.port}/ok`), { ...base, resolver: dual }),
  );
  assert.equal(out.signed.capture.ip, '127.0.0.1');
});

test('the redirect chain is followed and recorded hop by hop', async () => {
  const out = expectCapture(await fetchCapture(job(`${site.origin}/r1`), base));
  const c = out.signed.capture;
  assert.equal(c.requestedUrl, `${site.origin}/r1`);
  assert.equal(c.finalUrl, `${site.origin}/ok`);
  assert.deepEqual(c.redirects, [
    { url: `${site.origin}/r1`, status: 302, location: '/r2' },
    { url: `${site.origin}/r2`, status: 301, location: `${site.origin}/ok` },
  ]);
  assert.equal(c.status, 200);
});

test('a redirect loop ends with a capture of the last 3xx', async () => {
  const out = expectCapture(await fetchCapture(job(`${site.origin}/loop-a`), base));
  const c = out.signed.capture;
  assert.equal(c.status, 302);
  assert.equal(c.finalUrl, `${site.origin}/loop-b`);
  assert.deepEqual(
    c.redirects.map((h) => h.url),
    [`${site.origin}/loop-a`],
  );
});

test('with allowPrivate=false a loopback target is refused before any request', async () => {
  const before = site.requests.length;
  for (const url of [
    `${site.origin}/ok`,
    `http://2130706433:${site.port}/ok`,
    `http://[::ffff:127.0.0.1]:${site.port}/ok`,
  ]) {
    expectFailure(await fetchCapture(job(url), { ...base, allowPrivate: false }), 'BLOCKED_ADDRESS');
  }
  // A public-looking name that resolves to loopback is refused after DNS.
  const named = await fetchCapture(job(`http://www.example.test:${site.port}/ok`), {
    ...base,
    allowPrivate: false,
  });
  expectFailure(named, 'BLOCKED_ADDRESS');
  assert.equal(site.requests.length, before, 'no request reached the server');
});

test('every resolved address is checked, not just the first', async () => {
  const mixed: Resolver = async () => [
    { address: '93.184.216.34', family: 4 },
    { address: '10.0.0.7', family: 4 },
  ];
  const out = await fetchCapture(job('http://mixed.example.test/'), {
    ...base,
    allowPrivate: false,
    resolver: mixed,
  });
  assert.match(expectFailure(out, 'BLOCKED_ADDRESS').failure.message, /10\.0\.0\.7/);
});

test('each redirect hop is checked again: a hop to a metadata address is refused', async () => {
  for (const path of ['/to-metadata', '/to-metadata-name']) {
    const out = expectFailure(await fetchCapture(job(`${site.origin}${path}`), base), 'BLOCKED_ADDRESS');
    assert.equal(out.redirects.length, 1);
    assert.equal(out.redirects[0]?.status, 302);
  }
});

test('each redirect hop is checked against the operator deny list', async () => {
  const out = await fetchCapture(job(`${site.origin}/to-denied`), {
    ...base,
    hostRefusal: (h) => (h === 'denied.example' ? 'denied by operator' : null),
  });
  expectFailure(out, 'DOMAIN_DENIED');
});

test('a body over the limit is refused (streamed and declared)', async () => {
  const small = { ...base, maxBodyBytes: 1024 * 1024 };
  expectFailure(await fetchCapture(job(`${site.origin}/big`), small), 'TOO_LARGE');
  expectFailure(await fetchCapture(job(`${site.origin}/big-declared`), small), 'TOO_LARGE');
  // The lease's maxBytes can only lower the operator's ceiling.
  expectFailure(await fetchCapture(job(`${site.origin}/ok`, { maxBytes: 10 }), base), 'TOO_LARGE');
});

test('the byte cap stops a fetch mid-body', async () => {
  let seen = 0;
  const out = await fetchCapture(job(`${site.origin}/big`), {
    ...base,
    onBytes: (n) => {
      seen += n;
      return seen <= 100_000;
    },
  });
  expectFailure(out, 'CAP_REACHED');
});

test('a server that never answers times out', async () => {
  expectFailure(await fetchCapture(job(`${site.origin}/slow`), { ...base, timeoutMs: 150 }), 'TIMEOUT');
  expectFailure(await fetchCapture(job(`${site.origin}/slow`, { timeoutMs: 150 }), base), 'TIMEOUT');
});

test('conditional headers from the lease are sent and a 304 is captured', async () => {
  const out = expectCapture(
    await fetchCapture(job(`${site.origin}/cond`, { conditional: { etag: '"v1"' } }), base),
  );
  assert.equal(out.signed.capture.status, 304);
  assert.equal(out.signed.capture.bodyLength, 0);
  assert.equal(site.lastHeaders()?.['if-none-match'], '"v1"');
});

test('https: the capture carries the SHA-256 of the server certificate', async () => {
  const out = expectCapture(
    await fetchCapture(job(`${tlsSite.origin}/ok`), { ...base, extraCa: TEST_CERT_PEM }),
  );
  const expected = sha256Hex(new X509Certificate(TEST_CERT_PEM).raw);
  assert.equal(out.signed.capture.tlsCertSha256, expected);
  assert.equal(expected, new X509Certificate(TEST_CERT_PEM).fingerprint256.replaceAll(':', '').toLowerCase());
  verifySignedCapture(out.signed);
});

test('https: an untrusted certificate fails with TLS', async () => {
  expectFailure(await fetchCapture(job(`${tlsSite.origin}/ok`), base), 'TLS');
});

test('a refused connection fails with CONNECT, an unknown name with DNS', async () => {
  const closed = await startTestSite();
  await closed.close();
  expectFailure(await fetchCapture(job(`${closed.origin}/ok`), base), 'CONNECT');
  const nx: Resolver = async () => {
    throw Object.assign(new Error('getaddrinfo ENOTFOUND nx.test'), { code: 'ENOTFOUND' });
  };
  expectFailure(await fetchCapture(job('http://nx.test/'), { ...base, resolver: nx }), 'DNS');
});

test('transformBody (the lying-node hook) changes what is hashed and signed', async () => {
  const out = expectCapture(
    await fetchCapture(job(`${site.origin}/ok`), { ...base, transformBody: () => Buffer.from('lies') }),
  );
  assert.equal(out.body.toString(), 'lies');
  checkCaptureBody(verifySignedCapture(out.signed).capture, out.body);
});

test('every request, redirect hops included, carries a Web Bot Auth signature a site can verify', async () => {
  const { signer, publicKey } = testSigningKey('http://coordinator.test:4000');
  const from = site.headers.length;
  expectCapture(await fetchCapture(job(`${site.origin}/r1`), { ...base, requestSigner: signer }));
  const sent = site.headers.slice(from);
  assert.equal(sent.length, 3, 'r1 → r2 → ok');
  const nonces = new Set<string>();
  for (const [i, h] of sent.entries()) {
    assert.equal(h['signature-agent'], 'sig1="http://coordinator.test:4000"');
    const input = String(h['signature-input']);
    assert.match(input, /^sig1=\("@authority" "signature-agent";key="sig1"\);/);
    assert.match(input, /;tag="web-bot-auth"$/);
    assert.match(input, new RegExp(`;keyid="${signer.keyid}";`));
    const created = Number(/;created=(\d+)/.exec(input)?.[1]);
    const expires = Number(/;expires=(\d+)/.exec(input)?.[1]);
    assert.ok(
      expires > created && expires - created <= 300,
      `hop ${i}: expires ${expires - created} s after created`,
    );
    nonces.add(String(/;nonce="([^"]+)"/.exec(input)?.[1]));
    const url = `http://${h.host}${site.requests[from + i]}`;
    const ok = await httpbis.verifyMessage(
      {
        keyLookup: async (p) =>
          p.keyid === signer.keyid
            ? { id: p.keyid, algs: ['ed25519'], verify: async (d, s) => verify(null, d, publicKey, s) }
            : null,
        requiredFields: ['@authority', 'signature-agent'],
      },
      { method: 'GET', url, headers: h as Record<string, string> },
    );
    assert.equal(ok, true, `hop ${i} verifies`);
  }
  assert.equal(nonces.size, 3, 'a fresh nonce per request');
});

test('with no valid signing key nothing is sent', async () => {
  const from = site.requests.length;
  const out = await fetchCapture(job(`${site.origin}/ok`), { ...base, requestSigner: new RequestSigner() });
  if (out.ok) assert.fail('fetched without a key');
  assert.match(out.failure.message, /not sending an unsigned request/);
  assert.equal(site.requests.length, from);
});

test('a licence token goes to its own origin only, not to the origin a redirect leads to', async () => {
  const access = { licenseOrigin: site.origin, licenseToken: 'tok-123' };
  const from = site.headers.length;
  const out = expectCapture(
    await fetchCapture(job(`${site.origin}/to?u=${encodeURIComponent(`${tlsSite.origin}/ok`)}`, { access }), {
      ...base,
      extraCa: TEST_CERT_PEM,
    }),
  );
  assert.equal(site.headers[from]?.authorization, 'License tok-123', 'sent to the origin it is for');
  assert.equal(tlsSite.lastHeaders()?.authorization, undefined, 'not to the redirect target');
  // The signed record says what went with the final request: no token, no price offered.
  const { license, offer, authenticate } = out.signed.capture.access ?? {};
  assert.deepEqual({ license, offer, authenticate }, { license: false, offer: null, authenticate: null });
  // A lease without `access` (an older coordinator) gets a capture without it, as before.
  const plain = expectCapture(await fetchCapture(job(`${site.origin}/ok`), base));
  assert.equal('access' in plain.signed.capture, false);
  assert.equal(site.lastHeaders()?.authorization, undefined);
});
