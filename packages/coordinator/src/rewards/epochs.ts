import { type AnchorRef, anchorRefSchema, type EpochRow, type MerkleTree, merkleTreeOf } from '@sward/core';
import type { Anchor } from '../anchor/anchor.js';
import type { SqlDriver, SqlExecutor } from '../store/sql-driver.js';
import { forUpdate, inTransaction } from './in-transaction.js';
import { postPayouts } from './ledger.js';
import { claimLeaf } from './payout-claim.js';
import type { PayoutTable } from './payout-files.js';
import type { RewardsPolicy } from './rewards-policy.js';

export type { EpochRow };

export const epochOf = (policy: RewardsPolicy, at: number): number => Math.floor(at / policy.epochMs);
export const epochBounds = (policy: RewardsPolicy, epoch: number) => ({
  startsAt: epoch * policy.epochMs,
  endsAt: (epoch + 1) * policy.epochMs,
});

/**
 * Turns an epoch's payable balances into a payout table in one transaction: lock the positive balance
 * rows, pay each what it had earned up to the epoch's end (later earnings wait for the next close),
 * post the payout, and store the table with its Merkle root. Closing twice returns the first table.
 */
export class Epochs {
  private cache: { epoch: number; tree: MerkleTree; rows: { account: string; amount: number }[] } | null =
    null;

  constructor(
    private readonly db: SqlDriver,
    private readonly policy: RewardsPolicy,
  ) {}

  async settle(epoch: number, now: number): Promise<EpochRow> {
    const { startsAt, endsAt } = epochBounds(this.policy, epoch);
    await inTransaction(this.db, async (tx) => {
      const claimed = await tx.run(
        `INSERT INTO rw_epochs (id, starts_at, ends_at, closed_at, policy_version, size, total, root)
         VALUES (?, ?, ?, ?, ?, 0, 0, '') ON CONFLICT (id) DO NOTHING`,
        [epoch, startsAt, endsAt, now, this.policy.version],
      );
      if (claimed.changes === 0) return;
      const balances = await tx.all<{ account: string; balance: unknown }>(
        `SELECT account, balance FROM rw_balances
         WHERE balance > 0 AND (account LIKE 'op:%' OR account LIKE 'ref:%' OR account LIKE 'lab:%')
         ORDER BY account${forUpdate(this.db)}`,
      );
      const later = new Map<string, number>();
      for (const r of await tx.all<{ account: string; s: unknown }>(
        'SELECT account, SUM(amount) AS s FROM rw_entries WHERE epoch > ? GROUP BY account',
        [epoch],
      ))
        later.set(r.account, Number(r.s));
      const rows: { account: string; amount: number }[] = [];
      for (const b of balances) {
        const amount = Number(b.balance) - Math.max(0, later.get(b.account) ?? 0);
        if (amount > 0) rows.push({ account: b.account, amount });
      }
      rows.sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500);
        await tx.run(
          `INSERT INTO rw_payouts (epoch, idx, account, amount) VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}`,
          chunk.flatMap((r, j) => [epoch, i + j, r.account, r.amount]),
        );
      }
      const total = rows.reduce((s, r) => s + r.amount, 0);
      if (total > 0) await postPayouts(tx, { epoch, policyVersion: this.policy.version, total, at: now });
      const tree = this.treeOf(epoch, rows);
      await tx.run('UPDATE rw_epochs SET size = ?, total = ?, root = ? WHERE id = ?', [
        rows.length,
        total,
        tree.root.toString('hex'),
        epoch,
      ]);
    });
    return (await this.get(epoch)) as EpochRow;
  }

  /** Commits the root to the anchor unless already done (a crash between settle and anchor heals here). */
  async anchor(epoch: number, anchor: Anchor): Promise<AnchorRef> {
    const row = await this.get(epoch);
    if (!row) throw new TypeError(`epoch ${epoch} is not closed`);
    if (row.anchor) return row.anchor;
    const ref = await anchor.anchor(row.root);
    await this.db.run('UPDATE rw_epochs SET anchor = ? WHERE id = ? AND anchor IS NULL', [
      JSON.stringify(ref),
      epoch,
    ]);
    return ref;
  }

  async get(epoch: number, ex: SqlExecutor = this.db): Promise<EpochRow | null> {
    const r = await ex.get<Record<string, unknown>>('SELECT * FROM rw_epochs WHERE id = ?', [epoch]);
    return r ? mapEpoch(r) : null;
  }

  async list(): Promise<EpochRow[]> {
    return (await this.db.all<Record<string, unknown>>('SELECT * FROM rw_epochs ORDER BY id')).map(mapEpoch);
  }

  /** The whole table with one proof per account. */
  async table(epoch: number): Promise<PayoutTable | null> {
    const row = await this.get(epoch);
    if (!row) return null;
    const { tree, rows } = await this.loadTree(epoch);
    return {
      ...row,
      claims: rows.map((r, index) => ({
        epoch,
        account: r.account,
        amount: r.amount,
        index,
        size: rows.length,
        proof: tree.proof(index).map((h) => h.toString('hex')),
      })),
    };
  }

  async claim(epoch: number, account: string) {
    const { tree, rows } = await this.loadTree(epoch);
    const index = rows.findIndex((r) => r.account === account);
    if (index < 0) return null;
    const r = rows[index] as { account: string; amount: number };
    return {
      epoch,
      account,
      amount: r.amount,
      index,
      size: rows.length,
      proof: tree.proof(index).map((h) => h.toString('hex')),
    };
  }

  private async loadTree(epoch: number) {
    if (this.cache?.epoch === epoch) return this.cache;
    const rows = (
      await this.db.all<{ account: string; amount: unknown }>(
        'SELECT account, amount FROM rw_payouts WHERE epoch = ? ORDER BY idx',
        [epoch],
      )
    ).map((r) => ({ account: r.account, amount: Number(r.amount) }));
    this.treeOf(epoch, rows);
    return this.cache as NonNullable<typeof this.cache>;
  }

  private treeOf(epoch: number, rows: { account: string; amount: number }[]): MerkleTree {
    const tree = merkleTreeOf(rows.map((r) => claimLeaf({ epoch, account: r.account, amount: r.amount })));
    this.cache = { epoch, tree, rows };
    return tree;
  }
}

function mapEpoch(r: Record<string, unknown>): EpochRow {
  return {
    epoch: Number(r.id),
    startsAt: Number(r.starts_at),
    endsAt: Number(r.ends_at),
    closedAt: Number(r.closed_at),
    policyVersion: Number(r.policy_version),
    size: Number(r.size),
    total: Number(r.total),
    root: String(r.root),
    anchor: r.anchor ? anchorRefSchema.parse(JSON.parse(String(r.anchor))) : null,
  };
}
