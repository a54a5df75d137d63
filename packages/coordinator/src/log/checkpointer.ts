import {
  type AnchorRef,
  anchorRefSchema,
  type BundleManifest,
  checkpointHash,
  type NoteSigner,
  signBundleManifest,
  signCheckpoint,
} from '@sward/core';
import type { Anchor } from '../anchor/anchor.js';
import type { SqlDriver, SqlExecutor } from '../store/sql-driver.js';
import type { LogStore } from './log-store.js';
import { lockLogWriter } from './log-writer-lock.js';

export interface CheckpointPolicy {
  /** The log's identity, first line of every checkpoint. */
  origin: string;
  /** Issue a checkpoint at least this often while the tree grows… */
  everyMs: number;
  /** …or as soon as this many leaves arrived since the last one, whichever comes first. */
  everyLeaves: number;
}

export interface StoredCheckpoint {
  size: number;
  note: string;
  hash: string;
  createdAt: number;
  anchor: AnchorRef | null;
}

/**
 * Signs C2SP tlog-checkpoints of the provenance log and anchors each one's hash. The row is written
 * before anchoring; a checkpoint left unanchored (a crash, a failed send) is anchored before the next one,
 * or at the next start. Anchors go out in size order, one at a time: a ledger never shows a checkpoint
 * after a larger one (`sward verify` checks it, anchor-order-check.ts in core).
 */
export class Checkpointer {
  /** The anchoring under way: the next waits for it, so two never race to the ledger. */
  private anchoring: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: SqlDriver,
    private readonly log: LogStore,
    private readonly signer: NoteSigner,
    /** C2SP verifier key text of `signer`, published so auditors can check checkpoints. */
    readonly verifierKey: string,
    private readonly anchor: Anchor,
    readonly policy: CheckpointPolicy,
    /** Extension lines for each new checkpoint (the spot-check key commitments), read when it is signed. */
    private readonly extensions: () => Promise<string[]> = async () => [],
  ) {}

  /** Signs a bundle manifest the coordinator built itself from its store (output/bundle-manifest.ts). */
  signManifest(m: BundleManifest): string {
    return signBundleManifest(m, [this.signer]);
  }

  async latest(tx: SqlExecutor = this.db): Promise<StoredCheckpoint | null> {
    const r = await tx.get<Record<string, unknown>>('SELECT * FROM checkpoints ORDER BY size DESC LIMIT 1');
    return r ? mapCheckpoint(r) : null;
  }

  async atLeast(size: number): Promise<StoredCheckpoint | null> {
    const r = await this.db.get<Record<string, unknown>>(
      'SELECT * FROM checkpoints WHERE size >= ? ORDER BY size LIMIT 1',
      [size],
    );
    return r ? mapCheckpoint(r) : null;
  }

  async range(from: number, to: number): Promise<StoredCheckpoint[]> {
    const rows = await this.db.all<Record<string, unknown>>(
      'SELECT * FROM checkpoints WHERE size >= ? AND size <= ? ORDER BY size',
      [from, to],
    );
    return rows.map(mapCheckpoint);
  }

  /**
   * Issues a checkpoint when the policy says one is due (or `force` and the tree grew). Coordinators
   * sharing a database decide and sign under the log writer lock, so one checkpoint per interval is
   * issued for the whole network, not one per coordinator; without `force` a coordinator that finds the
   * lock taken leaves the turn to its holder. The anchor is written after the lock is let go.
   */
  async maybeIssue(force = false, now = Date.now()): Promise<StoredCheckpoint | null> {
    // A cheap look first, outside any lock: most calls (every sequencer tick) end here.
    const head0 = await this.log.head();
    if (!this.due(head0.size, await this.latest(), force, now)) return null;
    // Read before the transaction: on SQLite a statement outside it would wait for it to end.
    const extensions = await this.extensions();
    const issued = await this.db.transaction(async (tx) => {
      if (!(await lockLogWriter(this.db.dialect, tx, force))) return null;
      const head = await this.log.head(tx);
      if (!this.due(head.size, await this.latest(tx), force, now)) return null;
      const note = signCheckpoint(
        { origin: this.policy.origin, size: head.size, rootHash: head.root, extensions },
        [this.signer],
      );
      const hash = checkpointHash(note);
      const ins = await tx.run(
        'INSERT INTO checkpoints (size, note, hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (size) DO NOTHING',
        [head.size, note, hash, now],
      );
      return ins.changes === 1 ? { size: head.size, hash } : null;
    });
    if (!issued) return null;
    await this.anchorUpTo(issued.size);
    return this.atLeast(issued.size);
  }

  private due(size: number, last: StoredCheckpoint | null, force: boolean, now: number): boolean {
    if (size === 0 || (last && last.size >= size)) return false;
    return (
      force ||
      !last ||
      size - last.size >= this.policy.everyLeaves ||
      now - last.createdAt >= this.policy.everyMs
    );
  }

  /** Anchors checkpoints that a crash (or a failed anchor) left without an anchor reference. */
  anchorPending(): Promise<number> {
    return this.anchorUpTo(Number.MAX_SAFE_INTEGER);
  }

  /**
   * Anchors every unanchored checkpoint up to `size`, smallest first, after the anchoring before it ends.
   * Anchoring only the new one would let a smaller one left behind (a failed Solana send, a lost UPDATE,
   * a peer that crashed between signing and anchoring) be anchored later, after it: a rollback in the
   * ledger's order. Rows are inserted in size order under the log writer lock and an anchor is never
   * cleared, so once this anchored `size`, no row at or below it is left for a later anchoring.
   */
  private anchorUpTo(size: number): Promise<number> {
    const run = this.anchoring.then(async () => {
      const rows = await this.db.all<{ size: number; hash: string }>(
        'SELECT size, hash FROM checkpoints WHERE anchor IS NULL AND size <= ? ORDER BY size',
        [size],
      );
      for (const r of rows) {
        const ref = await this.anchor.anchor(r.hash);
        // A peer may have anchored it meanwhile: the first anchor stays, the earlier evidence.
        await this.db.run('UPDATE checkpoints SET anchor = ? WHERE size = ? AND anchor IS NULL', [
          JSON.stringify(ref),
          Number(r.size),
        ]);
      }
      return rows.length;
    });
    this.anchoring = run.catch(() => {});
    return run;
  }
}

function mapCheckpoint(r: Record<string, unknown>): StoredCheckpoint {
  return {
    size: Number(r.size),
    note: String(r.note),
    hash: String(r.hash),
    createdAt: Number(r.created_at),
    anchor: r.anchor == null ? null : anchorRefSchema.parse(JSON.parse(String(r.anchor))),
  };
}
