import { z } from 'zod';
import {
  creatorClaimInfoSchema,
  creatorClaimRequestSchema,
  creatorStatementSchema,
  creatorTermsSchema,
  publicDomainTermsSchema,
} from '../creator-wire.js';
import { createTakedownRequestSchema, takedownInfoSchema } from '../takedown.js';
import { json, key, PUBLIC, route } from './route.js';

/** Takedowns and the audit log (takedown-routes.ts, audit-routes.ts); creators (creator-routes.ts). */

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  /** The API key id that acted, or `local:<user>` for the CLI on the database. */
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntry = z.output<typeof auditEntrySchema>;

export const auditQuerySchema = z
  .object({
    after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    action: z
      .string()
      .regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'an action such as key.revoke')
      .optional(),
  })
  .strict();

export const takedownListQuerySchema = z
  .object({
    after: z.string().max(100).default(''),
    limit: z.coerce.number().int().min(1).max(1000).default(1000),
  })
  .strict();

const domain = z.object({ domain: z.string() });

export const adminRoutes = [
  route({
    method: 'POST',
    path: '/v1/takedowns',
    tag: 'takedowns',
    summary: 'File a takedown (201 when new, 200 when it was already filed)',
    rule: key('network:admin'),
    body: createTakedownRequestSchema,
    responses: { 200: json(takedownInfoSchema, 'Already filed'), 201: json(takedownInfoSchema, 'Filed') },
  }),
  route({
    method: 'GET',
    path: '/v1/takedowns',
    tag: 'takedowns',
    summary: 'Every takedown: what was removed, when and why',
    rule: PUBLIC,
    query: takedownListQuerySchema,
    responses: {
      200: json(z.object({ takedowns: z.array(takedownInfoSchema), next: z.string().nullable() })),
    },
  }),
  route({
    method: 'GET',
    path: '/v1/audit',
    tag: 'audit',
    summary: 'The admin actions, oldest first',
    rule: key('network:admin'),
    query: auditQuerySchema,
    responses: {
      200: json(z.object({ entries: z.array(auditEntrySchema), next: z.number().int().nullable() })),
    },
  }),
  route({
    method: 'POST',
    path: '/v1/creator/claims',
    tag: 'creators',
    summary: 'Claim a domain',
    rule: key('creator'),
    body: creatorClaimRequestSchema,
    responses: { 201: json(creatorClaimInfoSchema, 'The claim and how to prove it') },
  }),
  route({
    method: 'GET',
    path: '/v1/creator/claims',
    tag: 'creators',
    summary: "The tenant's domain claims",
    rule: key('creator'),
    responses: { 200: json(z.object({ claims: z.array(creatorClaimInfoSchema) })) },
  }),
  route({
    method: 'POST',
    path: '/v1/creator/claims/:domain/verify',
    tag: 'creators',
    summary: 'Check the proof of control (well-known file or DNS TXT)',
    rule: key('creator'),
    params: domain,
    responses: { 200: json(creatorClaimInfoSchema) },
  }),
  route({
    method: 'PUT',
    path: '/v1/creator/claims/:domain/terms',
    tag: 'creators',
    summary: "Set a verified domain's terms (a new version)",
    rule: key('creator'),
    params: domain,
    body: creatorTermsSchema,
    responses: { 200: json(creatorClaimInfoSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/creator/statement',
    tag: 'creators',
    summary: "The tenant's statement per epoch: pages under its terms by purpose, charged and earned",
    rule: key('creator'),
    query: z.object({ epoch: z.coerce.number().int().min(0).optional() }),
    responses: { 200: json(creatorStatementSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/terms/:domain',
    tag: 'creators',
    summary: "A domain's terms in force",
    rule: PUBLIC,
    params: domain,
    responses: { 200: json(publicDomainTermsSchema) },
  }),
];
