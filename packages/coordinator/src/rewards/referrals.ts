import { randomBytes } from 'node:crypto';
import type { SqlDriver, SqlExecutor } from '../store/sql-driver.js';
import { forUpdate, inTransaction } from './in-transaction.js';
import { RewardsError } from './rewards-error.js';

export interface OperatorRow {
  operator: string;
  referralCode: string;
  referredBy: string | null;
  createdAt: number;
}

export const newReferralCode = (): string => `ref-${randomBytes(6).toString('base64url')}`;

/** Operators, their referral codes, and who brought whom (a forest: no self-referral, no cycles). */
export class Referrals {
  constructor(private readonly db: SqlDriver) {}

  /**
   * Creates the operator with a fresh referral code on first sight; returns the row. `known`: its row as
   * already read (null: none yet), so it is not read again.
   */
  async ensure(
    operator: string,
    ex: SqlExecutor = this.db,
    known?: OperatorRow | null,
  ): Promise<OperatorRow> {
    const found = known === undefined ? await this.get(operator, ex) : known;
    if (found) return found;
    await ex.run(
      'INSERT INTO rw_operators (operator, referral_code, created_at) VALUES (?, ?, ?) ON CONFLICT (operator) DO NOTHING',
      [operator, newReferralCode(), Date.now()],
    );
    return (await this.get(operator, ex)) as OperatorRow;
  }

  /**
   * What paying a node's work reads first, in one statement: its operator (the node's own id when it has
   * none), its credibility, and the operator's row (null before the operator's first sight); null: no node.
   */
  async ofNode(
    nodeId: string,
    ex: SqlExecutor = this.db,
  ): Promise<{ operator: string; credibility: number; row: OperatorRow | null } | null> {
    const r = await ex.get<Record<string, unknown>>(
      `SELECT n.operator AS node_operator, n.credibility AS node_credibility, o.*
       FROM nodes n LEFT JOIN rw_operators o ON o.operator = COALESCE(NULLIF(n.operator, ''), n.id)
       WHERE n.id = ?`,
      [nodeId],
    );
    if (!r) return null;
    return {
      operator: (r.node_operator as string | null) || nodeId,
      credibility: Number(r.node_credibility),
      row: r.operator == null ? null : mapOperator(r),
    };
  }

  async get(operator: string, ex: SqlExecutor = this.db): Promise<OperatorRow | null> {
    const r = await ex.get<Record<string, unknown>>('SELECT * FROM rw_operators WHERE operator = ?', [
      operator,
    ]);
    return r ? mapOperator(r) : null;
  }

  async byCode(code: string, ex: SqlExecutor = this.db): Promise<OperatorRow | null> {
    const r = await ex.get<Record<string, unknown>>('SELECT * FROM rw_operators WHERE referral_code = ?', [
      code,
    ]);
    return r ? mapOperator(r) : null;
  }

  /**
   * Records that the owner of `code` brought `operator` in. Refuses self-referral, a second referrer
   * and any link that would close a cycle. Both rows are locked (in name order) so two opposite
   * referrals racing on PostgreSQL cannot both pass the cycle check.
   */
  async refer(operator: string, code: string): Promise<OperatorRow> {
    return inTransaction(this.db, async (tx) => {
      const referrer = await this.byCode(code, tx);
      if (!referrer) throw new RewardsError('UNKNOWN_CODE', `no operator has referral code ${code}`);
      if (referrer.operator === operator)
        throw new RewardsError('SELF_REFERRAL', `operator ${operator} cannot use its own referral code`);
      await this.ensure(operator, tx);
      for (const op of [operator, referrer.operator].sort())
        await tx.get(`SELECT operator FROM rw_operators WHERE operator = ?${forUpdate(this.db)}`, [op]);
      const me = (await this.get(operator, tx)) as OperatorRow;
      if (me.referredBy === referrer.operator) return me;
      if (me.referredBy)
        throw new RewardsError(
          'ALREADY_REFERRED',
          `operator ${operator} was already referred by ${me.referredBy}`,
        );
      const seen = new Set<string>();
      for (let up: string | null = referrer.operator; up; up = (await this.get(up, tx))?.referredBy ?? null) {
        if (up === operator || seen.has(up))
          throw new RewardsError('REFERRAL_CYCLE', `${referrer.operator} is already below ${operator}`);
        seen.add(up);
      }
      await tx.run('UPDATE rw_operators SET referred_by = ? WHERE operator = ?', [
        referrer.operator,
        operator,
      ]);
      return { ...me, referredBy: referrer.operator };
    });
  }

  /** Referrers above `operator`, nearest first, at most `levels` deep. */
  async chain(operator: string, levels: number, ex: SqlExecutor = this.db): Promise<string[]> {
    const out: string[] = [];
    let cur: string | null = operator;
    while (out.length < levels && cur) {
      cur = (await this.get(cur, ex))?.referredBy ?? null;
      if (cur) out.push(cur);
    }
    return out;
  }

  async all(): Promise<OperatorRow[]> {
    return (await this.db.all<Record<string, unknown>>('SELECT * FROM rw_operators')).map(mapOperator);
  }
}

function mapOperator(r: Record<string, unknown>): OperatorRow {
  return {
    operator: String(r.operator),
    referralCode: String(r.referral_code),
    referredBy: (r.referred_by as string | null) ?? null,
    createdAt: Number(r.created_at),
  };
}
