import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { address, getBase58Decoder, lamports } from '@solana/kit';
import { type SolanaAnchorRef, sha256Hex, verifyAnchorRef } from '@sward/core';
import { LiteSVM } from 'litesvm';
import { AnchorError } from './anchor-error.js';
import { openAnchor } from './open-anchor.js';
import { checkSolanaAnchorOnline } from './solana-online-check.js';
import { startTestingRpcNode } from './testing-rpc-node.js';

const svm = new LiteSVM();
const { url, server } = await startTestingRpcNode(svm);
const dir = await mkdtemp(join(tmpdir(), 'sward-online-'));
after(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A Solana CLI keypair file: a JSON array of the 32-byte secret then the 32-byte public key. */
async function keypairFile(): Promise<{ path: string; address: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const secret = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const path = join(dir, 'payer.json');
  await writeFile(path, JSON.stringify([...secret, ...pub]));
  return { path, address: getBase58Decoder().decode(pub) };
}

test('a config-opened Solana anchor lands, and the online check finds the same bytes', async () => {
  const kp = await keypairFile();
  svm.airdrop(address(kp.address), lamports(1_000_000_000n));
  const anchor = await openAnchor({ kind: 'solana', rpcUrl: url, keypairPath: kp.path });
  const hash = sha256Hex('online');
  const ref = (await anchor.anchor(hash)) as SolanaAnchorRef;
  await anchor.close();
  assert.equal(ref.payer, kp.address);
  verifyAnchorRef(ref, hash);
  assert.deepEqual(await checkSolanaAnchorOnline(url, ref), { slot: 7n, blockTime: 1767225600n });
});

test('the online check refuses a ref the node does not hold, or whose bytes differ', async () => {
  const kp = await keypairFile();
  svm.airdrop(address(kp.address), lamports(1_000_000_000n));
  const anchor = await openAnchor({ kind: 'solana', rpcUrl: url, keypairPath: kp.path });
  const [a, b] = [
    (await anchor.anchor(sha256Hex('a'))) as SolanaAnchorRef,
    (await anchor.anchor(sha256Hex('b'))) as SolanaAnchorRef,
  ];
  const notOnChain = (e: unknown) => e instanceof AnchorError && e.code === 'NOT_ON_CHAIN';
  await assert.rejects(checkSolanaAnchorOnline(url, { ...a, transaction: b.transaction }), notOnChain);
  const unknownSig = `${a.signature.slice(0, -1)}${a.signature.endsWith('2') ? '3' : '2'}`;
  await assert.rejects(checkSolanaAnchorOnline(url, { ...a, signature: unknownSig }), notOnChain);
});

test('a config-opened file anchor writes its chain', async () => {
  const anchor = await openAnchor({ kind: 'file', path: join(dir, 'anchors.jsonl') });
  const ref = await anchor.anchor(sha256Hex('f'));
  await anchor.close();
  assert.equal(ref.kind, 'file');
});
