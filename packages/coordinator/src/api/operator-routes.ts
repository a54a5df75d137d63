import { registerOperatorRequestSchema } from '@sward/core';
import { Hono } from 'hono';
import { z } from 'zod';
import { CoordinatorError } from '../errors.js';
import type { RewardsService } from '../rewards/rewards-service.js';
import { recordAudit } from '../store/audit-store.js';
import type { Store } from '../store/store.js';
import { principal } from './authorize.js';
import { parseBody } from './parse-body.js';
import { handleRewardsErrors } from './rewards-routes.js';

const nodeIdParam = z.string().regex(/^[0-9a-f]{64}$/, 'node id must be the 64-hex ed25519 public key');
const operatorParam = z.string().min(1).max(200);

/** Revokes a node: no new session, its sessions end, and its leases go back to the queue at once. */
export async function revokeNode(
  store: Store,
  nodeId: string,
): Promise<{ revoked: boolean; leasesTakenBack: number }> {
  const revoked = await store.auth.revokeNode(nodeId);
  const leasesTakenBack = await store.frontier.takeBackLeases(nodeId);
  return { revoked, leasesTakenBack };
}

/**
 * POST /v1/operators: an operator registers its key (public; the key's signature is the credential).
 * /v1/admin/...: the network's administrator revokes a node or an operator (scope operators:admin).
 */
export function operatorRoutes({ store, rewards }: { store: Store; rewards: RewardsService }): Hono {
  const r = new Hono();

  r.post(
    '/operators',
    handleRewardsErrors(async (c) => {
      const req = await parseBody(c, registerOperatorRequestSchema);
      const res = await rewards.operators.register(req);
      return c.json(res, res.created ? 201 : 200);
    }),
  );

  /** Every registered node, newest seen first, for the admin console (no addresses). */
  r.get('/admin/nodes', async (c) => {
    const nodes = (await store.auth.listNodes()).map((n) => ({
      id: n.id,
      operator: n.operator,
      createdAt: n.createdAt,
      lastSeen: n.lastSeen,
      revokedAt: n.revokedAt,
      credibility: n.credibility,
    }));
    nodes.sort((a, b) => (b.lastSeen ?? 0) - (a.lastSeen ?? 0));
    return c.json({ nodes });
  });

  r.post('/admin/nodes/:nodeId/revoke', async (c) => {
    const p = nodeIdParam.safeParse(c.req.param('nodeId'));
    if (!p.success) throw new CoordinatorError('BAD_REQUEST', `nodeId: ${p.error.issues[0]?.message}`);
    if (!(await store.auth.getNode(p.data))) throw new CoordinatorError('NOT_FOUND', `no node ${p.data}`);
    const res = await revokeNode(store, p.data);
    await recordAudit(store.db, {
      actor: principal(c).keyId,
      action: 'node.revoke',
      target: p.data,
      detail: { leasesTakenBack: res.leasesTakenBack },
    });
    return c.json({ nodeId: p.data, ...res });
  });

  r.post(
    '/admin/operators/:operator/revoke',
    handleRewardsErrors(async (c) => {
      const p = operatorParam.safeParse(c.req.param('operator'));
      if (!p.success) throw new CoordinatorError('BAD_REQUEST', `operator: ${p.error.issues[0]?.message}`);
      const { revoked, nodes } = await rewards.operators.revoke(p.data);
      let leasesTakenBack = 0;
      for (const id of nodes) leasesTakenBack += (await revokeNode(store, id)).leasesTakenBack;
      await recordAudit(store.db, {
        actor: principal(c).keyId,
        action: 'operator.revoke',
        target: p.data,
        detail: { nodes, leasesTakenBack },
      });
      return c.json({ operator: p.data, revoked, nodes, leasesTakenBack });
    }),
  );

  return r;
}
