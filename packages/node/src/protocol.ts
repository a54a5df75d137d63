import * as z from 'zod/mini';
import './zod-messages.js';

/** Wire shapes of docs/PROTOCOL.md (v1) as the node reads them: core's, shared with the coordinator's routes. */
export {
  AUTH_PREFIX,
  type CaptureBatchAnswer,
  captureBatchResponseSchema,
  captureResponseSchema,
  challengeResponseSchema,
  handBackResponseSchema,
  type Lease,
  leaseResponseSchema,
  leaseSchema,
  MAX_LEASES_PER_CALL,
  MAX_WAIT_MS,
  registerOperatorResponseSchema,
  type SigningKeyResponse,
  sessionResponseSchema,
  signingKeyResponseSchema,
} from '@sward/core/node-side';

export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export interface FailureReport {
  readonly leaseId: string;
  readonly jobId: string;
  readonly url: string;
  readonly code: string;
  readonly message: string;
}
