import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openStore, type Store } from '@sward/coordinator';
import { type AnchorRef, generateNoteKeys, parseSignerKey } from '@sward/core';
import type { Anchor } from '../packages/coordinator/src/anchor/anchor.js';
import { FileAnchor } from '../packages/coordinator/src/anchor/file-anchor.js';
import { Checkpointer } from '../packages/coordinator/src/log/checkpointer.js';
import { LogStore } from '../packages/coordinator/src/log/log-store.js';
import { backends } from './support/backends.js';
import { insertFakeCaptures } from './support/fake-captures.js';

/**
 * An honest coordinator (or set of peers on one database) never anchors a checkpoint after a larger one:
 * `sward verify` reads that as a rollback unless the proofs show the smaller a prefix of the larger. Before,
 * a checkpoint whose anchoring failed (a Solana send that timed out, a lost UPDATE, a peer that stopped
 * between signing and anchoring) was anchored only at the next start, after the larger ones issued since,
 * and two anchorings at once (flush beside the background turn) raced to the ledger.
 */
class FlakyAnchor implements Anchor {
  readonly kind = 'file';
  /** Fails the next anchoring, as a Solana send whose blockhash expired. */
  failNext = false;
  private hold: { gate: Promise<void>; arrived: () => void } | null = null;
  constructor(private readonly inner: FileAnchor) {}
  /** Holds the next anchoring until `release`, as a slow send; `arrived` resolves once it is held. */
  holdNext(): { release: () => void; arrived: Promise<void> } {
    let release = () => {};
    let arrived = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const seen = new Promise<void>((r) => {
      arrived = r;
    });
    this.hold = { gate, arrived };
    return { release, arrived: seen };
  }
  async anchor(hash: string): Promise<AnchorRef> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('send failed: block height exceeded');
    }
    const held = this.hold;
    if (held) {
      this.hold = null;
      held.arrived();
      await held.gate;
    }
    return this.inner.anchor(hash);
  }
}

for (const backend of backends()) {
  describe(`checkpoints are anchored in size order: ${backend.name}`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'sward-anchor-order-'));
    const cleanup: (() => Promise<void>)[] = [];
    after(async () => {
      for (const c of cleanup.reverse()) await c();
      await backend.cleanup();
      rmSync(tmp, { recursive: true, force: true });
    });
    const origin = 'sward.local/log';
    const keys = generateNoteKeys(origin);
    const signer = parseSignerKey(keys.signerKey);
    let files = 0;

    const setup = async () => {
      const store = await openStore(await backend.create());
      cleanup.push(() => store.close());
      const log = new LogStore(store.db);
      let tag = 0;
      const grow = async (n: number) => {
        await insertFakeCaptures(store, n, `t${++tag}`);
        while (await log.sequence()) {
          // drain
        }
      };
      return { store, log, grow };
    };
    const coordinator = async (store: Store, log: LogStore) => {
      const path = join(tmp, `anchors-${++files}.jsonl`);
      const file = await FileAnchor.open(path, { signer });
      cleanup.push(() => file.close());
      const anchor = new FlakyAnchor(file);
      const cp = new Checkpointer(store.db, log, signer, keys.verifierKey, anchor, {
        origin,
        everyMs: 3_600_000,
        everyLeaves: 1_000_000,
      });
      return { anchor, cp, path };
    };
    /** The sizes of the checkpoints an anchor file holds, in its order. */
    const sizesIn = async (store: Store, path: string) => {
      const rows = await store.db.all<{ size: number; hash: string }>('SELECT size, hash FROM checkpoints');
      const size = new Map(rows.map((r) => [r.hash, Number(r.size)]));
      return readFileSync(path, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => size.get((JSON.parse(l) as { checkpointHash: string }).checkpointHash));
    };
    const unanchored = async (store: Store) =>
      Number(
        (await store.db.get<{ n: unknown }>('SELECT count(*) AS n FROM checkpoints WHERE anchor IS NULL'))?.n,
      );

    test('a failed anchoring is retried before the next checkpoint, not after it at the next start', async () => {
      const { store, log, grow } = await setup();
      const { anchor, cp, path } = await coordinator(store, log);
      await grow(3);
      anchor.failNext = true;
      await assert.rejects(cp.maybeIssue(true), /send failed/);
      await grow(2);
      await cp.maybeIssue(true);
      await cp.anchorPending(); // the next start
      assert.deepEqual(await sizesIn(store, path), [3, 5]);
      assert.equal(await unanchored(store), 0);
    });

    test('two anchorings at once (a slow send beside the next checkpoint) reach the ledger in size order', async () => {
      const { store, log, grow } = await setup();
      const { anchor, cp, path } = await coordinator(store, log);
      await grow(3);
      const slow = anchor.holdNext();
      const first = cp.maybeIssue(true);
      await slow.arrived;
      await grow(2);
      const second = cp.maybeIssue(true);
      setTimeout(slow.release, 100);
      await Promise.all([first, second]);
      assert.deepEqual(await sizesIn(store, path), [3, 5]);
    });

    test('a peer anchors the checkpoint another peer signed and left unanchored before its own, not after', async () => {
      const { store, log, grow } = await setup();
      const a = await coordinator(store, log);
      const b = await coordinator(store, log);
      await grow(3);
      a.anchor.failNext = true; // peer A signed checkpoint 3, then its anchoring failed (or it stopped)
      await assert.rejects(a.cp.maybeIssue(true), /send failed/);
      await grow(2);
      await b.cp.maybeIssue(true);
      await b.cp.anchorPending(); // B restarts
      await a.cp.anchorPending(); // A restarts
      assert.deepEqual(await sizesIn(store, b.path), [3, 5]);
      assert.deepEqual(await sizesIn(store, a.path), []);
      assert.equal(await unanchored(store), 0);
    });
  });
}
