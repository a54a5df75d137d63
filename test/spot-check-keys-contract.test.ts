import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { openStore, SampleKeys, type Store } from '@sward/coordinator';
import {
  auditSpotCheckDraws,
  CoreError,
  formatVerifierKey,
  generateIdentity,
  noteSignerFromIdentity,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  selectedForSpotCheck,
  spotCheckCommitment,
  verifySpotCheckEpoch,
} from '@sward/core';
import { backends } from './support/backends.js';

const ORIGIN = 'sward.test/log';
const EPOCH_MS = 1_000_000;
const ids = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `c_${tag}${i.toString(16).padStart(32 - tag.length, '0')}`);

/** The secret per-epoch keys that decide spot checks, on every backend: shared, secret until revealed, auditable. */
for (const backend of backends()) {
  describe(`spot-check keys: ${backend.name}`, () => {
    after(() => backend.cleanup());
    const logKey = generateIdentity();
    const signer = noteSignerFromIdentity(ORIGIN, logKey);
    const verifier = parseVerifierKey(formatVerifierKey(ORIGIN, Buffer.from(logKey.id, 'hex')));
    const config = { rate: 0.3, epochMs: EPOCH_MS, revealDelayMs: 5_000 };

    const replicas = async (clock: () => number) => {
      const location = await backend.create();
      const stores: Store[] = [await openStore(location), await openStore(location)];
      const keys = stores.map((s) => new SampleKeys(s.db, signer, ORIGIN, config, clock));
      return { stores, keys: keys as [SampleKeys, SampleKeys] };
    };

    test('two coordinators on one database draw with the same secret key, committed and revealed after its epoch', async () => {
      let now = 7 * EPOCH_MS + 10;
      const { stores, keys } = await replicas(() => now);
      const [a, b] = keys;
      const drawn = ids(200, 'a');
      const picks: boolean[] = [];
      // alternate replicas: each capture is drawn by whichever coordinator accepted it
      for (const [i, id] of drawn.entries()) {
        const k = i % 2 ? a : b;
        const s = (stores[i % 2] as Store).db;
        picks.push(await s.transaction((tx) => k.draw(tx, id)));
      }
      const rows = await (stores[0] as Store).db.all<{ epoch: number }>(
        'SELECT epoch FROM spot_check_keys ORDER BY epoch',
      );
      assert.deepEqual(
        rows.map((r) => Number(r.epoch)),
        [7, 8],
        'one key for the epoch, and the next one committed ahead',
      );
      const chosen = picks.filter(Boolean).length;
      assert.ok(chosen > 30 && chosen < 90, `about 30% selected (${chosen} of 200)`);
      // before the epoch is over (and its reveal delay passed) nobody learns the key
      now = 8 * EPOCH_MS + 4_999;
      const early = await b.epochs();
      assert.deepEqual(
        early.map((e) => e.key),
        [null, null],
      );
      assert.ok(early.every((e) => e.statement.includes(`sha256 ${e.commitment}`)));
      // the commitment is in the signed statement and in checkpoint extension lines
      const lines = await a.extensionLines(7 * EPOCH_MS);
      assert.deepEqual(
        lines,
        early.map((e) => `spot-check-commitment ${e.epoch} ${e.commitment}`),
      );
      const cp = parseCheckpoint(
        `${ORIGIN}\n1\n${Buffer.alloc(32).toString('base64')}\n${lines.join('\n')}\n`,
      );
      assert.equal(cp.extensions.length, 2);
      now = 8 * EPOCH_MS + 5_000;
      const [e7, e8] = await a.epochs();
      assert.ok(e7?.key && e8 && e8.key === null, 'epoch 7 revealed, epoch 8 still secret');
      assert.equal(verifySpotCheckEpoch(e7, ORIGIN, verifier), e7.key);
      assert.equal(spotCheckCommitment(e7.key), e7.commitment);
      // every recorded draw is what the revealed key decides
      const draws = [];
      for (const id of drawn) draws.push(await b.drawOf(id));
      assert.deepEqual(
        draws.map((d) => d?.selected),
        picks,
      );
      assert.deepEqual(
        drawn.map((id) => selectedForSpotCheck(e7.key as string, id, 0.3)),
        picks,
      );
      assert.deepEqual(auditSpotCheckDraws(e7, ORIGIN, verifier, draws as never), []);
      // a coordinator that checked (or spared) a capture against its key is caught by the audit
      const lied = draws.map((d, i) => (i === 3 ? { ...(d as never as object), selected: !d?.selected } : d));
      assert.deepEqual(auditSpotCheckDraws(e7, ORIGIN, verifier, lied as never), [drawn[3]]);
      // a key swapped after the fact does not hash to the commitment; a statement not by the log's key fails
      const swapped = { ...e7, key: 'ab'.repeat(32) };
      assert.throws(
        () => verifySpotCheckEpoch(swapped, ORIGIN, verifier),
        (e: unknown) => e instanceof CoreError && /does not hash to the commitment/.test(e.message),
      );
      const other = noteSignerFromIdentity(ORIGIN, generateIdentity());
      const forged = new SampleKeys((stores[0] as Store).db, other, ORIGIN, config, () => now);
      const forgedEpoch = (await forged.epochs()).map((e) => ({ ...e }))[0];
      assert.ok(forgedEpoch);
      assert.throws(() =>
        verifySpotCheckEpoch({ ...forgedEpoch, statement: rewrite(forgedEpoch.statement) }, ORIGIN, verifier),
      );
      for (const s of stores) await s.close();
    });

    test('a key created in a transaction that rolls back is not remembered: the replicas still agree', async () => {
      const now = 3 * EPOCH_MS;
      const { stores, keys } = await replicas(() => now);
      const [a, b] = keys;
      const [sa, sb] = stores as [Store, Store];
      await assert.rejects(
        sa.db.transaction(async (tx) => {
          await a.draw(tx, 'c_rolledback0000000000000000000000');
          throw new Error('the capture lost its lease');
        }),
        /lost its lease/,
      );
      const none = await sa.db.get<{ n: number }>('SELECT count(*) AS n FROM spot_check_keys');
      assert.equal(Number(none?.n), 0);
      const probe = ids(60, 'b');
      const fromB: boolean[] = [];
      for (const id of probe) fromB.push(await sb.db.transaction((tx) => b.draw(tx, id)));
      const fromA: boolean[] = [];
      for (const id of probe) fromA.push(await sa.db.transaction((tx) => a.draw(tx, `${id}`)));
      assert.deepEqual(fromA, fromB, 'both use the key that was committed');
      for (const s of stores) await s.close();
    });
  });
}

/** The statement's text with one character changed, its signature kept. */
function rewrite(statement: string): string {
  const note = parseNote(statement);
  return statement.replace(note.text, note.text.replace('rate 0.3', 'rate 0.2'));
}
