import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from '@sward/coordinator';
import {
  type BundleCheckpoints,
  checkpointHash,
  generateNoteKeys,
  parseSignerKey,
  sha256Hex,
  signCheckpoint,
} from '@sward/core';
import { verifyBundleDir } from '@sward/sdk';
import { FileAnchor } from '../packages/coordinator/src/anchor/file-anchor.js';
import { Checkpointer } from '../packages/coordinator/src/log/checkpointer.js';
import { LogStore } from '../packages/coordinator/src/log/log-store.js';
import { type BundleSource, checkpointsFile } from '../packages/coordinator/src/output/bundle-writer.js';
import { insertFakeCaptures } from './support/fake-captures.js';
import { sward } from './support/processes.js';

/**
 * The coordinator's operator as the attacker: it holds the log key, so it can sign a second view of its
 * log and append it to its own anchors.jsonl, after the larger checkpoints it anchored before (a rollback
 * in the ledger's order). `sward verify` must name it, both anchors, and still pass a checkpoint that was
 * only anchored late (what honest coordinators did before anchors went out in size order), when the
 * consistency proofs show it a prefix; when they cannot show it, say not checked.
 */
describe('sward verify and the order of anchors', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-anchor-order-'));
  const origin = 'sward.local/log';
  const keys = generateNoteKeys(origin);
  const signer = parseSignerKey(keys.signerKey);
  let store: Store;
  let log: LogStore;
  let file: FileAnchor;
  let genuine: BundleCheckpoints;
  before(async () => {
    store = await openStore(join(tmp, 'db.sqlite'));
    log = new LogStore(store.db);
    file = await FileAnchor.open(join(tmp, 'anchors.jsonl'), { signer });
    const cp = new Checkpointer(store.db, log, signer, keys.verifierKey, file, {
      origin,
      everyMs: 3_600_000,
      everyLeaves: 1_000_000,
    });
    for (const [i, n] of [3, 2, 3].entries()) {
      await insertFakeCaptures(store, n, `b${i}`);
      while (await log.sequence()) {
        // drain
      }
      await cp.maybeIssue(true);
    }
    genuine = await bundleOf(cp);
  });
  after(async () => {
    await file.close();
    await store.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  /** What the bundle writer puts in checkpoints.json, from the real log, checkpoints and anchor file. */
  const bundleOf = (cp: Checkpointer) => {
    const src = {
      checkpoints: () => cp.range(0, Number.MAX_SAFE_INTEGER),
      consistencyProof: async (from: number, to: number) =>
        (await log.consistencyProof(from, to)).map((h) => h.toString('base64')),
      logKey: async () => keys.verifierKey,
      anchorChain: (chain: string, from: number, to: number) =>
        file.chain === chain ? file.entries(from, to) : Promise.resolve(null),
    } as unknown as BundleSource;
    return checkpointsFile(src, 0, Number.MAX_SAFE_INTEGER);
  };
  const proof = async (from: number, to: number) => ({
    from,
    to,
    proof: (await log.consistencyProof(from, to)).map((h) => h.toString('base64')),
  });
  /** Appends `hash` to the operator's own anchors.jsonl, signed with its log key. */
  const anchorAgain = async (hash: string) => file.anchor(hash);
  const chainTo = async (last: number) => [
    { chain: file.chain as string, entries: await file.entries(0, last) },
  ];

  let n = 0;
  const verify = async (cps: BundleCheckpoints) => {
    const dir = join(tmp, String(++n));
    mkdirSync(join(dir, 'provenance'), { recursive: true });
    writeFileSync(join(dir, 'provenance/checkpoints.json'), JSON.stringify(cps));
    writeFileSync(join(dir, 'pages.jsonl'), '');
    const r = await verifyBundleDir(dir, [keys.verifierKey], { workers: 0 });
    const of = (check: string) => r.failures.filter((f) => f.check === check).map((f) => f.message);
    return { dir, r, line: r.checks.find((l) => l.check === 'anchor order'), of };
  };

  test('the genuine bundle: its anchors come in size order, and the report says so', async () => {
    assert.deepEqual(
      genuine.checkpoints.map((c) => c.size),
      [3, 5, 8],
    );
    const { line, of } = await verify(genuine);
    assert.deepEqual([of('anchor order'), of('consistency'), of('anchor chain')], [[], [], []]);
    assert.deepEqual(line, {
      check: 'anchor order',
      status: 'checked',
      detail: '3 anchors come in size order in each ledger',
    });
  });

  test('a second view signed by the operator and anchored after a larger checkpoint fails as a rollback, naming both entries', async () => {
    // The operator signs a checkpoint of size 4 whose root is not the log's (another history of its first
    // four leaves) and appends it to its anchors.jsonl, after checkpoint 8.
    const note = signCheckpoint(
      { origin, size: 4, rootHash: Buffer.from(sha256Hex('another history'), 'hex'), extensions: [] },
      [signer],
    );
    const ref = await anchorAgain(checkpointHash(note));
    const last = ref.seq;
    const forged: BundleCheckpoints = {
      ...genuine,
      checkpoints: [...genuine.checkpoints, { size: 4, note, hash: checkpointHash(note), anchor: ref }],
      // The best proofs it has: the log's own, from 3 to 4 and from 4 to 5.
      consistency: [...genuine.consistency, await proof(3, 4), await proof(4, 5)],
      anchorChains: await chainTo(last),
    };
    const { dir, line, of } = await verify(forged);
    const chain = file.chain as string;
    assert.deepEqual(of('anchor order'), [
      `entry ${last} of anchor chain ${chain} anchors checkpoint 4 after entry 2 of anchor chain ${chain} anchored checkpoint 8, and 4 is not a prefix of 8: the log was rolled back`,
    ]);
    assert.equal(line?.status, 'failed');
    // The proofs linking 4 between 3 and 5 fail too: the second view is not the log's.
    assert.ok(of('consistency').length > 0);
    assert.deepEqual(of('anchor chain'), []); // every entry is signed by the log key and links to the one before
    const cli = sward(['verify', dir, '--trusted-key', keys.verifierKey]);
    assert.equal(await cli.exited, 1, cli.output());
    assert.match(cli.output(), /^anchor order: FAILED \(1 rollback; first: entry \d+ of anchor chain/m);
    // Without a proof from 4, whether it is a prefix of 8 is not known: not checked (the proofs' line fails).
    const unlinked = await verify({ ...forged, consistency: forged.consistency.filter((c) => c.from !== 4) });
    assert.equal(unlinked.line?.status, 'not_checked', JSON.stringify(unlinked.line));
    assert.ok(unlinked.of('consistency').length > 0);
  });

  test('a genuine checkpoint anchored again after larger ones is a late anchor, proven a prefix, and passes', async () => {
    const three = genuine.checkpoints[0] as BundleCheckpoints['checkpoints'][number];
    const ref = await anchorAgain(three.hash);
    const late: BundleCheckpoints = {
      ...genuine,
      checkpoints: [{ ...three, anchor: ref }, ...genuine.checkpoints.slice(1)],
      anchorChains: await chainTo(ref.seq),
    };
    const { r, line } = await verify(late);
    assert.deepEqual(
      r.failures.filter((f) => f.check !== 'manifest' && f.check !== 'files'),
      [],
    );
    assert.equal(line?.status, 'checked');
    assert.match(
      line?.detail ?? '',
      /; 1 anchored after a larger one, each a prefix of it by the consistency proofs \(anchored late, not rolled back\)$/,
    );
    // Without the proof that links 3 to 5, whether 3 is a prefix of 8 is not known: not checked, never passed.
    const unlinked = await verify({ ...late, consistency: late.consistency.filter((c) => c.from !== 3) });
    assert.equal(unlinked.line?.status, 'not_checked', JSON.stringify(unlinked.line));
    assert.deepEqual(unlinked.of('anchor order'), []);
  });
});
