import {
  AUTH_PREFIX,
  CAPTURE_BATCH_CONTENT_TYPE,
  type CaptureBatchItem,
  CoreError,
  challengeRequestSchema,
  failureReportSchema,
  handBackRequestSchema,
  leaseRequestSchema,
  readCaptureBatch,
  sessionRequestSchema,
  verifyBytes,
} from '@sward/core';
import { Hono } from 'hono';
import { CoordinatorError } from '../errors.js';
import { workRefusal } from '../scheduler/node-standing.js';
import type { NodeStanding } from '../store/auth-store.js';
import type { SqlExecutor } from '../store/sql-driver.js';
import type { Lease } from '../store/types.js';
import { clientAddress } from './client-address.js';
import type { AppDeps } from './deps.js';
import { bearer, jsonProblem, parseBody, readJson } from './parse-body.js';
import { handleRewardsErrors } from './rewards-routes.js';

export { AUTH_PREFIX };

type Env = { Variables: { nodeId: string; standing: NodeStanding } };

/** docs/PROTOCOL.md: signed-challenge login, long-poll leases, captures and failures. */
export function nodeRoutes(deps: AppDeps): Hono<Env> {
  const { store, scheduler, ingest, isClosing, spotChecks, rewards, metrics } = deps;
  const r = new Hono<Env>();
  const proxies = deps.trustedProxies ?? new Set<string>();

  r.post('/challenge', async (c) => {
    const { nodeId: id } = await parseBody(c, challengeRequestSchema);
    const node = await store.auth.getNode(id);
    if (node?.revokedAt != null) throw new CoordinatorError('NODE_REVOKED', `node ${id} was revoked`);
    const ch = await store.auth.createChallenge(id);
    return c.json({ nonce: ch.nonce, expiresAt: new Date(ch.expiresAt).toISOString() });
  });

  r.post(
    '/session',
    handleRewardsErrors(async (c) => {
      const b = await parseBody(c, sessionRequestSchema);
      const node = await store.auth.getNode(b.nodeId);
      if (node?.revokedAt != null) throw new CoordinatorError('NODE_REVOKED', `node ${b.nodeId} was revoked`);
      if (!verifyBytes(b.nodeId, Buffer.from(AUTH_PREFIX + b.nonce, 'utf8'), b.signature))
        throw new CoordinatorError('BAD_SIGNATURE', 'challenge signature does not verify for this node id');
      if (!(await store.auth.consumeChallenge(b.nodeId, b.nonce)))
        throw new CoordinatorError('UNAUTHORIZED', 'challenge unknown, expired or already used');
      const ip = clientAddress(c, proxies);
      await store.auth.upsertNode({
        id: b.nodeId,
        ...(b.fingerprint ? { fingerprint: b.fingerprint } : {}),
        ...(b.version ? { version: b.version } : {}),
        ...(ip ? { ip } : {}),
      });
      const operator = b.enrolment
        ? (await rewards.operators.enrol(b.nodeId, b.enrolment)).operator
        : ((await store.auth.getNode(b.nodeId))?.operator ?? null);
      await rewards.onNodeSession({ nodeId: b.nodeId, operator, ip: ip ?? null });
      const s = await store.auth.createSession(b.nodeId);
      return c.json({
        token: s.token,
        expiresAt: new Date(s.expiresAt).toISOString(),
        operator: operator ?? b.nodeId,
      });
    }),
  );

  r.use('/*', async (c, next) => {
    const token = bearer(c);
    if (!token) throw new CoordinatorError('UNAUTHORIZED', 'missing node session token');
    // The node's standing comes with its session (one statement): /lease and /capture-batch judge it.
    const session = await store.auth.sessionStanding(token);
    if (!session)
      throw new CoordinatorError('SESSION_EXPIRED', 'session token unknown or expired; authenticate again');
    c.set('nodeId', session.nodeId);
    c.set('standing', session.standing);
    await next();
  });

  const wireLeases = (leases: Awaited<ReturnType<typeof scheduler.claim>>) =>
    leases.map((l) => ({
      leaseId: l.leaseId,
      jobId: l.jobId,
      url: l.url,
      deadline: new Date(l.deadline).toISOString(),
      timeoutMs: Math.min(30_000, store.frontier.config.leaseMs - 1000),
      maxBytes: 10 * 1024 * 1024,
      ...(l.conditional ? { conditional: l.conditional } : {}),
      ...(l.access ? { access: l.access } : {}),
    }));

  r.post('/lease', async (c) => {
    const b = await parseBody(c, leaseRequestSchema);
    const id = c.get('nodeId');
    const bar = spotChecks.config.bar;
    const refusal = workRefusal(id, c.get('standing'), bar);
    if (refusal) throw refusal;
    const until = Date.now() + b.waitMs;
    const signal = c.req.raw.signal;
    for (let again = false; ; again = true) {
      // after a wait, a claim opens its transaction only when something is ready (LeaseScheduler.claimAgain)
      const leases = again
        ? await scheduler.claimAgain(id, b.max, bar)
        : await scheduler.claim(id, b.max, undefined, bar);
      if (leases.length || Date.now() >= until || signal.aborted || isClosing())
        return c.json({ leases: wireLeases(leases) });
      // Woken by this process's own writes and by close(); the bound (config leasePollMs) is for what a
      // peer coordinator on the same database changed and for lease deadlines passing.
      const pollMs = store.frontier.config.leasePollMs;
      await scheduler.waitForWork(Math.min(pollMs, until - Date.now()), signal);
    }
  });

  r.post('/captures', async (c) => {
    const res = await metrics.countCapture(ingest.acceptCapture(c.get('nodeId'), await readJson(c)));
    return c.json({ accepted: true, ...res });
  });

  // Several captures in one request, bodies as bytes (core/capture-batch.ts); one answer per capture.
  r.post('/capture-batch', async (c) => {
    const type = c.req.header('content-type')?.split(';')[0]?.trim();
    if (type !== CAPTURE_BATCH_CONTENT_TYPE)
      throw new CoordinatorError(
        'BAD_REQUEST',
        `capture batch: content-type must be ${CAPTURE_BATCH_CONTENT_TYPE}`,
      );
    let items: CaptureBatchItem[];
    let ask: number | null;
    try {
      const batch = readCaptureBatch(new Uint8Array(await c.req.arrayBuffer()));
      items = batch.items;
      ask = batch.lease?.max ?? null;
    } catch (e) {
      if (e instanceof CoreError) throw new CoordinatorError('BAD_REQUEST', e.message);
      throw e;
    }
    // As readJson does for JSON bodies: a NUL (which PostgreSQL cannot store) or a deep nest is refused here.
    for (const [i, it] of items.entries()) {
      const problem = jsonProblem({ capture: it.capture, signature: it.signature }, `captures[${i}]`);
      if (problem) throw new CoordinatorError('BAD_REQUEST', `capture batch: ${problem}`);
    }
    const id = c.get('nodeId');
    const bar = spotChecks.config.bar;
    // The node's next leases ride on the answer (one request per round trip instead of two), claimed once
    // the batch's writes are in, so the links it just queued can go out at once. Every check of /lease holds
    // (its cap, and workRefusal: revoked, no row, distrusted: then none, and the node's own lease request
    // hears why; the claim checks them in its transaction); nothing waits, the answers to the captures must
    // not. SQLite: claimed at the end of the batch's own transaction (one BEGIN/COMMIT and one WAL write for
    // both; a failed claim goes back to its savepoint). PostgreSQL: after it commits, in a transaction of its
    // own: a claim locks hosts, URL rows and the key's quota row in its own order, which a batch holding its
    // URL and job rows would cross.
    const want = isClosing() ? null : ask;
    let inBatch: Lease[] | null = null;
    const claimInBatch =
      want !== null && store.db.dialect === 'sqlite'
        ? async (tx: SqlExecutor) => {
            inBatch = await scheduler.claimIn(tx, id, want, undefined, bar);
          }
        : undefined;
    const results = metrics.countBatch(await ingest.acceptBatch(id, items, c.get('standing'), claimInBatch));
    if (ask === null) return c.json({ results });
    const leases =
      want === null
        ? []
        : inBatch
          ? await scheduler.claimed(id, inBatch)
          : await scheduler.claim(id, ask, undefined, bar);
    return c.json({ results, leases: wireLeases(leases) });
  });

  r.post('/failures', async (c) => {
    const f = await parseBody(c, failureReportSchema);
    const res = await ingest.acceptFailure(c.get('nodeId'), f);
    metrics.fetchFailures.inc({ code: f.code });
    return c.json(res);
  });

  r.post('/signing-key', async (c) => {
    const id = c.get('nodeId');
    const node = await store.auth.getNode(id);
    if (!node || node.revokedAt != null)
      throw new CoordinatorError('NODE_REVOKED', `node ${id} may not sign`);
    const k = await deps.botKeys.issue(id);
    return c.json({
      keyid: k.keyid,
      jwk: k.jwk,
      notBefore: new Date(k.notBefore).toISOString(),
      useFrom: new Date(k.useFrom).toISOString(),
      notAfter: new Date(k.notAfter).toISOString(),
      signatureAgent: deps.botKeys.config.signatureAgent ?? new URL(c.req.url).origin,
    });
  });

  // A stopping node (logout) or a restarted one (hand-back, before its first lease) returns what it holds
  // unanswered, so its origins go to another node now, not at the lease deadline. `keep` names leases of
  // finished captures the node still means to upload (its spool).
  r.post('/hand-back', async (c) => {
    const b = await parseBody(c, handBackRequestSchema);
    return c.json({ handedBack: await store.frontier.handBackNodeLeases(c.get('nodeId'), b.keep) });
  });

  r.post('/logout', async (c) => {
    const b = await parseBody(c, handBackRequestSchema);
    const handedBack = await store.frontier.handBackNodeLeases(c.get('nodeId'), b.keep);
    await store.auth.endSession(bearer(c) as string);
    return c.json({ handedBack });
  });

  r.post('/heartbeat', async (c) => {
    const ip = clientAddress(c, proxies);
    await store.auth.touchNode(c.get('nodeId'), ip);
    await rewards.onHeartbeat(c.get('nodeId'), undefined, ip ?? null);
    return c.json({ ok: true });
  });

  return r;
}
