import { z } from 'zod';
import { FETCH_FAILURE_CODES } from './fetch-failure.js';
import { enrolmentSchema } from './operator-wire.js';
import { leaseAccessSchema } from './pay-per-crawl.js';

/**
 * The node protocol's wire shapes (docs/PROTOCOL.md v1, /v1/nodes/*), read by the coordinator's routes
 * and the node daemon, and described by the API contract (contract/nodes.ts). Answers are read leniently
 * (unknown extra fields are ignored) so an older node talks to a newer coordinator.
 */

export const AUTH_PREFIX = 'sward-node-auth:v1:';
export const MAX_LEASES_PER_CALL = 64;
export const MAX_WAIT_MS = 25_000;

export const nodeIdSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'nodeId must be the 64-hex ed25519 public key');

const OPERATOR_NAME_GONE =
  'no longer accepted: register the operator key (POST /v1/operators) and send its enrolment (docs/PROTOCOL.md)';

export const challengeRequestSchema = z.object({ nodeId: nodeIdSchema });
export const challengeResponseSchema = z.object({ nonce: z.string().min(1), expiresAt: z.string() });

export const sessionRequestSchema = z.object({
  nodeId: nodeIdSchema,
  nonce: z.string().min(1).max(200),
  signature: z.string().max(200),
  version: z.string().max(50).optional(),
  // Kept for old nodes, never used as evidence of anything (docs/REWARDS.md).
  fingerprint: z.string().max(200).optional(),
  /** The operator's signature over this node id (docs/PROTOCOL.md "Operators"). */
  enrolment: enrolmentSchema.optional(),
  // Names are not credentials: refused with the reason, so an old node learns it must enrol.
  operator: z.never({ error: OPERATOR_NAME_GONE }).optional(),
  referralCode: z.never({ error: OPERATOR_NAME_GONE }).optional(),
});
export const sessionResponseSchema = z.object({
  token: z.string().min(1),
  expiresAt: z.string(),
  /** The account this node earns for. */
  operator: z.string().optional(),
});

export const leaseRequestSchema = z.object({
  max: z.number().int().min(1).max(MAX_LEASES_PER_CALL).default(1),
  waitMs: z.number().int().min(0).max(MAX_WAIT_MS).default(0),
});
export const leaseSchema = z.object({
  leaseId: z.string().min(1),
  jobId: z.string().min(1),
  url: z.string().url(),
  deadline: z.string(),
  timeoutMs: z.number().int().positive().optional(),
  maxBytes: z.number().int().positive().optional(),
  conditional: z.object({ etag: z.string().optional(), lastModified: z.string().optional() }).optional(),
  /** Pay-per-crawl ceiling and licence token for this URL; present from coordinators that know them. */
  access: leaseAccessSchema.optional(),
});
export type Lease = z.infer<typeof leaseSchema>;
export const leaseResponseSchema = z.object({ leases: z.array(leaseSchema) });

/** What a node posts: the signed capture plus the raw body, base64 in JSON (docs/PROTOCOL.md). */
export const captureUploadSchema = z.object({
  capture: z.unknown(),
  signature: z.unknown(),
  body: z.string().max(30 * 1024 * 1024, 'body is over the 30 MB base64 upload limit'),
});
export const captureResponseSchema = z.object({
  accepted: z.literal(true),
  captureId: z.string(),
  outcome: z.string().optional(),
  reason: z.string().nullable().optional(),
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
  leases: z.array(leaseSchema).optional(),
});
export type CaptureBatchAnswer = z.infer<typeof captureBatchResponseSchema>['results'][number];

export const failureReportSchema = z
  .object({
    leaseId: z.string().min(1).max(100),
    jobId: z.string().min(1).max(100),
    url: z.string().max(8192),
    code: z.enum(FETCH_FAILURE_CODES),
    message: z.string().max(2000).default(''),
  })
  .strict();
export type FailureReport = z.infer<typeof failureReportSchema>;
export const failureResponseSchema = z.object({ outcome: z.string() });

/**
 * A stopping node (logout) or a restarted one (hand-back, before its first lease) returns what it holds
 * unanswered; `keep` names leases of finished captures the node still means to upload (its spool).
 */
export const handBackRequestSchema = z.object({
  keep: z.array(z.string().min(1).max(100)).max(10_000).default([]),
});
export const handBackResponseSchema = z.object({ handedBack: z.number().int().min(0) });

/** POST /v1/nodes/signing-key: a delegated Web Bot Auth key, kept in memory only. */
export const signingKeyResponseSchema = z.object({
  keyid: z.string().min(1).max(100),
  jwk: z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string(), d: z.string() }),
  notBefore: z.string(),
  /** Sign with it from then on (it is in every cached copy of the directory by then); default notBefore. */
  useFrom: z.string().optional(),
  notAfter: z.string(),
  signatureAgent: z.string().url(),
});
export type SigningKeyResponse = z.infer<typeof signingKeyResponseSchema>;

export const okSchema = z.object({ ok: z.literal(true) });
