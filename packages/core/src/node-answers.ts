// The node protocol's answers as a node reads them (docs/PROTOCOL.md v1), in zod/mini: a `sward node` then
// loads no classic zod, whose chunk (schemas, JSON Schema conversion, every locale: ~750 kB) held ~4 MiB of
// heap in every node (docs/BENCHMARKS.md, issue #14). The coordinator's contract takes these same shapes
// wrapped in classic objects (node-protocol-wire.ts, operator-wire.ts), so each field is written once.
import * as z from 'zod/mini';
// url() below asks URL.canParse: this puts Node 20's fast-API fault right first (can-parse-url.ts).
import './can-parse-url.js';

export const AUTH_PREFIX = 'sward-node-auth:v1:';
export const MAX_LEASES_PER_CALL = 64;
export const MAX_WAIT_MS = 25_000;

const nonEmpty = () => z.string().check(z.minLength(1));
const positiveInt = () => z.int().check(z.positive());

/**
 * What a lease tells the node about paying and licences for its URL (unknown fields ignored: a newer
 * coordinator may add some). `maxPrice` is what the node may pay
 * for this one page (the job's --max-price, lowered to what is left of its budget); absent, the node
 * offers nothing. `licenseToken` is sent as `Authorization: License <token>` to `licenseOrigin` only.
 */
export const leaseAccessSchema = z.object({
  maxPrice: z.optional(z.string().check(z.maxLength(40))),
  licenseOrigin: z.optional(z.string().check(z.maxLength(300))),
  licenseToken: z.optional(z.string().check(z.maxLength(4096))),
});
export type LeaseAccess = z.infer<typeof leaseAccessSchema>;

export const challengeResponseSchema = z.object({ nonce: nonEmpty(), expiresAt: z.string() });

export const sessionResponseSchema = z.object({
  token: nonEmpty(),
  expiresAt: z.string(),
  /** The account this node earns for. */
  operator: z.optional(z.string()),
});

export const leaseSchema = z.object({
  leaseId: nonEmpty(),
  jobId: nonEmpty(),
  url: z.url(),
  deadline: z.string(),
  timeoutMs: z.optional(positiveInt()),
  maxBytes: z.optional(positiveInt()),
  conditional: z.optional(z.object({ etag: z.optional(z.string()), lastModified: z.optional(z.string()) })),
  /** Pay-per-crawl ceiling and licence token for this URL; present from coordinators that know them. */
  access: z.optional(leaseAccessSchema),
});
export type Lease = z.infer<typeof leaseSchema>;
export const leaseResponseSchema = z.object({ leases: z.array(leaseSchema) });

export const captureResponseSchema = z.object({
  accepted: z.literal(true),
  captureId: z.string(),
  outcome: z.optional(z.string()),
  reason: z.optional(z.nullable(z.string())),
});

/**
 * POST /v1/nodes/capture-batch: one answer per capture, in the batch's order, and, when the batch's head
 * asked (`lease: {max}`), the node's next leases (none: nothing to lease now, or the node may not lease; its
 * own lease request says why). A coordinator that predates the ask answers no `leases`.
 */
export const captureBatchResponseSchema = z.object({
  results: z.array(
    z.union([
      captureResponseSchema,
      z.object({ accepted: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
    ]),
  ),
  leases: z.optional(z.array(leaseSchema)),
});
export type CaptureBatchAnswer = z.infer<typeof captureBatchResponseSchema>['results'][number];

export const handBackResponseSchema = z.object({ handedBack: z.int().check(z.gte(0)) });

/** POST /v1/nodes/signing-key: a delegated Web Bot Auth key, kept in memory only. */
export const signingKeyResponseSchema = z.object({
  keyid: z.string().check(z.minLength(1), z.maxLength(100)),
  jwk: z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string(), d: z.string() }),
  notBefore: z.string(),
  /** Sign with it from then on (it is in every cached copy of the directory by then); default notBefore. */
  useFrom: z.optional(z.string()),
  notAfter: z.string(),
  signatureAgent: z.url(),
});
export type SigningKeyResponse = z.infer<typeof signingKeyResponseSchema>;

export const operatorNameSchema = z
  .string()
  .check(
    z.regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
      'name must be 1-64 letters, digits, dots, dashes or underscores',
    ),
  );

export const referralCodeSchema = z
  .string()
  .check(
    z.regex(/^[A-Za-z0-9_-]{1,100}$/, 'referral code must be 1-100 letters, digits, dashes or underscores'),
  );

export const registerOperatorResponseSchema = z.object({
  operator: z.string(),
  name: z.nullable(z.string()),
  referralCode: z.string(),
  referredBy: z.nullable(z.string()),
  created: z.boolean(),
});
export type RegisterOperatorResponse = z.infer<typeof registerOperatorResponseSchema>;
