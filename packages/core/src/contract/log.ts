import { z } from 'zod';
import { fileAnchorEntrySchema } from '../anchor-verify.js';
import { checkpointInfoSchema, signedRecordSchema } from '../proof-wire.js';
import { spotCheckEpochSchema } from '../spot-check-selection.js';
import { json, PUBLIC, route } from './route.js';

/** The public provenance log (coordinator api/log-routes.ts): anyone may audit it. */
const tag = 'log';
const count = z.coerce.number().int().min(0);
const base64s = z.array(z.string());

export const inclusionProofsRequestSchema = z.object({
  size: z.number().int().min(1),
  indices: z.array(z.number().int().min(0)).max(5000),
});

export const logRoutes = [
  route({
    method: 'GET',
    path: '/v1/log/checkpoint',
    tag,
    summary: 'The latest signed checkpoint',
    rule: PUBLIC,
    responses: { 200: json(checkpointInfoSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/log/checkpoints',
    tag,
    summary: 'Signed checkpoints from a tree size on',
    rule: PUBLIC,
    query: z.object({ from: count.optional() }),
    responses: { 200: json(z.object({ checkpoints: z.array(checkpointInfoSchema) })) },
  }),
  route({
    method: 'GET',
    path: '/v1/log/key',
    tag,
    summary: "The log's note verifier key",
    rule: PUBLIC,
    responses: { 200: { contentType: 'text/plain', description: 'The C2SP verifier key, one line' } },
  }),
  route({
    method: 'GET',
    path: '/v1/log/anchor-chain',
    tag,
    summary: "Entries of this coordinator's anchor file, signed by the log key",
    rule: PUBLIC,
    query: z.object({ chain: z.string().optional(), from: count, to: count }),
    responses: { 200: json(z.object({ chain: z.string(), entries: z.array(fileAnchorEntrySchema) })) },
  }),
  route({
    method: 'GET',
    path: '/v1/log/proof/inclusion',
    tag,
    summary: 'Inclusion proof of one leaf in a tree size',
    rule: PUBLIC,
    query: z.object({ index: count, size: count }),
    responses: {
      200: json(z.object({ leafIndex: z.number().int(), treeSize: z.number().int(), hashes: base64s })),
    },
  }),
  route({
    method: 'POST',
    path: '/v1/log/proofs/inclusion',
    tag,
    summary: 'Inclusion proofs of up to 5,000 leaves in one tree size',
    rule: PUBLIC,
    body: inclusionProofsRequestSchema,
    responses: {
      200: json(z.object({ treeSize: z.number().int(), proofs: z.record(z.string(), base64s) })),
    },
  }),
  route({
    method: 'GET',
    path: '/v1/log/proof/consistency',
    tag,
    summary: 'Consistency proof between two tree sizes',
    rule: PUBLIC,
    query: z.object({ from: count, to: count }),
    responses: {
      200: json(z.object({ from: z.number().int(), to: z.number().int(), hashes: base64s })),
    },
  }),
  route({
    method: 'GET',
    path: '/v1/log/leaves/:index',
    tag,
    summary: 'One leaf: its capture id and signed record',
    rule: PUBLIC,
    params: z.object({ index: z.string() }),
    responses: { 200: json(z.object({ captureId: z.string(), record: signedRecordSchema })) },
  }),
  route({
    method: 'GET',
    path: '/v1/log/spot-check/epochs',
    tag,
    summary: 'Spot-check sampling keys: signed commitments, each key once its epoch is over',
    rule: PUBLIC,
    query: z.object({ from: count.optional() }),
    responses: {
      200: json(z.object({ origin: z.string(), epochMs: z.number(), epochs: z.array(spotCheckEpochSchema) })),
    },
  }),
  route({
    method: 'GET',
    path: '/v1/log/spot-check/draws/:captureId',
    tag,
    summary: 'Whether a capture was drawn for a spot check, and where its check stands',
    rule: PUBLIC,
    params: z.object({ captureId: z.string() }),
    responses: {
      200: json(
        z.object({
          captureId: z.string(),
          epoch: z.number().int(),
          selected: z.boolean(),
          // A drawn capture's check: `done` judged (agreed, or charged someone), `pending` not yet (queued, out
          // on lease, or a disagreement waiting for its tie-break), `not_run` no node took it in time, and
          // `unresolved` a disagreement whose tie-break no node took in time. Absent when not drawn.
          check: z.enum(['pending', 'done', 'not_run', 'unresolved']).optional(),
        }),
      ),
    },
  }),
];
