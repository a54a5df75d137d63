import {
  type AppendPlan,
  appendPlan,
  emptyRoot,
  frontierKeys,
  leafHash,
  type NodeKey,
  type NodeReader,
  readConsistencyProof,
  readInclusionProof,
  readRoot,
  type StoredNode,
} from '@sward/core';
import type { SqlDriver, SqlExecutor } from '../store/sql-driver.js';
import { lockLogWriter } from './log-writer-lock.js';

/** Rows per multi-row INSERT: well under SQLite's 32766 bound parameters and PostgreSQL's 65535. */
const INSERT_CHUNK = 500;
const READ_CHUNK = 400;

export interface TreeHead {
  size: number;
  root: Buffer;
}

/**
 * The provenance log: an RFC 6962 tree over accepted captures, persisted as the hashes of its complete
 * subtrees (level, index) in the coordinator's own database. A proof is one batched read of at most
 * ~2·log2(n) rows; appends are batched by the sequencer, one transaction per batch, so a SIGKILL leaves
 * the previous tree or the next one and never half of a batch.
 */
export class LogStore {
  constructor(private readonly db: SqlDriver) {}

  reader(tx: SqlExecutor = this.db): NodeReader {
    return { readNodes: (keys) => readNodes(tx, keys) };
  }

  async head(tx: SqlExecutor = this.db): Promise<TreeHead> {
    const r = await tx.get<{ size: number; root: Uint8Array }>(
      'SELECT size, root FROM log_state WHERE id = 1',
    );
    return r ? { size: Number(r.size), root: Buffer.from(r.root) } : { size: 0, root: emptyRoot() };
  }

  /**
   * Sequences up to `max` accepted captures that have no leaf yet, in acceptance order. Returns the new
   * head, or null when there was nothing to add. With `wait: false` it also returns null at once when
   * another coordinator on the same PostgreSQL database holds the log writer lock (it is sequencing, and
   * its batch takes every capture committed before it started; the rest waits for the next turn).
   */
  async sequence(max = 10_000, opts: { wait?: boolean } = {}): Promise<TreeHead | null> {
    return this.db.transaction(async (tx) => {
      if (!(await lockLogWriter(this.db.dialect, tx, opts.wait ?? true))) return null;
      // The head row is locked too: a coordinator of an older release (no advisory lock) that shares the
      // database during a rolling upgrade still appends one batch at a time with this one.
      const lock = this.db.dialect === 'postgres' ? ' FOR UPDATE' : '';
      let st = await tx.get<{ size: number }>(`SELECT size FROM log_state WHERE id = 1${lock}`);
      if (!st) {
        // The log's first head row is written with its first leaves, not before: a call with nothing to
        // add (a seal of an empty log, a refused request) must store nothing.
        const pending = await tx.get('SELECT seq FROM captures WHERE leaf_index IS NULL LIMIT 1');
        if (!pending) return null;
        await tx.run('INSERT INTO log_state (id, size, root) VALUES (1, 0, ?) ON CONFLICT (id) DO NOTHING', [
          emptyRoot(),
        ]);
        st = await tx.get<{ size: number }>(`SELECT size FROM log_state WHERE id = 1${lock}`);
      }
      const size = Number(st?.size ?? 0);
      const rows = await tx.all<{ seq: number; signed: string }>(
        'SELECT seq, signed FROM captures WHERE leaf_index IS NULL ORDER BY seq LIMIT ?',
        [max],
      );
      if (rows.length === 0) return null;
      const plan = await this.append(
        tx,
        size,
        rows.map((r) => leafHash(Buffer.from(r.signed, 'utf8'))),
      );
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const chunk = rows.slice(i, i + INSERT_CHUNK);
        // One statement per chunk: CASE maps each capture to its leaf index.
        await tx.run(
          `UPDATE captures SET leaf_index = CASE seq ${chunk.map(() => 'WHEN ? THEN CAST(? AS BIGINT)').join(' ')} END
           WHERE seq IN (${chunk.map(() => '?').join(',')})`,
          [...chunk.flatMap((r, j) => [Number(r.seq), size + i + j]), ...chunk.map((r) => Number(r.seq))],
        );
      }
      await tx.run('UPDATE log_state SET size = ?, root = ? WHERE id = 1', [plan.size, plan.root]);
      return { size: plan.size, root: plan.root };
    });
  }

  /** Appends leaf hashes to the tree of `size` inside `tx`; exposed for the benchmark. */
  async append(tx: SqlExecutor, size: number, leaves: readonly Uint8Array[]): Promise<AppendPlan> {
    const plan = appendPlan(size, leaves, await readNodes(tx, frontierKeys(size)));
    await writeNodes(tx, plan.nodes);
    return plan;
  }

  async inclusionProof(index: number, size: number): Promise<Buffer[]> {
    return readInclusionProof(this.reader(), index, size);
  }

  async consistencyProof(from: number, to: number): Promise<Buffer[]> {
    return readConsistencyProof(this.reader(), from, to);
  }

  async rootAt(size: number): Promise<Buffer> {
    return readRoot(this.reader(), size);
  }

  async leaf(index: number): Promise<{ captureId: string; signed: string } | undefined> {
    const r = await this.db.get<{ id: string; signed: string }>(
      'SELECT id, signed FROM captures WHERE leaf_index = ?',
      [index],
    );
    return r ? { captureId: r.id, signed: r.signed } : undefined;
  }
}

async function readNodes(tx: SqlExecutor, keys: readonly NodeKey[]): Promise<(Uint8Array | undefined)[]> {
  const found = new Map<string, Uint8Array>();
  for (let i = 0; i < keys.length; i += READ_CHUNK) {
    const chunk = keys.slice(i, i + READ_CHUNK);
    if (chunk.length === 0) continue;
    const rows = await tx.all<{ level: number; idx: number; hash: Uint8Array }>(
      `SELECT level, idx, hash FROM log_nodes WHERE ${chunk.map(() => '(level = ? AND idx = ?)').join(' OR ')}`,
      chunk.flatMap((k) => [k.level, k.index]),
    );
    for (const r of rows) found.set(`${r.level}/${r.idx}`, r.hash);
  }
  return keys.map((k) => found.get(`${k.level}/${k.index}`));
}

async function writeNodes(tx: SqlExecutor, nodes: readonly StoredNode[]): Promise<void> {
  for (let i = 0; i < nodes.length; i += INSERT_CHUNK) {
    const chunk = nodes.slice(i, i + INSERT_CHUNK);
    await tx.run(
      `INSERT INTO log_nodes (level, idx, hash) VALUES ${chunk.map(() => '(?, ?, ?)').join(',')}`,
      chunk.flatMap((n) => [n.level, n.index, n.hash]),
    );
  }
}
