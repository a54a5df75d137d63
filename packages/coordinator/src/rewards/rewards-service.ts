import type { OperatorFetches, ReferralTree } from '@sward/core';
import type { Anchor } from '../anchor/anchor.js';
import { inChunks, valuesList } from '../store/multi-row.js';
import type { SqlDriver, SqlExecutor } from '../store/sql-driver.js';
import {
  customerAccount,
  heldAccount,
  heldParties,
  labellerAccount,
  operatorAccount,
  referrerAccount,
  siteAccount,
  TREASURY,
} from './accounts.js';
import { payAvailability } from './availability-payout.js';
import { type EpochRow, Epochs, epochOf } from './epochs.js';
import { type Flag, Flags } from './flags.js';
import { settleHolds } from './hold-settlement.js';
import { forUpdate, inTransaction } from './in-transaction.js';
import { type EntryKind, Ledger, type PostingLine } from './ledger.js';
import { operatorFetches } from './operator-fetches.js';
import { nodeCredibility, type OperatorStatus, operatorStatus } from './operator-status.js';
import { Operators } from './operators.js';
import { type PayoutTable, writePayoutFiles } from './payout-files.js';
import { referralTree } from './referral-tree.js';
import { type OperatorRow, Referrals } from './referrals.js';
import type { RewardsContext } from './rewards-context.js';
import { RewardsError } from './rewards-error.js';
import { defaultRewardsPolicy, type RewardsPolicy, referralShares, workPoints } from './rewards-policy.js';
import { detectSybils } from './sybil-detect.js';

export interface RewardsOptions {
  policy?: RewardsPolicy;
  /** Where closed epochs' roots are committed (the provenance log's anchor). */
  anchor?: Anchor;
  /** Folder for epoch-<n>.json / .csv payout tables. */
  outDir?: string;
  now?: () => number;
}

export interface CaptureFacts {
  captureId: string;
  nodeId: string;
  /** Body bytes delivered (captures.body_length). */
  bytes: number;
  /** captures.outcome; only 'stored' pays. Default 'stored'. */
  outcome?: string;
  at?: number;
}

export interface CapturePayment {
  paid: boolean;
  /** True when this capture was already handled: nothing was posted again. */
  duplicate: boolean;
  workPoints: number;
  referral: { operator: string; level: number; amount: number; held: boolean }[];
  reason?: string;
}

/** Prior for credibility: a node starts at 1 and each disagreement weighs against `PRIOR` agreements. */
const PRIOR = 4;

/**
 * The rewards room's one entry point. The ingest path calls onCaptureAccepted after storing a page,
 * the node API calls onNodeSession / onHeartbeat, spot checks call recordSpotCheck (which claws back
 * what a false capture earned), and an operator job calls closeEpoch. See docs/REWARDS.md.
 */
export class RewardsService implements RewardsContext {
  readonly policy: RewardsPolicy;
  readonly ledger: Ledger;
  readonly referrals: Referrals;
  readonly operators: Operators;
  readonly flags: Flags;
  readonly epochs: Epochs;
  /** The service clock (tests pin it). */
  readonly now: () => number;

  constructor(
    readonly db: SqlDriver,
    private readonly opts: RewardsOptions = {},
  ) {
    this.policy = opts.policy ?? defaultRewardsPolicy;
    this.ledger = new Ledger(db);
    this.referrals = new Referrals(db);
    this.operators = new Operators(db, this.referrals);
    this.flags = new Flags(db);
    this.epochs = new Epochs(db, this.policy);
    this.now = opts.now ?? Date.now;
  }

  epochOf(at = this.now()): number {
    return epochOf(this.policy, at);
  }

  /**
   * A node session: makes sure its operator has an account (a node never enrolled is its own operator)
   * and records when it started and from which address, for the sybil scan. Referral codes are not
   * taken here: only a registered operator names its referrer, once (operators.ts).
   */
  async onNodeSession(s: { nodeId: string; operator?: string | null; ip?: string | null; at?: number }) {
    const operator = s.operator || s.nodeId;
    const row = await this.referrals.ensure(operator);
    await this.db.run('INSERT INTO rw_node_sessions (node_id, ip, started_at) VALUES (?, ?, ?)', [
      s.nodeId,
      s.ip ?? null,
      s.at ?? this.now(),
    ]);
    return { operator, referralCode: row.referralCode };
  }

  /**
   * Uptime feed: one heartbeat marks its slot, with the address the node was seen at (the first one in
   * the slot); more in the same slot change nothing.
   */
  async onHeartbeat(nodeId: string, at = this.now(), ip: string | null = null): Promise<void> {
    await this.db.run('INSERT INTO rw_uptime (node_id, slot, ip) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [
      nodeId,
      Math.floor(at / this.policy.availability.slotMs),
      ip,
    ]);
  }

  /** Pays a capture from the captures table (what the coordinator actually stored). */
  async payCapture(captureId: string): Promise<CapturePayment> {
    const c = await this.db.get<{ node_id: string; body_length: unknown; outcome: string }>(
      'SELECT node_id, body_length, outcome FROM captures WHERE id = ?',
      [captureId],
    );
    if (!c) throw new RewardsError('NOT_FOUND', `no capture ${captureId}`);
    return this.onCaptureAccepted({
      captureId,
      nodeId: c.node_id,
      bytes: Number(c.body_length),
      outcome: c.outcome,
    });
  }

  /**
   * Work points for one capture: only outcome 'stored' pays; skipped, policy, failed and retry
   * captures are recorded (for the acceptance rate) and earn nothing. Replays pay once.
   */
  onCaptureAccepted(c: CaptureFacts): Promise<CapturePayment> {
    return inTransaction(this.db, (tx) => this.recordCapture(tx, c));
  }

  /**
   * The same inside the caller's transaction, so ingest can store a capture and pay it atomically.
   * On PostgreSQL a deadlock aborts the caller's transaction: retry it whole.
   */
  async recordCapture(tx: SqlExecutor, c: CaptureFacts): Promise<CapturePayment> {
    if (!Number.isSafeInteger(c.bytes) || c.bytes < 0)
      throw new RewardsError('BAD_INPUT', `bytes must be a whole number ≥ 0, got ${c.bytes}`);
    const at = c.at ?? this.now();
    const epoch = this.epochOf(at);
    const outcome = c.outcome ?? 'stored';
    const none = (duplicate: boolean, reason?: string): CapturePayment => ({
      paid: false,
      duplicate,
      workPoints: 0,
      referral: [],
      ...(reason ? { reason } : {}),
    });
    const node = await this.referrals.ofNode(c.nodeId, tx);
    if (!node) throw new RewardsError('NOT_FOUND', `no node ${c.nodeId}`);
    const operator = node.operator;
    const work = outcome === 'stored' ? workPoints(this.policy, c.bytes, node.credibility) : 0;
    const rec = await tx.run(
      `INSERT INTO rw_captures (capture_id, node_id, operator, epoch, bytes, outcome, points, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (capture_id) DO NOTHING`,
      [c.captureId, c.nodeId, operator, epoch, c.bytes, outcome, work, at],
    );
    if (rec.changes === 0) return none(true, 'already recorded');
    if (outcome !== 'stored') return none(false, `outcome ${outcome} earns nothing`);
    if (work === 0) return none(false, 'credibility below the policy floor');
    const { lines, referral } = (await this.workLines(tx, operator, node.row))(work);
    await this.ledger.post(tx, {
      idemKey: `work:${c.captureId}`,
      kind: 'work',
      epoch,
      policyVersion: this.policy.version,
      lines,
      ref: c.captureId,
      at,
    });
    return { paid: true, duplicate: false, workPoints: work, referral };
  }

  /**
   * recordCapture() for a batch of captures in the caller's transaction (one node's, or several nodes' when
   * capture batches share a transaction): the same rows and postings, in one multi-row statement per table;
   * each node (with its operator) and each operator's referral chain read once. Captures already recorded
   * post nothing, as a replay of recordCapture does.
   */
  async recordCaptures(tx: SqlExecutor, list: readonly CaptureFacts[]): Promise<void> {
    if (!list.length) return;
    for (const c of list)
      if (!Number.isSafeInteger(c.bytes) || c.bytes < 0)
        throw new RewardsError('BAD_INPUT', `bytes must be a whole number ≥ 0, got ${c.bytes}`);
    // each node, its operator and the operator's row in one statement
    const nodes = new Map<string, NonNullable<Awaited<ReturnType<typeof this.referrals.ofNode>>>>();
    for (const id of new Set(list.map((c) => c.nodeId))) {
      const node = await this.referrals.ofNode(id, tx);
      if (!node) throw new RewardsError('NOT_FOUND', `no node ${id}`);
      nodes.set(id, node);
    }
    const rows = list.map((c) => {
      const node = nodes.get(c.nodeId) as NonNullable<ReturnType<typeof nodes.get>>;
      const at = c.at ?? this.now();
      const outcome = c.outcome ?? 'stored';
      const work = outcome === 'stored' ? workPoints(this.policy, c.bytes, node.credibility) : 0;
      return { c, node, at, epoch: this.epochOf(at), outcome, work };
    });
    const recorded = await inChunks<(typeof rows)[number], { capture_id: string }>(tx, rows, (chunk) => [
      `INSERT INTO rw_captures (capture_id, node_id, operator, epoch, bytes, outcome, points, created_at)
       VALUES ${valuesList(chunk.length, Array(8).fill('?'))} ON CONFLICT (capture_id) DO NOTHING RETURNING capture_id`,
      chunk.flatMap((r) => [
        r.c.captureId,
        r.c.nodeId,
        r.node.operator,
        r.epoch,
        r.c.bytes,
        r.outcome,
        r.work,
        r.at,
      ]),
    ]);
    const fresh = new Set(recorded.map((r) => r.capture_id));
    const paid = rows.filter((r) => fresh.has(r.c.captureId) && r.outcome === 'stored' && r.work > 0);
    if (!paid.length) return;
    const linesOf = new Map<string, Awaited<ReturnType<typeof this.workLines>>>();
    for (const r of paid)
      if (!linesOf.has(r.node.operator))
        linesOf.set(r.node.operator, await this.workLines(tx, r.node.operator, r.node.row));
    await this.ledger.postMany(
      tx,
      paid.map((r) => ({
        idemKey: `work:${r.c.captureId}`,
        kind: 'work',
        epoch: r.epoch,
        policyVersion: this.policy.version,
        lines: (linesOf.get(r.node.operator) as (work: number) => { lines: PostingLine[] })(r.work).lines,
        ref: r.c.captureId,
        at: r.at,
      })),
    );
  }

  /**
   * The lines of a work posting of `operator` (its points, its referrers' shares, the treasury's issue), as a
   * function of the work points: the operator's account, referral chain and standings are read once.
   * `known`: the operator's row as read with its node (null: none yet).
   */
  private async workLines(
    tx: SqlExecutor,
    operator: string,
    known?: OperatorRow | null,
  ): Promise<(work: number) => { lines: PostingLine[]; referral: CapturePayment['referral'] }> {
    // the operator's row starts the referral chain: read once, not again by chain()
    const self = await this.referrals.ensure(operator, tx, known);
    const levels = this.policy.referral.levelsBps.length;
    const chain =
      self.referredBy && levels > 0
        ? [self.referredBy, ...(await this.referrals.chain(self.referredBy, levels - 1, tx))]
        : [];
    // standings matter only to referral shares: an operator nobody referred needs none read
    const refereeStanding = chain.length ? await this.standing(operator, tx) : null;
    const referrerStandings: ('confirmed' | 'open' | null)[] = [];
    for (const referrer of chain) referrerStandings.push(await this.standing(referrer, tx));
    return (work) => {
      const lines: PostingLine[] = [{ account: operatorAccount(operator), amount: work, kind: 'work' }];
      const referral: CapturePayment['referral'] = [];
      const shares = referralShares(this.policy, work);
      for (const [i, referrer] of chain.entries()) {
        const amount = shares[i] ?? 0;
        if (amount === 0) continue;
        const referrerStanding = referrerStandings[i] ?? null;
        // Sybil rules: a confirmed farm on either side earns its referrer nothing; an open flag holds it.
        if (refereeStanding === 'confirmed' || referrerStanding === 'confirmed') continue;
        const held = refereeStanding === 'open' || referrerStanding === 'open';
        const account = held ? heldAccount(referrer, operator) : referrerAccount(referrer);
        lines.push({ account, amount, kind: `referral_l${i + 1}` as EntryKind });
        referral.push({ operator: referrer, level: i + 1, amount, held });
      }
      lines.push({ account: TREASURY, amount: -lines.reduce((sum, l) => sum + l.amount, 0), kind: 'issue' });
      return { lines, referral };
    };
  }

  /**
   * Pay-per-crawl: the customer tenant pays what a site charged for a capture (micro-USD, from the node's
   * signed `crawler-charged`), owed on to the site. Inside ingest's transaction; a replay posts nothing.
   */
  async recordCharge(
    tx: SqlExecutor,
    c: { captureId: string; tenant: string; origin: string; micros: number },
  ): Promise<number | null> {
    if (!Number.isSafeInteger(c.micros) || c.micros <= 0)
      throw new RewardsError(
        'BAD_INPUT',
        `a charge must be a whole number of micro-USD > 0, got ${c.micros}`,
      );
    const at = this.now();
    return this.ledger.post(tx, {
      idemKey: `charge:${c.captureId}`,
      kind: 'crawl_charge',
      epoch: this.epochOf(at),
      policyVersion: this.policy.version,
      lines: [
        { account: customerAccount(c.tenant), amount: -c.micros, kind: 'crawl_charge' },
        { account: siteAccount(c.origin), amount: c.micros, kind: 'crawl_charge' },
      ],
      ref: c.captureId,
      at,
    });
  }

  /**
   * Reverses everything a capture earned (work and the referral shares on top) with a new posting.
   * The operator may go into debt if the points were already paid out; later earnings net it.
   */
  async clawbackCapture(captureId: string, reason: string): Promise<{ clawedBack: boolean; amount: number }> {
    return inTransaction(this.db, async (tx) => {
      const orig = await this.ledger.txByKey(`work:${captureId}`, tx);
      if (!orig) return { clawedBack: false, amount: 0 };
      const entries = await this.ledger.entriesOf(orig.id, tx);
      const epoch = this.epochOf();
      const lines: PostingLine[] = [];
      for (const e of entries) {
        const parties = heldParties(e.account);
        if (parties && e.amount > 0) {
          // Held rewards may have been released since: take what is still held, the rest from the referrer.
          const h = await tx.get<{ balance: unknown }>(
            `SELECT balance FROM rw_balances WHERE account = ?${forUpdate(this.db)}`,
            [e.account],
          );
          const fromHeld = Math.min(e.amount, Math.max(0, Number(h?.balance ?? 0)));
          lines.push({ account: e.account, amount: -fromHeld, kind: 'clawback' });
          lines.push({
            account: referrerAccount(parties.referrer),
            amount: fromHeld - e.amount,
            kind: 'clawback',
          });
        } else lines.push({ account: e.account, amount: -e.amount, kind: 'clawback' });
      }
      const txId = await this.ledger.post(tx, {
        idemKey: `clawback:${captureId}`,
        kind: 'clawback',
        epoch,
        policyVersion: this.policy.version,
        lines,
        ref: captureId,
        memo: reason,
        reverses: orig.id,
        allowDebt: true,
        at: this.now(),
      });
      if (txId === null) return { clawedBack: false, amount: 0 };
      await tx.run('UPDATE rw_captures SET clawed_back_at = ? WHERE capture_id = ?', [this.now(), captureId]);
      const amount = entries.filter((e) => e.amount > 0).reduce((s, e) => s + e.amount, 0);
      return { clawedBack: true, amount };
    });
  }

  /**
   * One spot-check verdict for a node, kept with its reason for the operator's status page. The spot
   * checker owns credibility: pass the score it wrote to `nodes.credibility`. Without one, this
   * computes (agreed + 4) / (checks + 4) over the verdicts recorded here and writes it. A
   * disagreement about a capture claws that capture's points back. Call after the checker's
   * transaction committed (transactions do not nest).
   */
  async recordSpotCheck(s: {
    nodeId: string;
    captureId?: string | null;
    agreed: boolean;
    reason?: string | null;
    credibility?: number;
    at?: number;
  }): Promise<{ credibility: number; clawedBack: number }> {
    await this.db.run(
      'INSERT INTO rw_spot_checks (node_id, capture_id, agreed, reason, at) VALUES (?, ?, ?, ?, ?)',
      [s.nodeId, s.captureId ?? null, s.agreed ? 1 : 0, s.reason ?? null, s.at ?? this.now()],
    );
    let credibility = s.credibility;
    if (credibility === undefined) {
      const c = await this.db.get<{ n: unknown; ok: unknown }>(
        'SELECT COUNT(*) AS n, SUM(agreed) AS ok FROM rw_spot_checks WHERE node_id = ?',
        [s.nodeId],
      );
      credibility = (Number(c?.ok ?? 0) + PRIOR) / (Number(c?.n ?? 0) + PRIOR);
      await this.db.run('UPDATE nodes SET credibility = ? WHERE id = ?', [credibility, s.nodeId]);
    }
    let clawedBack = 0;
    if (!s.agreed && s.captureId)
      clawedBack = (await this.clawbackCapture(s.captureId, s.reason ?? 'spot check disagreed')).amount;
    return { credibility, clawedBack };
  }

  /** Points for labelling work (the labelling marketplace calls this); `idemKey` makes replays pay once. */
  async creditLabeller(c: {
    idemKey: string;
    labeller: string;
    amount: number;
    memo?: string;
  }): Promise<boolean> {
    const epoch = this.epochOf();
    return inTransaction(this.db, async (tx) => {
      const id = await this.ledger.post(tx, {
        idemKey: `label:${c.idemKey}`,
        kind: 'labelling',
        epoch,
        policyVersion: this.policy.version,
        lines: [
          { account: labellerAccount(c.labeller), amount: c.amount, kind: 'labelling' },
          { account: TREASURY, amount: -c.amount, kind: 'issue' },
        ],
        memo: c.memo ?? null,
      });
      return id !== null;
    });
  }

  // ---- sybil flags ----

  /**
   * Looks for farms in the last `sybil.windowMs` of evidence (addresses per uptime slot, session starts)
   * and raises each new group as an open flag with its evidence.
   */
  async scanSybils(now = this.now()): Promise<string[]> {
    if (!this.policy.sybil.enabled) return [];
    const since = now - this.policy.sybil.windowMs;
    const presence = await this.db.all<{
      node_id: string;
      operator: string | null;
      slot: unknown;
      ip: string;
    }>(
      `SELECT u.node_id, n.operator, u.slot, u.ip FROM rw_uptime u JOIN nodes n ON n.id = u.node_id
       WHERE u.slot >= ? AND u.ip IS NOT NULL AND n.revoked_at IS NULL`,
      [Math.floor(since / this.policy.availability.slotMs)],
    );
    const sessions = await this.db.all<{
      node_id: string;
      operator: string | null;
      started_at: unknown;
      ip: string;
    }>(
      `SELECT s.node_id, n.operator, s.started_at, s.ip FROM rw_node_sessions s JOIN nodes n ON n.id = s.node_id
       WHERE s.started_at >= ? AND s.ip IS NOT NULL AND n.revoked_at IS NULL`,
      [since],
    );
    const referredBy = new Map((await this.referrals.all()).map((o) => [o.operator, o.referredBy] as const));
    const groups = detectSybils(
      {
        slotMs: this.policy.availability.slotMs,
        presence: presence.map((p) => ({
          nodeId: p.node_id,
          operator: p.operator || p.node_id,
          slot: Number(p.slot),
          ip: p.ip,
        })),
        sessions: sessions.map((s) => ({
          nodeId: s.node_id,
          operator: s.operator || s.node_id,
          at: Number(s.started_at),
          ip: s.ip,
        })),
        referredBy,
      },
      this.policy.sybil,
    );
    return this.flags.raise(groups, now);
  }

  async reviewFlag(id: string, verdict: 'clear' | 'confirm', note: string | null = null): Promise<Flag> {
    const flag = await this.flags.review(id, verdict === 'clear' ? 'cleared' : 'confirmed', note, this.now());
    await this.settleHolds();
    return flag;
  }

  /** Held referral rewards whose parties are no longer under review: released, or forfeited to the treasury. */
  settleHolds(): Promise<{ released: number; forfeited: number }> {
    return settleHolds(this);
  }

  /** The operator's strongest flag state ('confirmed' > 'open' > null); null when sybil rules are off. */
  async standing(operator: string, ex?: SqlExecutor): Promise<'confirmed' | 'open' | null> {
    return this.policy.sybil.enabled ? this.flags.standing(operator, ex) : null;
  }

  // ---- epochs ----

  /** Availability points of an ended epoch, per operator, capped (see rewards-policy.ts). Idempotent. */
  payAvailability(epoch: number): Promise<number> {
    return payAvailability(this, epoch);
  }

  /**
   * Closes an ended epoch: scans for farms, pays availability, settles the payout table with its
   * Merkle root, anchors the root, and writes epoch-<n>.json/.csv to `outDir`. Safe to repeat.
   */
  async closeEpoch(
    epoch = this.epochOf() - 1,
    o: { outDir?: string; force?: boolean } = {},
  ): Promise<{ epoch: EpochRow; table: PayoutTable; files: { json: string; csv: string } | null }> {
    if (!o.force && epoch >= this.epochOf())
      throw new RewardsError('EPOCH_OPEN', `epoch ${epoch} has not ended yet (current ${this.epochOf()})`);
    if (!(await this.epochs.get(epoch))) {
      await this.scanSybils();
      await this.payAvailability(epoch);
    }
    await this.epochs.settle(epoch, this.now());
    if (this.opts.anchor) await this.epochs.anchor(epoch, this.opts.anchor);
    const table = (await this.epochs.table(epoch)) as PayoutTable;
    const dir = o.outDir ?? this.opts.outDir;
    const files = dir ? await writePayoutFiles(dir, table) : null;
    return { epoch: (await this.epochs.get(epoch)) as EpochRow, table, files };
  }

  // ---- what operators see ----

  operatorStatus(operator: string): Promise<OperatorStatus> {
    return operatorStatus(this.db, this.policy, { referrals: this.referrals, flags: this.flags }, operator);
  }

  async nodeStatus(nodeId: string): Promise<OperatorStatus> {
    return this.operatorStatus(await this.operatorOfNode(nodeId));
  }

  /** The operator a node runs for (a legacy node without one is its own operator). */
  async operatorOfNode(nodeId: string): Promise<string> {
    const n = await this.db.get<{ operator: string | null }>('SELECT operator FROM nodes WHERE id = ?', [
      nodeId,
    ]);
    if (!n) throw new RewardsError('NOT_FOUND', `no node ${nodeId}`);
    return n.operator || nodeId;
  }

  /** The fetches the operator's nodes made, newest first, a page at a time. */
  fetches(operator: string, q: { before?: number | undefined; limit: number }): Promise<OperatorFetches> {
    return operatorFetches(this.db, operator, q);
  }

  /** The operator's own referral subtree, as deep as referral rewards reach. */
  referralTree(operator: string): Promise<ReferralTree> {
    return referralTree(this.db, operator, this.policy.referral.levelsBps.length);
  }

  async nodeCredibility(nodeId: string) {
    const n = await this.db.get<{ credibility: unknown }>('SELECT credibility FROM nodes WHERE id = ?', [
      nodeId,
    ]);
    if (!n) throw new RewardsError('NOT_FOUND', `no node ${nodeId}`);
    return nodeCredibility(this.db, this.policy, nodeId, Number(n.credibility));
  }
}
