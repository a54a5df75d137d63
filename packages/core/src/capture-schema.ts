// The signed capture's schema (capture.ts tells what a capture is), in zod/mini for the same reason as
// rights-receipt-schema.ts: the browser's proof check parses the record it is shown, and zod/mini keeps
// that check's bundle small.
import * as z from 'zod/mini';
// url() below asks URL.canParse: this puts Node 20's fast-API fault right first (can-parse-url.ts).
import './can-parse-url.js';
import { CRAWLER_EXACT_PRICE, CRAWLER_MAX_PRICE } from './crawler-headers.js';
import { rightsReceiptSchema } from './rights-receipt-schema.js';
import { SIGNED_HEADERS } from './signed-headers.js';

const hex64 = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters'));
const isoTime = z.iso.datetime({ offset: true });
const headerValue = z.nullable(z.string().check(z.maxLength(512)));

/**
 * What the node offered and what the site said about access to the final response, inside the signed
 * capture so a charge is provable (pay-per-crawl.ts): the price header of the last request (`offer`), the
 * site's `crawler-price`, `crawler-charged` and `crawler-error`, whether a licence token went with the last
 * request, and the `WWW-Authenticate` of a 401. A node sends it only for a lease that carried `access`.
 */
export const captureAccessSchema = z.strictObject({
  offer: z.nullable(
    z.strictObject({
      header: z.enum([CRAWLER_MAX_PRICE, CRAWLER_EXACT_PRICE]),
      price: z.string().check(z.maxLength(40)),
    }),
  ),
  price: headerValue,
  charged: headerValue,
  error: headerValue,
  license: z.boolean(),
  authenticate: headerValue,
});
export type CaptureAccess = z.infer<typeof captureAccessSchema>;

export const redirectHopSchema = z.object({
  url: z.url(),
  status: z.int().check(z.minimum(300), z.maximum(399)),
  location: z.string().check(z.maxLength(8192)),
});

export const captureSchema = z.strictObject({
  v: z.literal(1),
  jobId: z.string().check(z.minLength(1), z.maxLength(100)),
  leaseId: z.string().check(z.minLength(1), z.maxLength(100)),
  nodeId: hex64,
  requestedUrl: z.url().check(z.maxLength(8192)),
  finalUrl: z.url().check(z.maxLength(8192)),
  redirects: z.array(redirectHopSchema).check(z.maxLength(20)),
  status: z.int().check(z.minimum(100), z.maximum(599)),
  headers: z.partialRecord(z.enum(SIGNED_HEADERS), z.string().check(z.maxLength(8192))),
  bodySha256: hex64,
  bodyLength: z.int().check(z.minimum(0)),
  fetchStart: isoTime,
  fetchEnd: isoTime,
  tlsCertSha256: z.nullable(hex64),
  ip: z.string().check(z.minLength(2), z.maxLength(64)),
  /** Pay-per-crawl and licence facts of the final response (pay-per-crawl.ts); only for leases that ask. */
  access: z.optional(captureAccessSchema),
});

export type Capture = z.infer<typeof captureSchema>;
export type RedirectHop = z.infer<typeof redirectHopSchema>;

/**
 * A log leaf: the node's signed capture and, for a page, the coordinator's rights receipt (rights-receipt.ts).
 * The node's signature covers `capture` only; the receipt is the coordinator's statement, committed to by the
 * log's signed checkpoints like the rest of the leaf. Leaves from before receipts have no `rights`.
 */
export const signedCaptureSchema = z.strictObject({
  capture: captureSchema,
  rights: z.optional(rightsReceiptSchema),
  signature: z.string().check(z.regex(/^[A-Za-z0-9+/]{86}==$/, 'expected a base64 ed25519 signature')),
});

export type SignedCapture = z.infer<typeof signedCaptureSchema>;
