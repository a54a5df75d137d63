import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { openStore } from '@sward/coordinator';
import { leafHash, merkleRootOf, verifyConsistency, verifyInclusion } from '@sward/core';
import { LogStore } from '../packages/coordinator/src/log/log-store.js';
import type { SqlDriver } from '../packages/coordinator/src/store/sql-driver.js';
import { backends } from './support/backends.js';
import { insertFakeCaptures } from './support/fake-captures.js';
import { SOURCE_FLAGS } from './support/processes.js';

async function allLeaves(db: SqlDriver): Promise<Buffer[]> {
  const rows = await db.all<{ signed: string; leaf_index: number }>(
    'SELECT signed, leaf_index FROM captures WHERE leaf_index IS NOT NULL ORDER BY leaf_index',
  );
  for (const [i, r] of rows.entries())
    assert.equal(Number(r.leaf_index), i, 'leaf indices are contiguous from 0');
  return rows.map((r) => leafHash(Buffer.from(r.signed, 'utf8')));
}

for (const backend of backends()) {
  describe(`provenance log: ${backend.name}`, () => {
    after(() => backend.cleanup());

    test('sequencing an empty log with nothing to add writes nothing (a refused seal stores no row)', async () => {
      const store = await openStore(await backend.create());
      try {
        const log = new LogStore(store.db);
        assert.equal(await log.sequence(), null);
        const n = await store.db.get<{ n: unknown }>('SELECT count(*) AS n FROM log_state');
        assert.equal(Number(n?.n), 0);
      } finally {
        await store.close();
      }
    });

    test('batched appends match RFC 6962; proofs verify and cost one read', async () => {
      const store = await openStore(await backend.create());
      const log = new LogStore(store.db);
      for (const [n, batch] of [
        [1, 1],
        [6, 3],
        [250, 64],
        [33, 1000],
      ] as const) {
        await insertFakeCaptures(store, n, `b${n}`);
        while (await log.sequence(batch)) {
          // drain
        }
      }
      const leaves = await allLeaves(store.db);
      assert.equal(leaves.length, 290);
      const head = await log.head();
      assert.equal(head.size, 290);
      assert.deepEqual(head.root, merkleRootOf(leaves));
      let queries = 0;
      const counting = {
        ...store.db,
        all: (...a: Parameters<SqlDriver['all']>) => {
          queries++;
          return store.db.all(...a);
        },
      } as SqlDriver;
      const counted = new LogStore(counting);
      for (const [index, size] of [
        [0, 1],
        [5, 7],
        [100, 290],
        [289, 290],
        [64, 65],
      ] as const) {
        queries = 0;
        const proof = await counted.inclusionProof(index, size);
        assert.equal(queries, size > 1 ? 1 : 0, 'an inclusion proof is one batched read');
        verifyInclusion(leaves[index] as Buffer, index, size, proof, merkleRootOf(leaves.slice(0, size)));
      }
      for (const [m, n] of [
        [1, 290],
        [7, 8],
        [100, 200],
        [256, 290],
      ] as const) {
        const proof = await log.consistencyProof(m, n);
        verifyConsistency(m, n, proof, merkleRootOf(leaves.slice(0, m)), merkleRootOf(leaves.slice(0, n)));
      }
      await store.close();
    });

    test('a SIGKILL in the middle of appending never leaves a corrupt tree', async () => {
      const location = await backend.create();
      await (await openStore(location)).close();
      for (let kill = 0; kill < 3; kill++) {
        const child = spawn(process.execPath, [...SOURCE_FLAGS, 'test/support/log-writer.ts', location], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let seen = 0;
        await new Promise<void>((resolve, reject) => {
          child.once('exit', (code) => reject(new Error(`log writer exited early with ${code}`)));
          child.stdout.on('data', (d: Buffer) => {
            seen += d.toString().split('\n').filter(Boolean).length;
            if (seen >= 5 + kill * 3) {
              child.kill('SIGKILL');
              resolve();
            }
          });
        });
        if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
        const store = await openStore(location);
        const log = new LogStore(store.db);
        const leaves = await allLeaves(store.db);
        const head = await log.head();
        assert.equal(head.size, leaves.length, 'head size equals the number of sequenced captures');
        assert.deepEqual(
          head.root,
          merkleRootOf(leaves),
          'root recomputed from every leaf equals the stored root',
        );
        assert.deepEqual(await log.rootAt(head.size), head.root, 'stored subtree hashes agree with the root');
        await store.close();
      }
    });
  });
}
