import { auditQuerySchema } from '@sward/core';
import { Hono } from 'hono';
import type { Store } from '../store/store.js';
import type { KeyEnv } from './authorize.js';
import { parseQuery } from './parse-body.js';

const auditQuery = auditQuerySchema;

/** GET /v1/audit: the admin actions, oldest first (scope network:admin). There is no other audit route. */
export function auditRoutes({ store }: { store: Store }): Hono<KeyEnv> {
  const r = new Hono<KeyEnv>();
  r.get('/', async (c) => {
    const q = parseQuery(c, auditQuery);
    const rows = await store.audit.list(q);
    return c.json({
      entries: rows.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
      next: rows.length === q.limit ? rows.at(-1)?.id : null,
    });
  });
  return r;
}
