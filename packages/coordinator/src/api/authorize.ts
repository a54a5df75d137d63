import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { CoordinatorError } from '../errors.js';
import type { Principal } from '../store/auth-store.js';
import type { Store } from '../store/store.js';
import { bearer } from './parse-body.js';
import { requestRate } from './quotas.js';
import { ROUTE_RULES } from './route-rules.js';

export type KeyEnv = { Variables: { principal: Principal } };

/** Enforces api/route-rules.ts for every request, before any handler runs. */
export function authorize(store: Store): MiddlewareHandler<KeyEnv> {
  const rate = requestRate(store);
  return async (c, next) => {
    // A control character in a path segment or query value is never a valid id, URL or number, and
    // PostgreSQL refuses NUL outright: refused here, before it reaches any lookup.
    if (/%(?:[01][0-9a-f]|7f)/i.test(c.req.url))
      throw new CoordinatorError('BAD_REQUEST', 'the request URL holds an encoded control character');
    const route = matchedRoutes(c).find((r) => r.method !== 'ALL');
    if (!route) return next(); // no handler: the app's 404
    const rule = ROUTE_RULES[`${route.method} ${route.path}`];
    if (!rule) throw new CoordinatorError('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`);
    if (rule.auth !== 'key' && rule.auth !== 'anyKey') return next();
    const secret = bearer(c);
    const p = secret ? await store.auth.checkApiKey(secret) : null;
    if (p === 'expired') throw new CoordinatorError('UNAUTHORIZED', 'this API key has expired');
    if (!p)
      throw new CoordinatorError('UNAUTHORIZED', 'missing or unknown API key (Authorization: Bearer sk_…)');
    if (rule.auth === 'key' && p.role !== 'admin' && !p.scopes.has(rule.scope))
      throw new CoordinatorError('FORBIDDEN', `this API key lacks the scope ${rule.scope}`);
    await rate(p);
    c.set('principal', p);
    return next();
  };
}

/** The caller of a key route (set by authorize()). */
export function principal(c: Context): Principal {
  const p = c.get('principal') as Principal | undefined;
  if (!p) throw new CoordinatorError('UNAUTHORIZED', 'missing API key');
  return p;
}
