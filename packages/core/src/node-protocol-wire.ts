import { z } from 'zod';
import { FETCH_FAILURE_CODES } from './fetch-failure.js';
import * as answers from './node-answers.js';
import { MAX_LEASES_PER_CALL, MAX_WAIT_MS } from './node-answers.js';
import { enrolmentSchema } from './operator-wire.js';

/**
 * The node protocol's wire shapes (docs/PROTOCOL.md v1, /v1/nodes/*), read by the coordinator's routes
 * and described by the API contract (contract/nodes.ts). Answers are read leniently (unknown extra fields
 * are ignored) so an older node talks to a newer coordinator; their fields are node-answers.ts's, the
 * zod/mini shapes the node daemon reads them with, wrapped here in classic objects for the contract.
 */

export { AUTH_PREFIX, MAX_LEASES_PER_CALL, MAX_WAIT_MS } from './node-answers.js';

export const nodeIdSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'nodeId must be the 64-hex ed25519 public key');

const OPERATOR_NAME_GONE =
  'no longer accepted: register the operator key (POST /v1/operators) and send its enrolment (docs/PROTOCOL.md)';

export const challengeRequestSchema = z.object({ nodeId: nodeIdSchema });
export const challengeResponseSchema = z.object(answers.challengeResponseSchema.shape);

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
export const sessionResponseSchema = z.object(answers.sessionResponseSchema.shape);

export const leaseRequestSchema = z.object({
  max: z.number().int().min(1).max(MAX_LEASES_PER_CALL).default(1),
  waitMs: z.number().int().min(0).max(MAX_WAIT_MS).default(0),
});
export const leaseSchema = z.object(answers.leaseSchema.shape);
export type Lease = z.infer<typeof leaseSchema>;
// Built of the classic leaseSchema: contract/components.ts names it (Lease) in the OpenAPI document.
export const leaseResponseSchema = z.object({ leases: z.array(leaseSchema) });

/** What a node posts: the signed capture plus the raw body, base64 in JSON (docs/PROTOCOL.md). */
export const captureUploadSchema = z.object({
  capture: z.unknown(),
  signature: z.unknown(),
  body: z.string().max(30 * 1024 * 1024, 'body is over the 30 MB base64 upload limit'),
});
export const captureResponseSchema = z.object(answers.captureResponseSchema.shape);

/** POST /v1/nodes/capture-batch's answer (node-answers.ts). */
export const captureBatchResponseSchema = z.object({
  ...answers.captureBatchResponseSchema.shape,
  leases: z.array(leaseSchema).optional(),
});
export type CaptureBatchAnswer = answers.CaptureBatchAnswer;

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
export const handBackResponseSchema = z.object(answers.handBackResponseSchema.shape);

/** POST /v1/nodes/signing-key: a delegated Web Bot Auth key, kept in memory only. */
export const signingKeyResponseSchema = z.object(answers.signingKeyResponseSchema.shape);
export type SigningKeyResponse = z.infer<typeof signingKeyResponseSchema>;

export const okSchema = z.object({ ok: z.literal(true) });
