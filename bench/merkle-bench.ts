// Merkle log throughput: in-memory append (batches of 1000, one frontier read + one batched write each),
// proof generation at 1M leaves through InMemoryNodeStore (keys -> one read -> assemble), verification,
// and the payout tree. Run: node --import tsx bench/merkle-bench.ts [leaves=1000000] [batch=1000]
import {
  appendLeaves,
  appendPlan,
  InMemoryNodeStore,
  leafHash,
  merkleTreeOf,
  readConsistencyProof,
  readInclusionProof,
  readRoot,
  sha256,
  verifyConsistency,
  verifyInclusion,
} from '@sward/core';

const total = Number(process.argv[2] ?? 1_000_000);
const batch = Number(process.argv[3] ?? 1000);
const rows: [string, string, string][] = [];
const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const row = (what: string, count: number, s: number, unit: 'rate' | 'each') =>
  rows.push([
    what,
    count.toLocaleString('en'),
    unit === 'rate'
      ? `${Math.round(count / s).toLocaleString('en')} /s`
      : `${((s / count) * 1e6).toFixed(1)} µs`,
  ]);

// Calibration: the bare SHA-256 of a 65-byte node input, so numbers from a busy machine can be read.
const nodeInput = Buffer.alloc(65, 1);
let t0 = process.hrtime.bigint();
for (let i = 0; i < 200_000; i++) sha256(nodeInput);
row('sha256 of 65 bytes (calibration)', 200_000, seconds(t0), 'each');

t0 = process.hrtime.bigint();
const leaves = Array.from({ length: total }, (_, i) => leafHash(Buffer.from(`bench entry ${i}`)));
row('leafHash (64-byte entries)', total, seconds(t0), 'rate');

// appendPlan alone: the pure cost the coordinator pays per batch before its DB write.
t0 = process.hrtime.bigint();
let frontier: Buffer[] = [];
for (let done = 0; done < total; done += batch)
  frontier = appendPlan(done, leaves.slice(done, done + batch), frontier).frontier;
row(`appendPlan, batches of ${batch}`, total, seconds(t0), 'rate');

const store = new InMemoryNodeStore();
t0 = process.hrtime.bigint();
for (let done = 0; done < total; done += batch)
  await appendLeaves(store, done, leaves.slice(done, done + batch));
row(`append into InMemoryNodeStore, batches of ${batch}`, total, seconds(t0), 'rate');

const root = await readRoot(store, total);
const probes = 20_000;
const indices = Array.from({ length: probes }, (_, i) =>
  Math.floor(((i * 7919) % probes) * (total / probes)),
);

t0 = process.hrtime.bigint();
const proofs: Buffer[][] = [];
for (const i of indices) proofs.push(await readInclusionProof(store, i, total));
row(`inclusion proof at ${total.toLocaleString('en')} (1 read)`, probes, seconds(t0), 'each');

t0 = process.hrtime.bigint();
indices.forEach((i, k) => {
  verifyInclusion(leaves[i] as Buffer, i, total, proofs[k] as Buffer[], root);
});
row('verifyInclusion', probes, seconds(t0), 'each');

const sizes = indices.map((i) => i + 1);
const pastRoots: Buffer[] = [];
t0 = process.hrtime.bigint();
for (const m of sizes.slice(0, 5000)) pastRoots.push(await readRoot(store, m));
row('root at a past size (1 read)', 5000, seconds(t0), 'each');

t0 = process.hrtime.bigint();
const cproofs: Buffer[][] = [];
for (const m of sizes.slice(0, 5000)) cproofs.push(await readConsistencyProof(store, m, total));
row(`consistency proof m -> ${total.toLocaleString('en')} (1 read)`, 5000, seconds(t0), 'each');

t0 = process.hrtime.bigint();
sizes.slice(0, 5000).forEach((m, k) => {
  if (m < total) verifyConsistency(m, total, cproofs[k] as Buffer[], pastRoots[k] as Buffer, root);
});
row('verifyConsistency', 5000, seconds(t0), 'each');

const accounts = leaves.slice(0, 100_000);
t0 = process.hrtime.bigint();
const payout = merkleTreeOf(accounts);
row('payout tree build (merkleTreeOf)', accounts.length, seconds(t0), 'rate');
t0 = process.hrtime.bigint();
for (let i = 0; i < accounts.length; i++) payout.proof(i);
row('payout proof (after build)', accounts.length, seconds(t0), 'each');

const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length)), 14];
console.log(`${'operation'.padEnd(w[0] as number)}  ${'n'.padStart(w[1] as number)}  result`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w[0] as number)}  ${b.padStart(w[1] as number)}  ${c}`);
console.log(`node ${process.version}, root ${root.toString('hex').slice(0, 16)}…`);
