// Anchors per second: Solana memo anchors against an in-process litesvm (build + sign + execute),
// the default fsync'd file anchor, and core's offline check of a Solana ref.
// Run: node --import tsx bench/anchor-bench.ts [count]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSigner, lamports } from '@solana/kit';
import { type AnchorRef, sha256Hex, verifyAnchorRef } from '@sward/core';
import { LiteSVM } from 'litesvm';
import { FileAnchor } from '../packages/coordinator/src/anchor/index.js';
import { liteSvmTransport, SolanaAnchor } from '../packages/coordinator/src/anchor/solana.js';

const n = Number(process.argv[2] ?? 2000);
const hashes = Array.from({ length: n }, (_, i) => sha256Hex(`bench checkpoint ${i}`));

async function rate(label: string, run: (hash: string) => Promise<unknown> | unknown): Promise<void> {
  const t0 = process.hrtime.bigint();
  for (const h of hashes) await run(h);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${label.padEnd(34)} ${n} in ${s.toFixed(2)} s = ${Math.round(n / s)} /s`);
}

const svm = new LiteSVM();
const payer = await generateKeyPairSigner();
svm.airdrop(payer.address, lamports(1_000_000_000_000n));
const solana = new SolanaAnchor({ transport: liteSvmTransport(svm), payer });
const refs = new Map<string, AnchorRef>();
await rate('solana memo anchor (litesvm)', async (h) => refs.set(h, await solana.anchor(h)));
await rate('verifyAnchorRef solana (offline)', (h) => verifyAnchorRef(refs.get(h), h));

const dir = await mkdtemp(join(tmpdir(), 'sward-anchor-bench-'));
try {
  const file = await FileAnchor.open(join(dir, 'anchors.jsonl'));
  await rate('file anchor (fsync each)', (h) => file.anchor(h));
  await file.close();
  const t0 = process.hrtime.bigint();
  await (await FileAnchor.open(join(dir, 'anchors.jsonl'))).close();
  console.log(
    `reopen + verify ${n}-entry chain          ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1)} ms`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
