import { z } from 'zod';

/**
 * API keys, their roles and scopes: the shapes of /v1/keys shared by the coordinator and the SDK.
 * A key belongs to one tenant; customer objects (jobs, collections, labelling projects…) belong to the
 * tenant, so every key of a tenant sees them and no key of another tenant does.
 */
export const ROLES = ['customer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = [
  'crawl',
  'collections',
  'labelling:owner',
  'keys:admin',
  'rewards:admin',
  'operators:admin',
  'network:admin',
  'metrics:read',
  // a site owner: claim domains, prove control, set terms for their pages
  'creator',
  // the dataset catalogue: publish and deprecate the tenant's builds; see and download published versions
  'datasets:publish',
  'datasets:read',
] as const;
export type Scope = (typeof SCOPES)[number];

/** Network-wide powers (rewards; operators; takedowns and the audit log): only an admin key may hold them. */
export const ADMIN_ONLY_SCOPES: readonly Scope[] = [
  'rewards:admin',
  'operators:admin',
  'network:admin',
  // network-wide figures, every running job's queue among them
  'metrics:read',
];
/** What a new customer key gets when no scopes are named. */
export const DEFAULT_CUSTOMER_SCOPES: readonly Scope[] = ['crawl', 'collections', 'labelling:owner'];

export const DEFAULT_TENANT = 'default';

export const tenantNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'tenant must be 1-63 lowercase letters, digits or dashes');

export const createKeyRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(100).default('customer'),
    /** Default: the caller's own tenant. Only an admin key may name another. */
    tenant: tenantNameSchema.optional(),
    role: z.enum(ROLES).default('customer'),
    /** Default: every scope for an admin, crawl + collections + labelling:owner for a customer. */
    scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length).optional(),
    /** ISO 8601 time after which the key no longer works. */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    /** Admin keys only may set these: the key's own limits instead of the coordinator's (0: none). */
    requestsPerMinute: z.number().int().min(0).max(1_000_000_000).optional(),
    pagesPerDay: z.number().int().min(0).max(1_000_000_000).optional(),
  })
  .strict();
export type CreateKeyRequest = z.input<typeof createKeyRequestSchema>;

/** GET /v1/keys/me: the calling key, for a client deciding what to offer (the server still checks). */
export const keyIdentitySchema = z.object({
  id: z.string(),
  name: z.string(),
  tenant: z.string(),
  role: z.enum(ROLES),
  /** What the key may do; an admin key holds every scope. */
  scopes: z.array(z.enum(SCOPES)),
});
export type KeyIdentity = z.output<typeof keyIdentitySchema>;

export const apiKeyInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  tenant: z.string(),
  role: z.enum(ROLES),
  scopes: z.array(z.enum(SCOPES)),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  /** Present when the key has its own limit instead of the coordinator's default (0: no limit). */
  requestsPerMinute: z.number().int().optional(),
  pagesPerDay: z.number().int().optional(),
});
export type ApiKeyInfo = z.output<typeof apiKeyInfoSchema>;

/** The answer to create and rotate: the secret is shown this once; only its hash is stored. */
export const newApiKeySchema = apiKeyInfoSchema.extend({
  key: z.string(),
  /** Rotation only: the key this one replaces (now revoked). */
  replaces: z.string().optional(),
});
export type NewApiKey = z.output<typeof newApiKeySchema>;
