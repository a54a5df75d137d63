import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  anchorEntrySigner,
  appendLeaves,
  checkpointHash,
  type FileAnchorEntry,
  formatVerifierKey,
  generateIdentity,
  InMemoryNodeStore,
  leafHash,
  nextFileAnchorEntry,
  noteSignerFromIdentity,
  readConsistencyProof,
  readRoot,
  signCheckpoint,
} from '@sward/core';
import { verifyBundleDir } from './verify-bundle.js';

/**
 * The log's operator as the attacker: it holds the log key and signs two views of its log (a split view),
 * or ships checkpoints whose consistency nobody can check, and hopes `sward verify` passes the bundle.
 */
describe('sward verify and a forked log', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-verify-fork-'));
  const origin = 'sward.local/log';
  const log = generateIdentity();
  const signer = noteSignerFromIdentity(origin, log);
  const verifierKey = formatVerifierKey(origin, Buffer.from(log.id, 'hex'));
  const honest = new InMemoryNodeStore();
  const forked = new InMemoryNodeStore();
  const anchorOpts = { chain: 'c'.repeat(32), sign: anchorEntrySigner(signer) };
  let prev: FileAnchorEntry | null = null;
  type Cp = { size: number; note: string; hash: string; anchor: unknown };
  const cp = async (store: InMemoryNodeStore, size: number): Promise<Cp> => {
    const note = signCheckpoint({ origin, size, rootHash: await readRoot(store, size), extensions: [] }, [
      signer,
    ]);
    const hash = checkpointHash(note);
    prev = nextFileAnchorEntry(prev, hash, '2026-11-01T00:00:02.000Z', anchorOpts);
    return { size, note, hash, anchor: { kind: 'file', ...prev } };
  };
  const proof = async (from: number, to: number) => ({
    from,
    to,
    proof: (await readConsistencyProof(honest, from, to)).map((h) => h.toString('base64')),
  });
  before(async () => {
    const leaves = (tag: string) =>
      Array.from({ length: 12 }, (_, i) => leafHash(Buffer.from(`${tag} ${i}`)));
    await appendLeaves(honest, 0, leaves('honest'));
    // The same log but for its first four leaves: what a second auditor was shown.
    await appendLeaves(forked, 0, [...leaves('other').slice(0, 4), ...leaves('honest').slice(4)]);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  let n = 0;
  const verify = async (checkpoints: Cp[], consistency: unknown[]) => {
    const dir = join(tmp, String(++n));
    mkdirSync(join(dir, 'provenance'), { recursive: true });
    writeFileSync(
      join(dir, 'provenance/checkpoints.json'),
      JSON.stringify({ bundleFormat: 3, origin, verifierKey, checkpoints, consistency }),
    );
    writeFileSync(join(dir, 'pages.jsonl'), '');
    const r = await verifyBundleDir(dir, [verifierKey], { workers: 0 });
    const line = r.checks.find((l) => l.check === 'consistency proofs');
    return { r, line, consistency: r.failures.filter((f) => f.check === 'consistency') };
  };

  test('two checkpoints of one size with different roots, and a do-nothing proof between them, fail: both named', async () => {
    const a = await cp(honest, 4);
    const b = await cp(forked, 4);
    const { consistency, line } = await verify(
      [a, b, await cp(honest, 8)],
      [{ from: 4, to: 4, proof: [] }, await proof(4, 8)],
    );
    assert.equal(consistency.length, 1, JSON.stringify(consistency));
    assert.match(
      consistency[0]?.message ?? '',
      /^checkpoints 1 and 2 are both of size 4 but sign different roots \(.+ and .+\): the log forked/,
    );
    assert.equal(line?.status, 'failed');
    // Listed the other way round, the fork is the same fork (and the forked root is not a prefix of 8).
    const swapped = await verify([b, a, await cp(honest, 8)], [await proof(4, 8)]);
    assert.match(swapped.consistency[0]?.message ?? '', /^checkpoints 1 and 2 are both of size 4 /);
    assert.equal(swapped.line?.status, 'failed');
    // Only the two of one size: no pair of sizes to link, still a fork.
    assert.equal((await verify([a, b], [{ from: 4, to: 4, proof: [] }])).line?.status, 'failed');
    // The same checkpoint twice is no fork.
    const twice = await verify([a, a, await cp(honest, 8)], [await proof(4, 8)]);
    assert.deepEqual(twice.consistency, []);
    assert.equal(twice.line?.status, 'checked');
  });

  test('a later checkpoint that is smaller: checked by size, so a forked smaller root fails', async () => {
    const big = await cp(honest, 8);
    // The file's order is the writer's: an honest smaller checkpoint listed last is linked as the earlier.
    const ok = await verify([big, await cp(honest, 4)], [await proof(4, 8)]);
    assert.deepEqual([ok.consistency, ok.line?.status], [[], 'checked']);
    // Anchored after 8 too: a late anchor, shown a prefix of 8 by the proof, not a rollback.
    assert.equal(ok.r.checks.find((l) => l.check === 'anchor order')?.status, 'checked');
    const bad = await verify([big, await cp(forked, 4)], [await proof(4, 8), { from: 8, to: 4, proof: [] }]);
    assert.match(
      bad.consistency[0]?.message ?? '',
      /^checkpoints 4 → 8: consistency proof gives (first|second) root/,
    );
    assert.equal(bad.line?.status, 'failed');
    assert.match(
      bad.r.failures.find((f) => f.check === 'anchor order')?.message ?? '',
      /anchors checkpoint 4 after entry \d+ of anchor chain c+ anchored checkpoint 8, and 4 is not a prefix of 8: the log was rolled back$/,
    );
  });

  test('a consistency proof that was not verified is reported not checked, never as passed', async () => {
    const broken = await cp(honest, 8);
    broken.note = broken.note.replace(/\n— (\S+) (\S{8})/, '\n— $1 AAAAAAAA'); // the signature no longer verifies
    const { r, line, consistency } = await verify(
      [await cp(honest, 4), broken, await cp(honest, 12)],
      [await proof(4, 8), await proof(8, 12)],
    );
    assert.ok(r.failures.some((f) => f.check === 'checkpoint'));
    assert.deepEqual(consistency, []);
    assert.equal(line?.status, 'not_checked', JSON.stringify(line));
    assert.equal(line?.detail, '2 of 2 proofs not checked: a checkpoint of the pair did not verify');
  });
});
