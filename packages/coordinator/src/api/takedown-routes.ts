import { createTakedownRequestSchema, takedownListQuerySchema } from '@sward/core';
import { Hono } from 'hono';
import { CoordinatorError } from '../errors.js';
import { recordAudit } from '../store/audit-store.js';
import type { Store } from '../store/store.js';
import { type KeyEnv, principal } from './authorize.js';
import { parseBody, parseQuery } from './parse-body.js';

const listQuery = takedownListQuerySchema;

/**
 * /v1/takedowns: filing one needs an admin key (network:admin); the list is public, so publishers and
 * downstream users can see what was removed, when and why. A takedown applies from the next scheduling
 * round: matching URLs of every job are skipped as `takedown`, and the pages, documents and captures
 * routes stop serving them (see docs/PROTOCOL.md, Takedowns).
 */
export function takedownRoutes({ store }: { store: Store }): Hono<KeyEnv> {
  const r = new Hono<KeyEnv>();

  r.post('/', async (c) => {
    const t = await parseBody(c, createTakedownRequestSchema);
    const actor = principal(c).keyId;
    const { id, created } = await store.db.transaction(async (tx) => {
      const added = await store.takedowns.add({ ...t, actor }, tx);
      if (added.created)
        await recordAudit(tx, {
          actor,
          action: 'takedown.create',
          target: `${t.kind}:${t.value}`,
          detail: { id: added.id, reason: t.reason },
        });
      return added;
    });
    const info = await store.takedowns.get(id);
    if (!info) throw new CoordinatorError('CONFLICT', `takedown ${id} is not readable yet`);
    return c.json(info, created ? 201 : 200);
  });

  r.get('/', async (c) => {
    const q = parseQuery(c, listQuery);
    const takedowns = await store.takedowns.list(q.after, q.limit);
    return c.json({ takedowns, next: takedowns.length === q.limit ? takedowns.at(-1)?.id : null });
  });

  return r;
}
