import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalJson } from './canonical-json.js';
import { type Capture, SIGNED_HEADERS, signCapture, signedCaptureSchema } from './capture.js';
import { isSignedCaptureShape } from './capture-shape.js';
import { generateIdentity } from './identity.js';
import { edgeValue, everySingleMutation, mutated } from './testing-mutations.js';

const hex = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const time = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

// fc.webUrl is slow (milliseconds per URL): hosts from a list, paths from URL-safe and a few other characters.
const webUrl = fc
  .tuple(
    fc.constantFrom('http://', 'https://', 'HTTPS://'),
    fc.constantFrom(
      'example.org',
      'a.example',
      '127.0.0.1',
      '[::1]',
      'xn--bcher-kva.example',
      'b\u00fccher.example',
    ),
    fc.constantFrom('', ':8080'),
    fc.string({ unit: fc.constantFrom(...'abz09/-._~%?=&#+é'), maxLength: 40 }),
  )
  .map(([s, h, p, rest]) => `${s}${h}${p}/${rest}`);

/** Well-formed signed captures in RFC 8785 key order, as bundle format 2 writes them (signature not valid). */
const goodCapture = fc
  .record({
    jobId: fc.string({ minLength: 1, maxLength: 100 }),
    leaseId: fc.string({ minLength: 1, maxLength: 100 }),
    nodeId: hex(64),
    requestedUrl: webUrl,
    moved: fc.option(webUrl, { nil: undefined }),
    redirects: fc.array(
      fc.record({
        url: webUrl,
        status: fc.integer({ min: 300, max: 399 }),
        location: fc.string({ maxLength: 200 }),
      }),
      { maxLength: 3 },
    ),
    status: fc.integer({ min: 100, max: 599 }),
    headers: fc.dictionary(fc.constantFrom(...SIGNED_HEADERS), fc.string({ maxLength: 200 })),
    bodySha256: hex(64),
    bodyLength: fc.nat(),
    fetchStart: time,
    fetchEnd: time,
    tlsCertSha256: fc.option(hex(64), { nil: null }),
    ip: fc.oneof(fc.ipV4(), fc.ipV6()),
    signature: fc
      .string({
        unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'),
        minLength: 86,
        maxLength: 86,
      })
      .map((s) => `${s}==`),
  })
  .map(({ moved, signature, ...c }) => {
    const capture: Capture = { v: 1, ...c, finalUrl: moved ?? c.requestedUrl };
    return JSON.parse(canonicalJson({ capture, signature })) as unknown;
  });

/** A signed capture as signCapture builds it, with a redirect and headers. */
const id = generateIdentity();
const sc = signCapture(id, {
  v: 1,
  jobId: 'j',
  leaseId: 'l',
  nodeId: id.id,
  requestedUrl: 'https://example.org/a',
  finalUrl: 'https://example.org/b',
  redirects: [{ url: 'https://example.org/a', status: 301, location: '/b' }],
  status: 200,
  headers: { 'content-type': 'text/html', etag: '"é\\u"' },
  bodySha256: 'a'.repeat(64),
  bodyLength: 3,
  fetchStart: '2026-01-01T00:00:00.000Z',
  fetchEnd: '2026-01-01T00:00:01.000+01:00',
  tlsCertSha256: null,
  ip: '::1',
});

/** The schema's verdict; when it accepts, whether it returned the input unchanged. */
function schemaSays(x: unknown): 'refused' | 'unchanged' | 'changed' {
  const r = signedCaptureSchema.safeParse(x);
  if (!r.success) return 'refused';
  try {
    assert.deepStrictEqual(r.data, x);
    return 'unchanged';
  } catch {
    return 'changed';
  }
}

test('the fast capture check takes every well-formed capture in canonical key order', () => {
  fc.assert(
    fc.property(goodCapture, (x) => isSignedCaptureShape(x) && schemaSays(x) === 'unchanged'),
    { numRuns: 300 },
  );
  // As a bundle writes it.
  assert.equal(isSignedCaptureShape(JSON.parse(canonicalJson(sc))), true);
  // In another key order the schema decides (and the signature check makes the canonical bytes).
  assert.equal(isSignedCaptureShape(JSON.parse(JSON.stringify(sc))), false);
});

test('the fast capture check accepts nothing the schema refuses or changes (random and mutated captures)', () => {
  const agrees = (x: unknown) => !isSignedCaptureShape(x) || schemaSays(x) === 'unchanged';
  fc.assert(fc.property(goodCapture.chain(mutated), agrees), { numRuns: 4000 });
  fc.assert(fc.property(fc.anything(), agrees), { numRuns: 500 });
  fc.assert(fc.property(edgeValue, agrees), { numRuns: 500 });
  // The malformed captures of the other tests, and JSON's own "__proto__" keys.
  const base = fc.sample(goodCapture, { numRuns: 1, seed: 7 })[0] as { capture: Record<string, unknown> };
  const cases: unknown[] = [
    { ...base, capture: { ...base.capture, nodeId: 'xyz' } },
    { ...base, capture: { ...base.capture, bodySha256: 'zz' }, signature: 'x' },
    { ...base, capture: { ...base.capture, status: 404.5 } },
    { ...base, capture: { ...base.capture, headers: JSON.parse('{"__proto__":"x"}') } },
    {
      ...base,
      capture: {
        ...base.capture,
        redirects: [JSON.parse('{"location":"/","status":301,"url":"https://a.example/","__proto__":1}')],
      },
    },
    JSON.parse(JSON.stringify(base).replace('{"capture":', '{"__proto__":{},"capture":')),
  ];
  for (const x of cases) assert.ok(agrees(x), JSON.stringify(x));
  // Every edge value at every place, every key deleted or added, in captures with and without redirects.
  for (const good of [JSON.parse(canonicalJson(sc)), ...fc.sample(goodCapture, { numRuns: 6, seed: 11 })])
    for (const x of everySingleMutation(good)) assert.ok(agrees(x), JSON.stringify(x)?.slice(0, 2000));
  assert.equal(isSignedCaptureShape(base), true);
});

test('the fast capture check stays right on non-ASCII URLs once V8 has optimised it (Node 20’s URL.canParse)', () => {
  // The property above found this only now and then: its random runs rarely reached TurboFan before a
  // Latin-1 URL came up, and a replay in a fresh process never did. Here the check is made hot first.
  const good = JSON.parse(canonicalJson(sc)) as { capture: Record<string, unknown>; signature: string };
  for (let i = 0; i < 20_000; i++) assert.equal(isSignedCaptureShape(good), true);
  const withUrl = (url: string) => ({ ...good, capture: { ...good.capture, finalUrl: url } });
  // `new URL` throws on it; Node 20's optimised URL.canParse said it parses.
  assert.equal(schemaSays(withUrl('http://\u00d9\u00a8')), 'refused');
  assert.equal(isSignedCaptureShape(withUrl('http://\u00d9\u00a8')), false);
  // An IDN written in Unicode: the schema keeps it unchanged, so the fast check takes it too.
  assert.equal(schemaSays(withUrl('https://b\u00fccher.example/a\u00e9')), 'unchanged');
  assert.equal(isSignedCaptureShape(withUrl('https://b\u00fccher.example/a\u00e9')), true);
});
