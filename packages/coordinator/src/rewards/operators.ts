import {
  type Enrolment,
  type RegisterOperatorRequest,
  type RegisterOperatorResponse,
  verifyEnrolment,
  verifyRegistration,
} from '@sward/core';
import type { SqlDriver, SqlExecutor } from '../store/sql-driver.js';
import { inTransaction } from './in-transaction.js';
import { newReferralCode, type Referrals } from './referrals.js';
import { RewardsError } from './rewards-error.js';

export interface OperatorAccount {
  /** Account id: the public key's hex for a registered operator; the old name for a legacy one. */
  operator: string;
  name: string | null;
  publicKey: string | null;
  referralCode: string;
  referredBy: string | null;
  createdAt: number;
  revokedAt: number | null;
}

/**
 * Operators are accounts (issue 13): one registers with its own ed25519 key and, only then, names who
 * referred it; it enrols nodes by signing their ids. No name a node sends is trusted. Revoking an
 * operator revokes its nodes. Names are unique whatever their case (names are ASCII, so lower() folds
 * alike on both backends): "Alice" is refused once "alice" exists. A database that already holds two
 * names differing only by case keeps both accounts as they are; no new name may match either.
 */
export class Operators {
  constructor(
    private readonly db: SqlDriver,
    private readonly referrals: Referrals,
  ) {}

  /**
   * Registers the key, or answers the same account again for the same request (a node restarting).
   * Anything that would change a registered account (another name, another referrer) is refused with
   * the reason, never ignored.
   */
  async register(req: RegisterOperatorRequest, now = Date.now()): Promise<RegisterOperatorResponse> {
    const sig = verifyRegistration(req);
    if (!sig.operator)
      throw new RewardsError(
        'BAD_SIGNATURE',
        'signature: does not verify for operatorKey over the registration',
      );
    if (req.node && !sig.node)
      throw new RewardsError('BAD_SIGNATURE', 'node.signature: does not verify for node.nodeId');
    return inTransaction(this.db, async (tx) => {
      const mine = await this.byKey(req.operatorKey, tx);
      if (mine) return this.again(mine, req, tx);
      const referrer = await this.referrerFor(req.referralCode, tx);
      if (req.name !== undefined) {
        // Registrations of one name whatever its case wait for each other (SQLite serialises writers).
        if (this.db.dialect === 'postgres')
          await tx.run('SELECT pg_advisory_xact_lock(7290021, hashtext(lower(CAST(? AS TEXT))))', [req.name]);
        const holder = await this.byName(req.name, tx);
        if (holder) return this.claimLegacy(holder, req, referrer, tx);
        const alike = await tx.get<{ name: string }>(
          'SELECT name FROM rw_operators WHERE lower(name) = lower(CAST(? AS TEXT)) ORDER BY created_at, operator LIMIT 1',
          [req.name],
        );
        if (alike)
          throw new RewardsError(
            'CONFLICT',
            `name: ${req.name} is taken: operator ${alike.name} exists, and names are unique whatever their case`,
          );
      }
      const referralCode = newReferralCode();
      const r = await tx.run(
        `INSERT INTO rw_operators (operator, public_key, name, referral_code, referred_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [req.operatorKey, req.operatorKey, req.name ?? null, referralCode, referrer?.operator ?? null, now],
      );
      if (r.changes === 0) {
        // Lost a race: the same key registering twice at once gets the account; another key, the name.
        const raced = await this.byKey(req.operatorKey, tx);
        if (raced) return this.again(raced, req, tx);
        throw new RewardsError('CONFLICT', `name: ${req.name} is taken by another operator`);
      }
      return {
        operator: req.operatorKey,
        name: req.name ?? null,
        referralCode,
        referredBy: referrer?.operator ?? null,
        created: true,
      };
    });
  }

  /**
   * Binds a node to the operator whose key signed its id. A node belongs to one operator: enrolling a
   * node another operator holds is refused.
   */
  async enrol(nodeId: string, e: Enrolment, ex: SqlExecutor = this.db): Promise<OperatorAccount> {
    if (!verifyEnrolment(e, nodeId))
      throw new RewardsError(
        'BAD_SIGNATURE',
        'enrolment.signature: does not verify for enrolment.operatorKey',
      );
    const op = await this.byKey(e.operatorKey, ex);
    if (!op)
      throw new RewardsError(
        'NOT_FOUND',
        `enrolment.operatorKey: operator ${e.operatorKey} is not registered (POST /v1/operators first)`,
      );
    if (op.revokedAt !== null) throw new RewardsError('REVOKED', `operator ${op.operator} was revoked`);
    const r = await ex.run(
      'UPDATE nodes SET operator = ? WHERE id = ? AND (operator IS NULL OR operator = ? OR operator = id)',
      [op.operator, nodeId, op.operator],
    );
    if (r.changes === 0) {
      const n = await ex.get<{ operator: string | null }>('SELECT operator FROM nodes WHERE id = ?', [
        nodeId,
      ]);
      if (!n) throw new RewardsError('NOT_FOUND', `no node ${nodeId}`);
      throw new RewardsError(
        'CONFLICT',
        `node ${nodeId} is enrolled with operator ${n.operator}; a node belongs to one operator`,
      );
    }
    return op;
  }

  /** Marks the operator revoked; returns its node ids (the caller revokes them and takes back their leases). */
  async revoke(operator: string, now = Date.now()): Promise<{ revoked: boolean; nodes: string[] }> {
    const found = await this.get(operator);
    if (!found) throw new RewardsError('NOT_FOUND', `no operator ${operator}`);
    const r = await this.db.run(
      'UPDATE rw_operators SET revoked_at = ? WHERE operator = ? AND revoked_at IS NULL',
      [now, operator],
    );
    const nodes = await this.db.all<{ id: string }>('SELECT id FROM nodes WHERE operator = ?', [operator]);
    return { revoked: r.changes === 1, nodes: nodes.map((n) => n.id) };
  }

  async get(operator: string, ex: SqlExecutor = this.db): Promise<OperatorAccount | null> {
    return this.one('operator', operator, ex);
  }

  byKey(key: string, ex: SqlExecutor = this.db): Promise<OperatorAccount | null> {
    return this.one('public_key', key, ex);
  }

  byName(name: string, ex: SqlExecutor = this.db): Promise<OperatorAccount | null> {
    return this.one('name', name, ex);
  }

  private async one(
    column: 'operator' | 'public_key' | 'name',
    value: string,
    ex: SqlExecutor,
  ): Promise<OperatorAccount | null> {
    const r = await ex.get<Record<string, unknown>>(`SELECT * FROM rw_operators WHERE ${column} = ?`, [
      value,
    ]);
    return r ? mapAccount(r) : null;
  }

  private async referrerFor(code: string | undefined, tx: SqlExecutor): Promise<OperatorAccount | null> {
    if (code === undefined) return null;
    const row = await this.referrals.byCode(code, tx);
    if (!row) throw new RewardsError('BAD_INPUT', `referralCode: no operator has referral code ${code}`);
    const referrer = (await this.get(row.operator, tx)) as OperatorAccount;
    if (referrer.revokedAt !== null)
      throw new RewardsError('BAD_INPUT', `referralCode: operator ${referrer.operator} was revoked`);
    return referrer;
  }

  /** The same key again: the same answer when nothing would change, the reason otherwise. */
  private async again(
    mine: OperatorAccount,
    req: RegisterOperatorRequest,
    tx: SqlExecutor,
  ): Promise<RegisterOperatorResponse> {
    if (mine.revokedAt !== null) throw new RewardsError('REVOKED', `operator ${mine.operator} was revoked`);
    if (req.name !== undefined && req.name !== mine.name)
      throw new RewardsError(
        'CONFLICT',
        `name: operator ${mine.operator} registered as ${mine.name ?? '(no name)'}; a name is chosen once`,
      );
    if (req.referralCode !== undefined) {
      const referrer = await this.referrals.byCode(req.referralCode, tx);
      if (referrer?.operator !== mine.referredBy || mine.referredBy === null) throw referralLocked(mine);
    }
    return answer(mine, false);
  }

  /**
   * A name held by a legacy (keyless) operator: only a node already bound to that name, signing this very
   * registration, may claim it for the key. The referral link stays what it was.
   */
  private async claimLegacy(
    holder: OperatorAccount,
    req: RegisterOperatorRequest,
    referrer: OperatorAccount | null,
    tx: SqlExecutor,
  ): Promise<RegisterOperatorResponse> {
    const taken = new RewardsError('CONFLICT', `name: ${req.name} is taken by another operator`);
    if (holder.publicKey !== null || holder.revokedAt !== null || !req.node) throw taken;
    const node = await tx.get<{ operator: string | null; revoked_at: unknown }>(
      'SELECT operator, revoked_at FROM nodes WHERE id = ?',
      [req.node.nodeId],
    );
    if (node?.operator !== holder.operator || node.revoked_at != null) throw taken;
    if (req.referralCode !== undefined && referrer?.operator !== holder.referredBy)
      throw referralLocked(holder);
    const r = await tx.run(
      'UPDATE rw_operators SET public_key = ? WHERE operator = ? AND public_key IS NULL',
      [req.operatorKey, holder.operator],
    );
    if (r.changes === 0) throw taken;
    return answer({ ...holder, publicKey: req.operatorKey }, false);
  }
}

function referralLocked(a: OperatorAccount): RewardsError {
  return new RewardsError(
    'CONFLICT',
    `referralCode: a referral code is set once, at registration; operator ${a.operator} was registered ${
      a.referredBy ? `as referred by ${a.referredBy}` : 'without a referrer'
    }`,
  );
}

const answer = (a: OperatorAccount, created: boolean): RegisterOperatorResponse => ({
  operator: a.operator,
  name: a.name,
  referralCode: a.referralCode,
  referredBy: a.referredBy,
  created,
});

function mapAccount(r: Record<string, unknown>): OperatorAccount {
  return {
    operator: String(r.operator),
    name: (r.name as string | null) ?? null,
    publicKey: (r.public_key as string | null) ?? null,
    referralCode: String(r.referral_code),
    referredBy: (r.referred_by as string | null) ?? null,
    createdAt: Number(r.created_at),
    revokedAt: r.revoked_at == null ? null : Number(r.revoked_at),
  };
}
