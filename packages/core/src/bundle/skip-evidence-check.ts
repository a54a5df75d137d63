import { type Capture, captureIdOf, verifySignedCapture } from '../capture.js';
import type { ComplianceDocument } from '../compliance-wire.js';
import { sha256Hex } from '../hash.js';
import { headerSaysNoAi, ROBOTS_AGENT } from '../noai-header.js';
import { asksForLicense, parsePrice } from '../pay-per-crawl.js';
import { robotsVerdict } from '../policy/robots-rules.js';
import { parseTdmRep, tdmReserved } from '../policy/tdmrep-rules.js';
import type { SkipEvidence } from './bundle-rows.js';

/**
 * What a skipped.jsonl row's evidence shows:
 * - supported: the signed evidence verifies and, read offline, gives the row's reason;
 * - signed: the evidence verifies and is the answer the reason was read from, but the reason itself cannot
 *   be recomputed from what the bundle holds (a noai meta tag: the body is not kept; a Crawl-delay: the
 *   limit is the coordinator's setting; a robots.txt cut at 500 KiB);
 * - absent: no node got an answer, the row says so; nothing to check;
 * - failed: the evidence does not verify, is not the URL's, or contradicts the reason.
 */
export type SkipEvidenceVerdict =
  | { status: 'supported' | 'signed' | 'absent'; note: string }
  | { status: 'failed'; message: string };

interface SkipRowLike {
  url: string;
  reason: string;
  detail: string | null;
  captureId: string | null;
  evidence?: unknown;
}

function openCapture(signedCapture: unknown): Capture | string {
  try {
    return verifySignedCapture(signedCapture).capture;
  } catch (e) {
    return `the evidence's signature does not verify: ${(e as Error).message}`;
  }
}

/** What the page's own signed answer says about the row's reason. */
function pageReason(row: SkipRowLike, c: Capture): SkipEvidenceVerdict {
  const status = /^http_(\d{3})$/.exec(row.reason);
  if (status)
    return c.status === Number(status[1])
      ? { status: 'supported', note: `signed status ${c.status}` }
      : { status: 'failed', message: `reason ${row.reason} but the signed capture's status is ${c.status}` };
  if (row.reason === 'redirect_loop' || row.reason === 'too_many_redirects')
    return c.status >= 300 && c.status < 400
      ? { status: 'signed', note: `signed status ${c.status} after ${c.redirects.length} redirects` }
      : { status: 'failed', message: `reason ${row.reason} but the signed capture's status is ${c.status}` };
  if (row.reason === 'tdmrep' && c.headers['tdm-reservation'] !== undefined)
    return c.headers['tdm-reservation'].trim() === '1'
      ? { status: 'supported', note: 'signed tdm-reservation: 1 header' }
      : {
          status: 'failed',
          message: `reason tdmrep but the signed tdm-reservation header is "${c.headers['tdm-reservation']}"`,
        };
  if (row.reason === 'noai') {
    if (headerSaysNoAi(c.headers['x-robots-tag'], ROBOTS_AGENT))
      return { status: 'supported', note: 'signed X-Robots-Tag: noai header' };
    if (/meta/i.test(row.detail ?? ''))
      return { status: 'signed', note: 'noai in the page body, which is never kept' };
    return {
      status: 'failed',
      message: 'reason noai but no signed header says noai, and no meta tag is named',
    };
  }
  if (row.reason === 'tdmrep')
    return {
      status: 'failed',
      message: 'reason tdmrep but the signed capture has no tdm-reservation header',
    };
  const access = accessReason(row, c);
  if (access) return access;
  return { status: 'signed', note: `${row.reason} is not read from the answer itself` };
}

/**
 * Pay-per-crawl and licence skips, from the capture's signed `access` record: a 402 with the site's price
 * (and, for the price and budget reasons, a price over what the node offered), or a 401 asking for a licence.
 * Whether the price was over the job's --max-price rather than the budget's rest is the job's setting: the
 * signed answer shows only that it was over the offer.
 */
function accessReason(row: SkipRowLike, c: Capture): SkipEvidenceVerdict | null {
  const failed = (why: string): SkipEvidenceVerdict => ({
    status: 'failed',
    message: `reason ${row.reason} but ${why}`,
  });
  if (row.reason === 'license_required')
    return c.status === 401 && asksForLicense(c.access?.authenticate)
      ? { status: 'supported', note: 'signed 401 with WWW-Authenticate: License' }
      : failed(`the signed capture is not a 401 asking for a licence (status ${c.status})`);
  if (!PAYMENT_REASONS.has(row.reason)) return null;
  const asked = parsePrice(c.access?.price);
  if (c.status !== 402 || !asked)
    return failed(`the signed capture is not a 402 with a crawler-price (status ${c.status})`);
  if (row.reason === 'payment_required')
    return { status: 'supported', note: `signed 402, crawler-price: ${c.access?.price}` };
  const offered = parsePrice(c.access?.offer?.price);
  if (offered && offered.currency === asked.currency && offered.micros >= asked.micros)
    return failed(`the node offered ${c.access?.offer?.price}, enough for crawler-price ${c.access?.price}`);
  return {
    status: 'supported',
    note: `signed 402, crawler-price ${c.access?.price} over the offer ${c.access?.offer?.price ?? '(none)'}`,
  };
}

const PAYMENT_REASONS = new Set(['payment_required', 'price_above_max', 'budget_exhausted']);

/** What the policy answer (an entry of compliance.json) says about the row's reason. */
function policyReason(
  row: SkipRowLike,
  e: Extract<SkipEvidence, { kind: 'policy' }>,
  docs: readonly ComplianceDocument[],
): SkipEvidenceVerdict {
  const doc = docs.find((d) => d.kind === e.policy && d.url === e.url && d.captureId === e.captureId);
  if (!doc)
    return {
      status: 'failed',
      message: `its ${e.policy} answer ${e.url} (${e.captureId}) is not in compliance.json`,
    };
  let origin: string;
  try {
    origin = new URL(row.url).origin;
  } catch {
    return { status: 'failed', message: `${row.url} is not a URL` };
  }
  if (doc.origin !== origin)
    return { status: 'failed', message: `its ${e.policy} answer is for ${doc.origin}, not ${origin}` };
  if (doc.signedCapture === null || e.captureId === null)
    return {
      status: 'absent',
      note: `no node got an answer for ${doc.url}${doc.detail ? `: ${doc.detail}` : ''}`,
    };
  const c = openCapture(doc.signedCapture);
  if (typeof c === 'string') return { status: 'failed', message: c };
  if (captureIdOf(verifySignedCapture(doc.signedCapture)) !== e.captureId)
    return { status: 'failed', message: `compliance.json's capture for ${doc.url} is not ${e.captureId}` };
  if (c.requestedUrl !== doc.url || c.bodySha256 !== doc.bodySha256 || e.bodySha256 !== c.bodySha256)
    return {
      status: 'failed',
      message: `the signed capture of ${doc.url} does not match its compliance.json entry`,
    };
  if (row.reason === 'robots_unavailable')
    return c.status >= 500
      ? { status: 'supported', note: `robots.txt answered ${c.status}, signed` }
      : {
          status: 'failed',
          message: `reason robots_unavailable but robots.txt answered ${c.status} (signed)`,
        };
  if (row.reason === 'robots' && c.status >= 400)
    return {
      status: 'failed',
      message: `reason robots but robots.txt answered ${c.status} (signed): that allows all`,
    };
  // The text as kept is the signed body when its hash says so (a robots.txt over 500 KiB is cut): then the
  // rule is re-read here, with the coordinator's own parser.
  if (doc.text === null || sha256Hex(Buffer.from(doc.text, 'utf8')) !== c.bodySha256)
    return {
      status: 'signed',
      note: `${e.policy} answer signed; its full text is not in the bundle to re-read the rule`,
    };
  if (e.policy === 'tdmrep')
    return tdmReserved(parseTdmRep(doc.text), row.url)
      ? { status: 'supported', note: 'tdmrep.json reserves it, re-read' }
      : { status: 'failed', message: `the signed tdmrep.json does not reserve ${row.url}` };
  const verdict = robotsVerdict(origin, 'fetched', doc.text, row.url);
  if (row.reason === 'robots')
    return verdict.allowed
      ? { status: 'failed', message: `the signed robots.txt allows ${row.url} for ${ROBOTS_AGENT}` }
      : { status: 'supported', note: `robots.txt disallows it for ${ROBOTS_AGENT}, re-read` };
  if (row.reason === 'crawl_delay_too_long')
    return verdict.crawlDelayMs > 0
      ? {
          status: 'signed',
          note: `robots.txt asks a Crawl-delay of ${verdict.crawlDelayMs / 1000} s; the limit is the coordinator's setting`,
        }
      : {
          status: 'failed',
          message: 'reason crawl_delay_too_long but the signed robots.txt sets no Crawl-delay',
        };
  return { status: 'signed', note: `${row.reason} is not read from robots.txt` };
}

/** Checks one skipped.jsonl row's evidence (see SkipEvidenceVerdict). */
export function checkSkipEvidence(
  row: SkipRowLike,
  docs: readonly ComplianceDocument[],
): SkipEvidenceVerdict {
  const e = row.evidence as SkipEvidence | undefined;
  if (!e || typeof e !== 'object') return { status: 'failed', message: 'the row carries no evidence field' };
  if (e.kind === 'none') return { status: 'absent', note: e.why };
  if (e.kind === 'policy') return policyReason(row, e, docs);
  if (e.kind !== 'capture')
    return { status: 'failed', message: `unknown evidence kind ${String((e as { kind: unknown }).kind)}` };
  const c = openCapture(e.signedCapture);
  if (typeof c === 'string') return { status: 'failed', message: c };
  if (c.requestedUrl !== row.url)
    return { status: 'failed', message: `the signed capture is of ${c.requestedUrl}, not ${row.url}` };
  if (row.captureId !== captureIdOf(verifySignedCapture(e.signedCapture)))
    return { status: 'failed', message: `the signed capture is not ${row.captureId}` };
  return pageReason(row, c);
}
