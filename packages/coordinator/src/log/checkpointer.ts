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
import type { SqlDriver } from '../store/sql-driver.js';
import type { LogStore } from './log-store.js';

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
 * before anchoring; a checkpoint left unanchored by a crash is anchored at the next start.
 */
export class Checkpointer {
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

  async latest(): Promise<StoredCheckpoint | null> {
    const r = await this.db.get<Record<string, unknown>>(
      'SELECT * FROM checkpoints ORDER BY size DESC LIMIT 1',
    );
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

  /** Issues a checkpoint when the policy says one is due (or `force` and the tree grew). */
  async maybeIssue(force = false, now = Date.now()): Promise<StoredCheckpoint | null> {
    const head = await this.log.head();
    if (head.size === 0) return null;
    const last = await this.latest();
    if (last && last.size >= head.size) return null;
    const due =
      force ||
      !last ||
      head.size - last.size >= this.policy.everyLeaves ||
      now - last.createdAt >= this.policy.everyMs;
    if (!due) return null;
    const note = signCheckpoint(
      {
        origin: this.policy.origin,
        size: head.size,
        rootHash: head.root,
        extensions: await this.extensions(),
      },
      [this.signer],
    );
    const hash = checkpointHash(note);
    const ins = await this.db.run(
      'INSERT INTO checkpoints (size, note, hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (size) DO NOTHING',
      [head.size, note, hash, now],
    );
    if (ins.changes === 1) await this.anchorOne(head.size, hash);
    return this.atLeast(head.size);
  }

  /** Anchors checkpoints that a crash left without an anchor reference. */
  async anchorPending(): Promise<number> {
    const rows = await this.db.all<{ size: number; hash: string }>(
      'SELECT size, hash FROM checkpoints WHERE anchor IS NULL ORDER BY size',
    );
    for (const r of rows) await this.anchorOne(Number(r.size), r.hash);
    return rows.length;
  }

  private async anchorOne(size: number, hash: string): Promise<void> {
    const ref = await this.anchor.anchor(hash);
    await this.db.run('UPDATE checkpoints SET anchor = ? WHERE size = ?', [JSON.stringify(ref), size]);
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
