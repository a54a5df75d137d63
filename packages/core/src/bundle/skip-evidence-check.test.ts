import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Capture, captureLeafBytes, signCapture } from '../capture.js';
import type { ComplianceDocument } from '../compliance-wire.js';
import { sha256Hex } from '../hash.js';
import { generateIdentity } from '../identity.js';
import { checkSkipEvidence } from './skip-evidence-check.js';

const node = generateIdentity();
const ORIGIN = 'https://example.org';

function signed(
  url: string,
  status: number,
  headers: Capture['headers'] = {},
  body = '',
  access?: Capture['access'],
) {
  const sc = signCapture(node, {
    v: 1,
    jobId: 'j_1',
    leaseId: 'l_1',
    nodeId: node.id,
    requestedUrl: url,
    finalUrl: url,
    redirects: [],
    status,
    headers,
    bodySha256: sha256Hex(body),
    bodyLength: Buffer.byteLength(body),
    fetchStart: '2026-12-01T00:00:00.000Z',
    fetchEnd: '2026-12-01T00:00:01.000Z',
    tlsCertSha256: null,
    ip: '93.184.215.14',
    ...(access ? { access } : {}),
  });
  return { sc, id: `c_${sha256Hex(captureLeafBytes(sc)).slice(0, 32)}` };
}

const pageRow = (
  reason: string,
  s: ReturnType<typeof signed>,
  url = s.sc.capture.requestedUrl,
  detail = '',
) => ({
  url,
  reason,
  detail,
  captureId: s.id,
  evidence: { kind: 'capture', signedCapture: s.sc },
});

function policy(kind: 'robots' | 'tdmrep', status: number, text: string | null) {
  const url = kind === 'robots' ? `${ORIGIN}/robots.txt` : `${ORIGIN}/.well-known/tdmrep.json`;
  const s = signed(url, status, {}, text ?? '');
  const doc = {
    kind,
    origin: ORIGIN,
    url,
    captureId: s.id,
    leafIndex: 0,
    status,
    bodySha256: s.sc.capture.bodySha256,
    fetchedAt: '2026-12-01T00:00:01.000Z',
    detail: null,
    text,
    decision: { rule: 'fetched', allowed: 0, disallowed: 0, crawlDelayTooLong: 0, crawlDelaySeconds: null },
    signedCapture: s.sc as unknown as ComplianceDocument['signedCapture'],
  } as ComplianceDocument;
  const evidence = { kind: 'policy', policy: kind, url, captureId: s.id, bodySha256: doc.bodySha256 };
  return { doc, evidence };
}

const status = (v: ReturnType<typeof checkSkipEvidence>) => v.status;

test("a page's own signed answer supports a status, a TDM header and a noai header, and nothing else", () => {
  const gone = signed(`${ORIGIN}/gone`, 404);
  assert.equal(status(checkSkipEvidence(pageRow('http_404', gone), [])), 'supported');
  assert.equal(status(checkSkipEvidence(pageRow('http_410', gone), [])), 'failed');
  const tdm = signed(`${ORIGIN}/tdm`, 200, { 'tdm-reservation': '1' });
  assert.equal(status(checkSkipEvidence(pageRow('tdmrep', tdm), [])), 'supported');
  const open = signed(`${ORIGIN}/open`, 200, { 'tdm-reservation': '0' });
  assert.equal(status(checkSkipEvidence(pageRow('tdmrep', open), [])), 'failed');
  const noai = signed(`${ORIGIN}/noai`, 200, { 'x-robots-tag': 'SwardBot: noai' });
  assert.equal(status(checkSkipEvidence(pageRow('noai', noai), [])), 'supported');
  const other = signed(`${ORIGIN}/other`, 200, { 'x-robots-tag': 'otherbot: noai' });
  assert.equal(status(checkSkipEvidence(pageRow('noai', other), [])), 'failed');
  // A meta tag is in the body, which is never kept: signed, not recomputable.
  const meta = signed(`${ORIGIN}/meta`, 200);
  assert.equal(
    status(checkSkipEvidence(pageRow('noai', meta, undefined, '<meta name="robots" content="noai">'), [])),
    'signed',
  );
});

test("another URL's capture, another capture id, or a forged capture is not evidence", () => {
  const gone = signed(`${ORIGIN}/gone`, 404);
  const v = checkSkipEvidence(pageRow('http_404', gone, `${ORIGIN}/elsewhere`), []);
  assert.match(v.status === 'failed' ? v.message : '', /signed capture is of .*gone, not .*elsewhere/);
  assert.equal(
    status(checkSkipEvidence({ ...pageRow('http_404', gone), captureId: 'c_other' }, [])),
    'failed',
  );
  const forged = structuredClone(gone.sc);
  forged.capture.status = 451;
  const f = checkSkipEvidence(pageRow('http_451', { sc: forged, id: gone.id }), []);
  assert.match(f.status === 'failed' ? f.message : '', /signature does not verify/);
});

test('robots.txt and tdmrep.json are re-read from their signed text', () => {
  const robots = policy('robots', 200, 'User-agent: SwardBot\nDisallow: /private/\n');
  const row = (url: string, reason: string, p = robots) => ({
    url,
    reason,
    detail: null,
    captureId: null,
    evidence: p.evidence,
  });
  assert.equal(status(checkSkipEvidence(row(`${ORIGIN}/private/a`, 'robots'), [robots.doc])), 'supported');
  const allowed = checkSkipEvidence(row(`${ORIGIN}/public/a`, 'robots'), [robots.doc]);
  assert.match(allowed.status === 'failed' ? allowed.message : '', /allows .*public\/a for SwardBot/);
  // A text that is not the signed body is not re-read.
  const edited = { ...robots.doc, text: 'User-agent: *\nDisallow: /\n' };
  assert.equal(status(checkSkipEvidence(row(`${ORIGIN}/public/a`, 'robots'), [edited])), 'signed');
  // Another origin's robots.txt says nothing about this URL.
  assert.equal(
    status(checkSkipEvidence(row('https://other.example/private/a', 'robots'), [robots.doc])),
    'failed',
  );
  const tdm = policy('tdmrep', 200, '[{"location": "/reserved/*", "tdm-reservation": 1}]');
  assert.equal(status(checkSkipEvidence(row(`${ORIGIN}/reserved/x`, 'tdmrep', tdm), [tdm.doc])), 'supported');
  assert.equal(status(checkSkipEvidence(row(`${ORIGIN}/free/x`, 'tdmrep', tdm), [tdm.doc])), 'failed');
  // robots_unavailable needs a signed 5xx; a 404 robots.txt allows everything.
  const down = policy('robots', 503, null);
  assert.equal(
    status(checkSkipEvidence(row(`${ORIGIN}/a`, 'robots_unavailable', down), [down.doc])),
    'supported',
  );
  const missing = policy('robots', 404, null);
  assert.equal(status(checkSkipEvidence(row(`${ORIGIN}/a`, 'robots', missing), [missing.doc])), 'failed');
  // An answer that is not in compliance.json is no evidence.
  assert.equal(status(checkSkipEvidence(row(`${ORIGIN}/private/a`, 'robots'), [])), 'failed');
});

test('no answer is said, not claimed; a row without evidence fails', () => {
  const none = { url: `${ORIGIN}/a`, reason: 'max_pages', detail: null, captureId: null };
  assert.equal(
    status(checkSkipEvidence({ ...none, evidence: { kind: 'none', why: 'no answer' } }, [])),
    'absent',
  );
  assert.equal(status(checkSkipEvidence(none, [])), 'failed');
});

test("pay-per-crawl and licence skips are read from the capture's signed access record", () => {
  const access = (a: Partial<NonNullable<Capture['access']>>) => ({
    offer: null,
    price: null,
    charged: null,
    error: null,
    license: false,
    authenticate: null,
    ...a,
  });
  const offer = (price: string) => ({ header: 'crawler-max-price' as const, price });
  const dear = signed(`${ORIGIN}/dear`, 402, {}, '', access({ offer: offer('USD 0.01'), price: 'USD 1' }));
  assert.equal(status(checkSkipEvidence(pageRow('price_above_max', dear), [])), 'supported');
  assert.equal(status(checkSkipEvidence(pageRow('budget_exhausted', dear), [])), 'supported');
  assert.equal(status(checkSkipEvidence(pageRow('payment_required', dear), [])), 'supported');
  // The node offered enough: not a price or budget skip.
  const enough = signed(`${ORIGIN}/enough`, 402, {}, '', access({ offer: offer('USD 2'), price: 'USD 1' }));
  assert.equal(status(checkSkipEvidence(pageRow('price_above_max', enough), [])), 'failed');
  // A 200, or a 402 without a price, supports none of them.
  const paid = signed(`${ORIGIN}/paid`, 200, {}, '', access({ charged: 'USD 1' }));
  assert.equal(status(checkSkipEvidence(pageRow('budget_exhausted', paid), [])), 'failed');
  const bare = signed(`${ORIGIN}/bare`, 402, {}, '', access({}));
  assert.equal(status(checkSkipEvidence(pageRow('payment_required', bare), [])), 'failed');
  const licence = signed(`${ORIGIN}/lic`, 401, {}, '', access({ authenticate: 'License realm="x"' }));
  assert.equal(status(checkSkipEvidence(pageRow('license_required', licence), [])), 'supported');
  const bearer = signed(`${ORIGIN}/bearer`, 401, {}, '', access({ authenticate: 'Bearer' }));
  assert.equal(status(checkSkipEvidence(pageRow('license_required', bearer), [])), 'failed');
});
