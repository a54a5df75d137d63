import { z } from 'zod';
import { CAPTURE_BATCH_CONTENT_TYPE } from '../capture-batch.js';
import {
  captureBatchResponseSchema,
  captureResponseSchema,
  captureUploadSchema,
  challengeRequestSchema,
  challengeResponseSchema,
  failureReportSchema,
  failureResponseSchema,
  handBackRequestSchema,
  handBackResponseSchema,
  leaseRequestSchema,
  leaseResponseSchema,
  okSchema,
  sessionRequestSchema,
  sessionResponseSchema,
  signingKeyResponseSchema,
} from '../node-protocol-wire.js';
import {
  operatorFetchesQuerySchema,
  operatorFetchesSchema,
  referralTreeSchema,
} from '../operator-views-wire.js';
import { registerOperatorRequestSchema, registerOperatorResponseSchema } from '../operator-wire.js';
import { operatorStatusSchema } from '../rewards-wire.js';
import { json, key, NODE, PUBLIC, route } from './route.js';

/** Nodes (coordinator api/node-routes.ts, docs/PROTOCOL.md) and their operators (operator-routes.ts). */
const tag = 'nodes';

export const nodeRoutes = [
  route({
    method: 'POST',
    path: '/v1/nodes/challenge',
    tag,
    summary: 'A login challenge for a node key',
    rule: PUBLIC,
    body: challengeRequestSchema,
    responses: { 200: json(challengeResponseSchema) },
  }),
  route({
    method: 'POST',
    path: '/v1/nodes/session',
    tag,
    summary: 'A node session for a signed challenge (and its operator enrolment)',
    rule: PUBLIC,
    body: sessionRequestSchema,
    responses: { 200: json(sessionResponseSchema.required({ operator: true })) },
  }),
  route({
    method: 'POST',
    path: '/v1/nodes/lease',
    tag,
    summary: 'Lease URLs to fetch (long-polls up to waitMs)',
    rule: NODE,
    body: leaseRequestSchema,
    responses: { 200: json(leaseResponseSchema) },
  }),
  route({
    method: 'POST',
    path: '/v1/nodes/captures',
    tag,
    summary: 'Upload one signed capture and its body',
    rule: NODE,
    body: captureUploadSchema,
    responses: { 200: json(captureResponseSchema) },
  }),
  route({
    method: 'POST',
    path: '/v1/nodes/capture-batch',
    tag,
    summary: 'Upload several signed captures, bodies as bytes (core/capture-batch.ts)',
    rule: NODE,
    body: { contentType: CAPTURE_BATCH_CONTENT_TYPE, description: 'A capture batch', binary: true },
    responses: { 200: json(captureBatchResponseSchema, 'One answer per capture, in order') },
  }),
  route({
    method: 'POST',
    path: '/v1/nodes/failures',
    tag,
    summary: 'Report a lease that could not be fetched',
    rule: NODE,
    body: failureReportSchema,
    responses: { 200: json(failureResponseSchema) },
  }),
  route({
    method: 'POST',
    path: '/v1/nodes/heartbeat',
    tag,
    summary: 'The node is up',
    rule: NODE,
    responses: { 200: json(okSchema) },
  }),
  route({
    method: 'POST',
    path: '/v1/nodes/signing-key',
    tag,
    summary: 'A delegated Web Bot Auth signing key',
    rule: NODE,
    responses: { 200: json(signingKeyResponseSchema) },
  }),
  route({
    method: 'POST',
    path: '/v1/nodes/hand-back',
    tag,
    summary: 'Hand back unanswered leases (a restarted node)',
    rule: NODE,
    body: handBackRequestSchema,
    responses: { 200: json(handBackResponseSchema) },
  }),
  route({
    method: 'POST',
    path: '/v1/nodes/logout',
    tag,
    summary: 'Hand back unanswered leases and end the session',
    rule: NODE,
    body: handBackRequestSchema,
    responses: { 200: json(handBackResponseSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/rewards/node/status',
    tag: 'rewards',
    summary: "The node's operator's rewards status",
    rule: NODE,
    responses: { 200: json(operatorStatusSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/rewards/node/fetches',
    tag: 'rewards',
    summary: "The fetches of the node's operator's nodes, newest first (no customer named)",
    rule: NODE,
    query: operatorFetchesQuerySchema,
    responses: { 200: json(operatorFetchesSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/rewards/node/referrals',
    tag: 'rewards',
    summary: "The node's operator's referral subtree, with the referral points earned from each",
    rule: NODE,
    responses: { 200: json(referralTreeSchema) },
  }),
  route({
    method: 'POST',
    path: '/v1/operators',
    tag: 'operators',
    summary: 'Register an operator key (signed by that key); 201 when new',
    rule: PUBLIC,
    body: registerOperatorRequestSchema,
    responses: {
      200: json(registerOperatorResponseSchema, 'Already registered'),
      201: json(registerOperatorResponseSchema, 'Registered'),
    },
  }),
  route({
    method: 'GET',
    path: '/v1/admin/nodes',
    tag: 'operators',
    summary: 'Every node, most recently seen first (no addresses)',
    rule: key('operators:admin'),
    responses: {
      200: json(
        z.object({
          nodes: z.array(
            z.object({
              id: z.string(),
              operator: z.string().nullable(),
              createdAt: z.number(),
              lastSeen: z.number().nullable(),
              revokedAt: z.number().nullable(),
              credibility: z.number(),
            }),
          ),
        }),
      ),
    },
  }),
  route({
    method: 'POST',
    path: '/v1/admin/nodes/:nodeId/revoke',
    tag: 'operators',
    summary: 'Revoke a node: no new session, its leases go back to the queue',
    rule: key('operators:admin'),
    params: z.object({ nodeId: z.string() }),
    responses: {
      200: json(z.object({ nodeId: z.string(), revoked: z.boolean(), leasesTakenBack: z.number().int() })),
    },
  }),
  route({
    method: 'POST',
    path: '/v1/admin/operators/:operator/revoke',
    tag: 'operators',
    summary: 'Revoke an operator and every node of it',
    rule: key('operators:admin'),
    params: z.object({ operator: z.string() }),
    responses: {
      200: json(
        z.object({
          operator: z.string(),
          revoked: z.boolean(),
          nodes: z.array(z.string()),
          leasesTakenBack: z.number().int(),
        }),
      ),
    },
  }),
];
