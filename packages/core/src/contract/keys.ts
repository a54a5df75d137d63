import { z } from 'zod';
import {
  apiKeyInfoSchema,
  createKeyRequestSchema,
  keyIdentitySchema,
  newApiKeySchema,
  tenantNameSchema,
} from '../keys-wire.js';
import { ANY_KEY, json, key, route } from './route.js';

/** API keys (coordinator api/key-routes.ts): a tenant's own; an admin key manages every tenant's. */
const tag = 'keys';
const rule = key('keys:admin');
const params = z.object({ id: z.string() });

export const keysListQuerySchema = z.object({ tenant: tenantNameSchema.optional() }).strict();

export const keyRoutes = [
  route({
    method: 'GET',
    path: '/v1/keys/me',
    tag,
    summary: 'The calling key: its tenant, role and scopes (for a client deciding what to offer)',
    rule: ANY_KEY,
    responses: { 200: json(keyIdentitySchema) },
  }),
  route({
    method: 'POST',
    path: '/v1/keys',
    tag,
    summary: 'Create an API key (its secret is shown this once)',
    rule,
    body: createKeyRequestSchema,
    responses: { 201: json(newApiKeySchema, 'The new key') },
  }),
  route({
    method: 'GET',
    path: '/v1/keys',
    tag,
    summary: "The tenant's keys (an admin key: every tenant's, or one tenant's)",
    rule,
    query: keysListQuerySchema,
    responses: { 200: json(z.object({ keys: z.array(apiKeyInfoSchema) })) },
  }),
  route({
    method: 'POST',
    path: '/v1/keys/:id/revoke',
    tag,
    summary: 'Revoke a key',
    rule,
    params,
    responses: { 200: json(apiKeyInfoSchema) },
  }),
  route({
    method: 'POST',
    path: '/v1/keys/:id/rotate',
    tag,
    summary: 'Replace a key by a new one with the same rights',
    rule,
    params,
    responses: { 201: json(newApiKeySchema, 'The new key; the old one is revoked') },
  }),
];
