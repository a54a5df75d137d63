// Rewards ledger throughput and epoch close. Run: node --import tsx bench/rewards-bench.ts [accounts=100000] [postings=4000]
// 1. Postings per second with 8 concurrent writers, on SQLite (file, WAL) and PostgreSQL (127.0.0.1:5432
//    or SWARD_BENCH_PG_URL): a bare two-line posting (Ledger.post) and the full paid-capture path
//    (RewardsService.onCaptureAccepted: node lookup, capture row, work + two referral levels, one transaction).
// 2. Closing an epoch of `accounts` payable accounts: lock + payout table + payout posting + Merkle root,
//    then one claim proof per account, then the JSON/CSV files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MICRO,
  openStore,
  operatorAccount,
  RewardsService,
  rewardsPolicy,
  type Store,
  TREASURY,
  writePayoutFiles,
} from '@sward/coordinator';
import { inTransaction } from '../packages/coordinator/src/rewards/in-transaction.js';
import { withBenchDatabase } from './support-pg-database.js';

const ACCOUNTS = Number(process.argv[2] ?? 100_000);
const POSTINGS = Number(process.argv[3] ?? 4000);
const WRITERS = 8;
const policy = rewardsPolicy({ epochMs: 24 * 3600_000 });
const results: Record<string, unknown>[] = [];
const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

async function withBackend(name: 'sqlite' | 'postgres', fn: (location: string) => Promise<void>) {
  if (name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'sward-rewards-bench-'));
    try {
      await fn(join(dir, 'bench.db'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  await withBenchDatabase(fn);
}

async function parallel(n: number, each: (writer: number, i: number) => Promise<unknown>) {
  const per = Math.ceil(n / WRITERS);
  const t0 = process.hrtime.bigint();
  // allSettled: a failing writer must not leave the others running into the database drop.
  const done = await Promise.allSettled(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < per; i++) await each(w, i);
    }),
  );
  for (const d of done) if (d.status === 'rejected') throw d.reason;
  return (per * WRITERS) / seconds(t0);
}

async function postings(backend: 'sqlite' | 'postgres', store: Store) {
  const rewards = new RewardsService(store.db, { policy });
  // Calibration: the cheapest durable transaction this machine does (one INSERT), to read the rest against.
  await store.db.run('CREATE TABLE IF NOT EXISTS bench_calibration (a INTEGER)');
  const floor = await parallel(POSTINGS, (w) =>
    store.db.transaction((tx) => tx.run('INSERT INTO bench_calibration (a) VALUES (?)', [w])),
  );
  results.push({
    backend,
    what: 'calibration: 1-INSERT transaction',
    writers: WRITERS,
    perSecond: Math.round(floor),
  });
  const bare = await parallel(POSTINGS, (w, i) =>
    inTransaction(store.db, (tx) =>
      rewards.ledger.post(tx, {
        idemKey: `bare:${w}:${i}`,
        kind: 'adjustment',
        epoch: 1,
        policyVersion: 1,
        lines: [
          { account: operatorAccount(`w${w}-${i % 50}`), amount: 1000, kind: 'adjustment' },
          { account: TREASURY, amount: -1000, kind: 'issue' },
        ],
      }),
    ),
  );
  results.push({ backend, what: 'Ledger.post, 2 lines', writers: WRITERS, perSecond: Math.round(bare) });
  for (let n = 0; n < 24; n++) {
    await store.auth.upsertNode({ id: `n${n}`, operator: `op${n}` });
    await rewards.onNodeSession({ nodeId: `n${n}`, operator: `op${n}` });
    if (n >= 2) {
      const code = (await rewards.referrals.get(`op${n - 1}`))?.referralCode as string;
      if (n % 3) await rewards.referrals.refer(`op${n}`, code);
    }
  }
  const full = await parallel(POSTINGS, (w, i) =>
    rewards.onCaptureAccepted({ captureId: `c${w}-${i}`, nodeId: `n${(w * 7 + i) % 24}`, bytes: 150_000 }),
  );
  results.push({
    backend,
    what: 'onCaptureAccepted (work + referrals)',
    writers: WRITERS,
    perSecond: Math.round(full),
  });
  const audit = await rewards.ledger.audit();
  if (audit.unbalanced.length || audit.drifted.length) throw new Error('ledger audit failed after the bench');
}

async function epochClose(backend: 'sqlite' | 'postgres', store: Store) {
  const rewards = new RewardsService(store.db, { policy });
  const epoch = 5;
  // Seed: one issue posting crediting every account (not timed).
  let t0 = process.hrtime.bigint();
  await inTransaction(store.db, (tx) =>
    rewards.ledger.post(tx, {
      idemKey: 'seed',
      kind: 'adjustment',
      epoch,
      policyVersion: 1,
      lines: [
        ...Array.from({ length: ACCOUNTS }, (_, i) => ({
          account: operatorAccount(`operator-${i}`),
          amount: MICRO + i,
          kind: 'work' as const,
        })),
        {
          account: TREASURY,
          amount: -(ACCOUNTS * MICRO + (ACCOUNTS * (ACCOUNTS - 1)) / 2),
          kind: 'issue' as const,
        },
      ],
    }),
  );
  const seed = seconds(t0);
  t0 = process.hrtime.bigint();
  const row = await rewards.epochs.settle(epoch, Date.now());
  const settle = seconds(t0);
  t0 = process.hrtime.bigint();
  const table = await rewards.epochs.table(epoch);
  const proofs = seconds(t0);
  if (!table || table.size !== ACCOUNTS || row.size !== ACCOUNTS) throw new Error('wrong payout table size');
  const dir = mkdtempSync(join(tmpdir(), 'sward-payout-bench-'));
  t0 = process.hrtime.bigint();
  await writePayoutFiles(dir, table);
  const files = seconds(t0);
  rmSync(dir, { recursive: true, force: true });
  results.push({
    backend,
    what: `close epoch, ${ACCOUNTS.toLocaleString('en')} accounts`,
    seedSeconds: +seed.toFixed(2),
    settleAndRootSeconds: +settle.toFixed(2),
    proofsSeconds: +proofs.toFixed(2),
    filesSeconds: +files.toFixed(2),
    totalSeconds: +(settle + proofs + files).toFixed(2),
  });
}

for (const backend of ['sqlite', 'postgres'] as const) {
  await withBackend(backend, async (location) => {
    const store = await openStore(location);
    try {
      await postings(backend, store);
    } finally {
      await store.close();
    }
  });
  await withBackend(backend, async (location) => {
    const store = await openStore(location);
    try {
      await epochClose(backend, store);
    } finally {
      await store.close();
    }
  });
}
console.table(results);
// bench/out is git-ignored, so a fresh clone does not have it.
mkdirSync(join(import.meta.dirname, 'out'), { recursive: true });
writeFileSync(
  join(import.meta.dirname, 'out', 'rewards-bench.json'),
  `${JSON.stringify(results, null, 2)}\n`,
);
