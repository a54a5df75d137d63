import { inChunks, valuesList } from '../store/multi-row.js';
import type { SqlDriver, SqlExecutor } from '../store/sql-driver.js';
import { accountClass, isBounded, isMoney, TREASURY } from './accounts.js';
import { RewardsError } from './rewards-error.js';

export type EntryKind =
  | 'work'
  | 'availability'
  | 'referral_l1'
  | 'referral_l2'
  | 'labelling'
  | 'clawback'
  | 'hold_release'
  | 'hold_forfeit'
  | 'payout'
  | 'issue'
  | 'adjustment'
  | 'crawl_charge'
  | 'page_charge'
  | 'reuse_royalty';

export interface PostingLine {
  account: string;
  amount: number;
  kind: EntryKind;
}

export interface Posting {
  /** A second posting with the same key is a no-op: replays pay once. */
  idemKey: string;
  kind: string;
  epoch: number;
  policyVersion: number;
  lines: PostingLine[];
  ref?: string | null;
  memo?: string | null;
  reverses?: number | null;
  /** Clawbacks may leave an account in debt (netted against later earnings); nothing else may. */
  allowDebt?: boolean;
  at?: number;
}

export interface LedgerEntry {
  txId: number;
  account: string;
  amount: number;
  kind: EntryKind;
  epoch: number;
}

/**
 * The double-entry ledger: rw_transactions + rw_entries, both append-only. Every posting sums to zero;
 * corrections are new, reversing postings. Balances are the sums of entries; rw_balances is the same
 * sum kept in step, row-locked, so a floor (no negative operator balance) holds under concurrent writers.
 */
export class Ledger {
  constructor(private readonly db: SqlDriver) {}

  /** Posts inside the caller's transaction; returns the transaction id, or null when already posted. */
  async post(tx: SqlExecutor, p: Posting): Promise<number | null> {
    return (await this.postMany(tx, [p])).get(p.idemKey) ?? null;
  }

  /**
   * post() for many postings in the caller's transaction: one multi-row statement per table, the balances
   * moved once per account by the postings' sum. Postings already made (their idem key) are skipped; the
   * answer maps the idem key of each posting made now to its transaction id.
   */
  async postMany(tx: SqlExecutor, postings: readonly Posting[]): Promise<Map<string, number>> {
    for (const p of postings) checkPosting(p);
    const heads = await inChunks<Posting, { id: number; idem_key: string }>(tx, postings, (chunk) => [
      `INSERT INTO rw_transactions (idem_key, kind, ref, memo, policy_version, epoch, reverses, created_at)
       VALUES ${valuesList(chunk.length, Array(8).fill('?'))} ON CONFLICT (idem_key) DO NOTHING RETURNING id, idem_key`,
      chunk.flatMap((p) => [
        p.idemKey,
        p.kind,
        p.ref ?? null,
        p.memo ?? null,
        p.policyVersion,
        p.epoch,
        p.reverses ?? null,
        p.at ?? Date.now(),
      ]),
    ]);
    const ids = new Map(heads.map((h) => [h.idem_key, Number(h.id)]));
    const posted = postings.filter((p) => ids.has(p.idemKey));
    const entries = posted.flatMap((p) =>
      p.lines
        .filter((l) => l.amount !== 0)
        .map((l) => ({ txId: ids.get(p.idemKey) as number, epoch: p.epoch, l })),
    );
    await inChunks(tx, entries, (chunk) => [
      `INSERT INTO rw_entries (tx_id, account, amount, kind, epoch) VALUES ${valuesList(chunk.length, Array(5).fill('?'))}`,
      chunk.flatMap((e) => [e.txId, e.l.account, e.l.amount, e.l.kind, e.epoch]),
    ]);
    await this.applyBalances(
      tx,
      entries.map((e) => e.l),
      posted.every((p) => p.allowDebt ?? false),
    );
    return ids;
  }

  /** Running totals, account by account in sorted order so two writers never wait on each other in a cycle. */
  private async applyBalances(tx: SqlExecutor, lines: PostingLine[], allowDebt: boolean): Promise<void> {
    const delta = new Map<string, number>();
    for (const l of lines)
      if (isBounded(l.account)) delta.set(l.account, (delta.get(l.account) ?? 0) + l.amount);
    for (const account of [...delta.keys()].sort()) {
      const d = delta.get(account) as number;
      if (d === 0) continue;
      // The upsert takes the row lock and returns the total after this posting, so the check below sees
      // every committed writer before us (READ COMMITTED re-reads the row after the lock wait).
      const r = await tx.get<{ balance: number }>(
        `INSERT INTO rw_balances (account, balance) VALUES (?, ?)
         ON CONFLICT (account) DO UPDATE SET balance = rw_balances.balance + excluded.balance RETURNING balance`,
        [account, d],
      );
      const after = Number(r?.balance);
      if (d < 0 && after < 0 && !(allowDebt && accountClass(account) !== 'held'))
        throw new RewardsError('NEGATIVE_BALANCE', `posting would leave ${account} at ${after} micro-points`);
    }
  }

  /** Balance derived from the entries themselves (not the running total). */
  async balance(account: string, ex: SqlExecutor = this.db): Promise<number> {
    const r = await ex.get<{ s: unknown }>('SELECT SUM(amount) AS s FROM rw_entries WHERE account = ?', [
      account,
    ]);
    return Number(r?.s ?? 0);
  }

  async entriesOf(txId: number, ex: SqlExecutor = this.db): Promise<LedgerEntry[]> {
    const rows = await ex.all<Record<string, unknown>>(
      'SELECT tx_id, account, amount, kind, epoch FROM rw_entries WHERE tx_id = ? ORDER BY id',
      [txId],
    );
    return rows.map((r) => ({
      txId: Number(r.tx_id),
      account: String(r.account),
      amount: Number(r.amount),
      kind: r.kind as EntryKind,
      epoch: Number(r.epoch),
    }));
  }

  async txByKey(idemKey: string, ex: SqlExecutor = this.db): Promise<{ id: number; kind: string } | null> {
    const r = await ex.get<{ id: number; kind: string }>(
      'SELECT id, kind FROM rw_transactions WHERE idem_key = ?',
      [idemKey],
    );
    return r ? { id: Number(r.id), kind: r.kind } : null;
  }

  /**
   * The ledger's own audit: transactions that do not sum to zero and running totals that differ from
   * the entries. Both lists are empty in a healthy ledger.
   */
  async audit(): Promise<{ unbalanced: number[]; drifted: string[]; treasury: number }> {
    const unbalanced = await this.db.all<{ tx_id: number }>(
      'SELECT tx_id FROM rw_entries GROUP BY tx_id HAVING SUM(amount) <> 0',
    );
    const drifted = await this.db.all<{ account: string }>(
      `SELECT b.account FROM rw_balances b
       LEFT JOIN (SELECT account, SUM(amount) AS s FROM rw_entries GROUP BY account) e ON e.account = b.account
       WHERE b.balance <> COALESCE(e.s, 0)`,
    );
    return {
      unbalanced: unbalanced.map((r) => Number(r.tx_id)),
      drifted: drifted.map((r) => r.account),
      treasury: await this.balance(TREASURY),
    };
  }
}

function checkPosting(p: Posting): void {
  let sum = 0n;
  for (const l of p.lines) {
    if (!Number.isSafeInteger(l.amount))
      throw new RewardsError(
        'BAD_INPUT',
        `amount ${l.amount} for ${l.account} is not a whole number of micro-points`,
      );
    accountClass(l.account);
    sum += BigInt(l.amount);
  }
  if (sum !== 0n) throw new RewardsError('UNBALANCED', `posting ${p.idemKey} sums to ${sum}, not 0`);
  // Points and money (micro-USD) are different units: a posting that mixed them would balance in neither.
  const money = p.lines.filter((l) => isMoney(l.account)).length;
  if (money !== 0 && money !== p.lines.length)
    throw new RewardsError('BAD_INPUT', `posting ${p.idemKey} mixes money and point accounts`);
  if (!p.lines.some((l) => l.amount !== 0))
    throw new RewardsError('BAD_INPUT', `posting ${p.idemKey} moves nothing`);
}

/**
 * The payout posting of a closed epoch, straight from its rw_payouts rows (one statement per step, not
 * one per account: an epoch can pay 100,000 accounts). Debits each account, credits the distributor.
 * The caller holds the balance rows locked and chose amounts ≤ balance, so no floor can break.
 */
export async function postPayouts(
  tx: SqlExecutor,
  p: { epoch: number; policyVersion: number; total: number; at: number },
): Promise<number | null> {
  const head = await tx.get<{ id: number }>(
    `INSERT INTO rw_transactions (idem_key, kind, ref, memo, policy_version, epoch, created_at)
     VALUES (?, 'payout', ?, NULL, ?, ?, ?) ON CONFLICT (idem_key) DO NOTHING RETURNING id`,
    [`payout:${p.epoch}`, String(p.epoch), p.policyVersion, p.epoch, p.at],
  );
  if (!head) return null;
  const txId = Number(head.id);
  await tx.run(
    `INSERT INTO rw_entries (tx_id, account, amount, kind, epoch)
     SELECT ?, account, -amount, 'payout', epoch FROM rw_payouts WHERE epoch = ? ORDER BY idx`,
    [txId, p.epoch],
  );
  await tx.run(
    `INSERT INTO rw_entries (tx_id, account, amount, kind, epoch) VALUES (?, 'distributor', ?, 'payout', ?)`,
    [txId, p.total, p.epoch],
  );
  await tx.run(
    `UPDATE rw_balances SET balance = balance -
       (SELECT p.amount FROM rw_payouts p WHERE p.epoch = ? AND p.account = rw_balances.account)
     WHERE account IN (SELECT account FROM rw_payouts WHERE epoch = ?)`,
    [p.epoch, p.epoch],
  );
  return txId;
}
