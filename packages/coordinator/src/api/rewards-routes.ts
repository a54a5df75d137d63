import { basename } from 'node:path';
import { closeEpochRequestSchema, operatorFetchesQuerySchema, reviewFlagRequestSchema } from '@sward/core';
import { type Context, Hono } from 'hono';
import { CoordinatorError, type CoordinatorErrorCode } from '../errors.js';
import { RewardsError, type RewardsErrorCode } from '../rewards/rewards-error.js';
import type { RewardsService } from '../rewards/rewards-service.js';
import { recordAudit } from '../store/audit-store.js';
import type { Store } from '../store/store.js';
import { principal } from './authorize.js';
import { bearer, parseBody, parseQuery } from './parse-body.js';

export interface RewardsRouteDeps {
  store: Store;
  rewards: RewardsService;
}

const CODE: Record<RewardsErrorCode, CoordinatorErrorCode> = {
  BAD_INPUT: 'BAD_REQUEST',
  UNBALANCED: 'CONFLICT',
  NEGATIVE_BALANCE: 'CONFLICT',
  SELF_REFERRAL: 'BAD_REQUEST',
  REFERRAL_CYCLE: 'BAD_REQUEST',
  ALREADY_REFERRED: 'CONFLICT',
  UNKNOWN_CODE: 'NOT_FOUND',
  NOT_FOUND: 'NOT_FOUND',
  EPOCH_OPEN: 'CONFLICT',
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  CONFLICT: 'CONFLICT',
  REVOKED: 'FORBIDDEN',
};

/** Rewards errors become CoordinatorErrors, which api/app.ts turns into HTTP in its one place. */
export const handleRewardsErrors =
  <E extends object>(fn: (c: Context<E>) => Promise<Response>) =>
  async (c: Context<E>): Promise<Response> => {
    try {
      return await fn(c);
    } catch (e) {
      if (e instanceof RewardsError) throw new CoordinatorError(CODE[e.code], e.message, { cause: e });
      throw e;
    }
  };

const epochParam = (c: Context): number => {
  const n = Number(c.req.param('epoch'));
  if (!Number.isSafeInteger(n) || n < 0)
    throw new CoordinatorError('BAD_REQUEST', 'epoch must be a whole number');
  return n;
};

/**
 * /v1/rewards: `GET /node/status` under the node session token (an operator's own numbers); the rest
 * under an admin API key: operator status, epochs and claim proofs, closing an epoch, sybil flags.
 */
export function rewardsRoutes({ store, rewards }: RewardsRouteDeps): Hono {
  const r = new Hono();

  /** The node of the session token: what an operator signed in with, so whose numbers it sees. */
  const sessionNode = async (c: Context): Promise<string> => {
    const token = bearer(c);
    const nodeId = token ? await store.auth.sessionNode(token) : null;
    if (!nodeId) throw new CoordinatorError('SESSION_EXPIRED', 'node session token unknown or expired');
    return nodeId;
  };

  r.get(
    '/node/status',
    handleRewardsErrors(async (c) => c.json(await rewards.nodeStatus(await sessionNode(c)))),
  );

  // The operator is the session node's, never a parameter: no operator can ask for another's.
  r.get(
    '/node/fetches',
    handleRewardsErrors(async (c) => {
      const q = parseQuery(c, operatorFetchesQuerySchema);
      return c.json(await rewards.fetches(await rewards.operatorOfNode(await sessionNode(c)), q));
    }),
  );

  r.get(
    '/node/referrals',
    handleRewardsErrors(async (c) =>
      c.json(await rewards.referralTree(await rewards.operatorOfNode(await sessionNode(c)))),
    ),
  );

  // An admin API key (scope rewards:admin), checked by api/authorize.ts from api/route-rules.ts.
  const admin = new Hono();

  admin.get(
    '/operators/:operator/status',
    handleRewardsErrors(async (c) => c.json(await rewards.operatorStatus(c.req.param('operator') as string))),
  );

  admin.get(
    '/epochs',
    handleRewardsErrors(async (c) =>
      c.json({ current: rewards.epochOf(), closed: await rewards.epochs.list() }),
    ),
  );

  /** The payout table without proofs (those are per account, below). */
  admin.get(
    '/epochs/:epoch',
    handleRewardsErrors(async (c) => {
      const epoch = epochParam(c);
      const row = await rewards.epochs.get(epoch);
      if (!row) throw new CoordinatorError('NOT_FOUND', `epoch ${epoch} is not closed`);
      const payouts = await store.db.all<{ idx: unknown; account: string; amount: unknown }>(
        'SELECT idx, account, amount FROM rw_payouts WHERE epoch = ? ORDER BY idx',
        [epoch],
      );
      return c.json({
        ...row,
        payouts: payouts.map((p) => ({ index: Number(p.idx), account: p.account, amount: Number(p.amount) })),
      });
    }),
  );

  admin.get(
    '/epochs/:epoch/claims/:account',
    handleRewardsErrors(async (c) => {
      const epoch = epochParam(c);
      const row = await rewards.epochs.get(epoch);
      const claim = row ? await rewards.epochs.claim(epoch, c.req.param('account') as string) : null;
      if (!row || !claim)
        throw new CoordinatorError('NOT_FOUND', `no claim for ${c.req.param('account')} in epoch ${epoch}`);
      return c.json({ root: row.root, anchor: row.anchor, ...claim });
    }),
  );

  admin.post(
    '/epochs/close',
    handleRewardsErrors(async (c) => {
      const b = await parseBody(c, closeEpochRequestSchema);
      const { epoch, files } = await rewards.closeEpoch(b.epoch);
      await recordAudit(store.db, {
        actor: principal(c).keyId,
        action: 'epoch.close',
        target: String(epoch.epoch),
        detail: { root: epoch.root, total: epoch.total },
      });
      // File names only: where the coordinator keeps its data is not the caller's business.
      return c.json({
        ...epoch,
        files: files ? { json: basename(files.json), csv: basename(files.csv) } : null,
      });
    }),
  );

  admin.get(
    '/flags',
    handleRewardsErrors(async (c) => {
      const status = c.req.query('status');
      if (status && !['open', 'cleared', 'confirmed'].includes(status))
        throw new CoordinatorError('BAD_REQUEST', 'status must be open, cleared or confirmed');
      return c.json({ flags: await rewards.flags.list(status as 'open' | undefined) });
    }),
  );

  admin.post(
    '/flags/scan',
    handleRewardsErrors(async (c) => c.json({ raised: await rewards.scanSybils() })),
  );

  for (const verdict of ['clear', 'confirm'] as const)
    admin.post(
      `/flags/:id/${verdict}`,
      handleRewardsErrors(async (c) => {
        const b = await parseBody(c, reviewFlagRequestSchema);
        const flag = await rewards.reviewFlag(c.req.param('id') as string, verdict, b.note ?? null);
        await recordAudit(store.db, {
          actor: principal(c).keyId,
          action: `flag.${verdict}`,
          target: flag.id,
          detail: b.note ? { note: b.note } : null,
        });
        return c.json(flag);
      }),
    );

  r.route('/', admin);
  return r;
}
