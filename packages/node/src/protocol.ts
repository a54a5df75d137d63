import { z } from 'zod';

/** Wire shapes of docs/PROTOCOL.md (v1) as the node reads them; unknown extra fields are ignored. */

export const AUTH_PREFIX = 'sward-node-auth:v1:';
export const MAX_LEASES_PER_CALL = 64;
export const MAX_WAIT_MS = 25_000;

export const challengeResponseSchema = z.object({ nonce: z.string().min(1), expiresAt: z.string() });
export const sessionResponseSchema = z.object({
  token: z.string().min(1),
  expiresAt: z.string(),
  /** The account this node earns for. */
  operator: z.string().optional(),
});

import { leaseAccessSchema } from '@sward/core/node-side';

export { registerOperatorResponseSchema } from '@sward/core/node-side';

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
export const handBackResponseSchema = z.object({ handedBack: z.number().int().min(0) });
export const captureResponseSchema = z.object({ accepted: z.literal(true), captureId: z.string() });

export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** POST /v1/nodes/capture-batch: one answer per capture, in the batch's order. */
export const captureBatchResponseSchema = z.object({
  results: z.array(
    z.union([
      z.object({ accepted: z.literal(true), captureId: z.string() }),
      z.object({ accepted: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
    ]),
  ),
});
export type CaptureBatchAnswer = z.infer<typeof captureBatchResponseSchema>['results'][number];

export interface FailureReport {
  readonly leaseId: string;
  readonly jobId: string;
  readonly url: string;
  readonly code: string;
  readonly message: string;
}

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
