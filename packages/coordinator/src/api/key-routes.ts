import {
  ADMIN_ONLY_SCOPES,
  type ApiKeyInfo,
  createKeyRequestSchema,
  DEFAULT_CUSTOMER_SCOPES,
  type KeyIdentity,
  keysListQuerySchema,
  SCOPES,
  type Scope,
} from '@sward/core';
import { type Context, Hono } from 'hono';
import type { z } from 'zod';
import { CoordinatorError } from '../errors.js';
import { recordAudit } from '../store/audit-store.js';
import type { ApiKeyRow, Principal } from '../store/auth-store.js';
import type { Store } from '../store/store.js';
import { type KeyEnv, principal } from './authorize.js';
import { parseBody, parseQuery } from './parse-body.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export const keyInfo = (k: ApiKeyRow): ApiKeyInfo => ({
  id: k.id,
  name: k.name,
  tenant: k.tenant,
  role: k.role,
  scopes: k.scopes,
  createdAt: new Date(k.createdAt).toISOString(),
  expiresAt: iso(k.expiresAt),
  lastUsedAt: iso(k.lastUsedAt),
  revokedAt: iso(k.revokedAt),
  ...(k.requestsPerMinute !== null ? { requestsPerMinute: k.requestsPerMinute } : {}),
  ...(k.pagesPerDay !== null ? { pagesPerDay: k.pagesPerDay } : {}),
});

/**
 * What a new key may be, given who asks: an admin key may make any key for any tenant; a customer key
 * with keys:admin only customer keys of its own tenant, holding no scope it lacks itself.
 */
export function checkNewKey(
  caller: Principal | null,
  req: z.output<typeof createKeyRequestSchema>,
  now = Date.now(),
) {
  const tenant = req.tenant ?? caller?.tenant;
  if (!tenant) throw new CoordinatorError('BAD_REQUEST', 'tenant: name the tenant of the new key');
  if (req.role === 'admin' && req.scopes !== undefined)
    throw new CoordinatorError('BAD_REQUEST', 'scopes: an admin key holds every scope; name none');
  const scopes: Scope[] = req.role === 'admin' ? [...SCOPES] : [...(req.scopes ?? DEFAULT_CUSTOMER_SCOPES)];
  const adminOnly = scopes.filter((s) => ADMIN_ONLY_SCOPES.includes(s));
  if (req.role === 'customer' && adminOnly.length)
    throw new CoordinatorError('BAD_REQUEST', `scopes: ${adminOnly.join(', ')} is for admin keys only`);
  const expiresAt = req.expiresAt === undefined ? null : Date.parse(req.expiresAt);
  if (expiresAt !== null && expiresAt <= now)
    throw new CoordinatorError('BAD_REQUEST', 'expiresAt: the time is already past');
  if (caller && caller.role !== 'admin') {
    if (tenant !== caller.tenant)
      throw new CoordinatorError('FORBIDDEN', 'only an admin key may create keys for another tenant');
    if (req.role === 'admin')
      throw new CoordinatorError('FORBIDDEN', 'only an admin key may create admin keys');
    if (req.requestsPerMinute !== undefined || req.pagesPerDay !== undefined)
      throw new CoordinatorError('FORBIDDEN', "only an admin key may set a key's limits");
    const extra = scopes.filter((s) => !caller.scopes.has(s));
    if (extra.length)
      throw new CoordinatorError(
        'FORBIDDEN',
        `scopes: this key cannot grant ${extra.join(', ')}, it lacks them`,
      );
  }
  return {
    name: req.name,
    tenant,
    role: req.role,
    scopes,
    expiresAt,
    // A customer's key spends its maker's counters under its maker's limits: making keys (or rotating
    // them, auth-store.ts) never multiplies what an admin allowed.
    ...(caller && caller.role !== 'admin'
      ? {
          requestsPerMinute: caller.requestsPerMinute,
          pagesPerDay: caller.pagesPerDay,
          quotaKey: caller.quotaKey,
        }
      : { requestsPerMinute: req.requestsPerMinute ?? null, pagesPerDay: req.pagesPerDay ?? null }),
  };
}

/** /v1/keys: create, list, revoke and rotate API keys (scope keys:admin, checked by api/authorize.ts). */
export function keyRoutes({ store }: { store: Store }): Hono<KeyEnv> {
  const r = new Hono<KeyEnv>();

  /** The key named in the path, if the caller may manage it; another tenant's is simply not there. */
  const managed = async (c: Context<KeyEnv>): Promise<ApiKeyRow> => {
    const me = principal(c);
    const id = c.req.param('id') as string;
    const k = await store.auth.getApiKey(id);
    if (!k || (me.role !== 'admin' && k.tenant !== me.tenant))
      throw new CoordinatorError('NOT_FOUND', `no API key ${id}`);
    if (me.role !== 'admin' && k.role === 'admin')
      throw new CoordinatorError('FORBIDDEN', 'only an admin key may revoke or rotate an admin key');
    return k;
  };

  /** The calling key itself (any key, route-rules.ts anyKey): what the console may show it. */
  r.get('/me', async (c) => {
    const me = principal(c);
    const answer: KeyIdentity = {
      id: me.keyId,
      name: me.name,
      tenant: me.tenant,
      role: me.role,
      scopes: me.role === 'admin' ? [...SCOPES] : [...me.scopes],
    };
    return c.json(answer);
  });

  r.post('/', async (c) => {
    const req = await parseBody(c, createKeyRequestSchema);
    const k = checkNewKey(principal(c), req);
    const { id, key } = await store.auth.createApiKey(k);
    // who made a key, for whom and with what rights: a key is the power to act, so its birth is audited too
    await recordAudit(store.db, {
      actor: principal(c).keyId,
      action: 'key.create',
      target: id,
      detail: { tenant: k.tenant, role: k.role, scopes: [...k.scopes] },
    });
    return c.json({ ...keyInfo((await store.auth.getApiKey(id)) as ApiKeyRow), key }, 201);
  });

  r.get('/', async (c) => {
    const me = principal(c);
    const q = parseQuery(c, keysListQuerySchema);
    if (me.role !== 'admin' && q.tenant !== undefined && q.tenant !== me.tenant)
      throw new CoordinatorError('FORBIDDEN', "only an admin key may list another tenant's keys");
    const tenant = me.role === 'admin' ? (q.tenant ?? null) : me.tenant;
    return c.json({ keys: (await store.auth.listApiKeys(tenant)).map(keyInfo) });
  });

  r.post('/:id/revoke', async (c) => {
    const k = await managed(c);
    if (!(await store.auth.revokeApiKey(k.id)))
      throw new CoordinatorError('CONFLICT', `API key ${k.id} is already revoked`);
    await recordAudit(store.db, {
      actor: principal(c).keyId,
      action: 'key.revoke',
      target: k.id,
      detail: { tenant: k.tenant },
    });
    return c.json(keyInfo((await store.auth.getApiKey(k.id)) as ApiKeyRow));
  });

  r.post('/:id/rotate', async (c) => {
    const k = await managed(c);
    // A rotation hands the caller the key's new secret: a customer key may take only one that holds
    // nothing it lacks, that is itself or a key it made (same scopes or fewer, its limits and counters).
    const me = principal(c);
    if (
      me.role !== 'admin' &&
      k.id !== me.keyId &&
      (k.quotaKey !== me.quotaKey || !k.scopes.every((s) => me.scopes.has(s)))
    )
      throw new CoordinatorError(
        'FORBIDDEN',
        `this key may rotate only itself and keys it made; ask an admin to rotate ${k.id}`,
      );
    const rotated = await store.auth.rotateApiKey(k.id);
    if (!rotated) throw new CoordinatorError('CONFLICT', `API key ${k.id} is revoked; create a new one`);
    await recordAudit(store.db, {
      actor: principal(c).keyId,
      action: 'key.rotate',
      target: k.id,
      detail: { tenant: k.tenant, replacedBy: rotated.id },
    });
    const info = keyInfo((await store.auth.getApiKey(rotated.id)) as ApiKeyRow);
    return c.json({ ...info, key: rotated.key, replaces: k.id }, 201);
  });

  return r;
}
