import { CoreError } from '../errors.js';
import type { NodeKey, StoredNode } from './node-key.js';

export type Awaitable<T> = T | Promise<T>;

/** What proof generation needs from storage: one batched lookup, results aligned with `keys`. */
export interface NodeReader {
  readNodes(keys: readonly NodeKey[]): Awaitable<readonly (Uint8Array | undefined)[]>;
}

export interface NodeWriter {
  writeNodes(nodes: readonly StoredNode[]): Awaitable<void>;
}

/** Tree size and nodes in memory, for tests and benchmarks; one contiguous buffer per level. */
export class InMemoryNodeStore implements NodeReader, NodeWriter {
  private readonly levels: { bytes: Uint8Array; count: number }[] = [];
  /** Batched reads served, so tests can check a proof costs exactly one read. */
  reads = 0;

  /** Leaves stored so far (the tree size the store can serve). */
  get size(): number {
    return this.levels[0]?.count ?? 0;
  }

  readNodes(keys: readonly NodeKey[]): (Uint8Array | undefined)[] {
    this.reads++;
    return keys.map(({ level, index }) => {
      const row = this.levels[level];
      if (row === undefined || index >= row.count) return undefined;
      return row.bytes.subarray(index * 32, index * 32 + 32);
    });
  }

  writeNodes(nodes: readonly StoredNode[]): void {
    for (const { level, index, hash } of nodes) {
      while (this.levels.length <= level) this.levels.push({ bytes: new Uint8Array(1024), count: 0 });
      const row = this.levels[level] as { bytes: Uint8Array; count: number };
      // Appends only: nodes of a level complete left to right, so a write is at `count` or rewrites.
      if (index > row.count)
        throw new CoreError('OUT_OF_RANGE', `node ${level}/${index} written before ${level}/${row.count}`);
      if ((index + 1) * 32 > row.bytes.length) {
        const grown = new Uint8Array(Math.max(row.bytes.length * 2, (index + 1) * 32));
        grown.set(row.bytes);
        row.bytes = grown;
      }
      row.bytes.set(hash, index * 32);
      if (index === row.count) row.count++;
    }
  }
}
