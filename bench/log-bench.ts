// Provenance-log benchmark, three parts (each with a baseline measured in the same run):
//   append   leaves/s through LogStore.append in batches of 1000 (one transaction each) on SQLite (file DB
//            in a temp dir) and PostgreSQL (a temp database, dropped after); baseline: core appendPlan alone
//   proofs   LogStore.inclusionProof latency on SQLite trees of 1M and 10M leaves (built with LogStore.append
//            in big transactions); baseline: the same proofs from core's InMemoryNodeStore at 1M
//   verify   `sward verify` (sdk verifyBundleDir) rows/s on a synthetic but faithful 100k-row bundle;
//            baseline: raw ed25519 verifications/s with node:crypto on the same captures
// Usage: node --import tsx bench/log-bench.ts [--parts append,proofs,verify] [--append-leaves 200000]
//          [--proof-sizes 1000000,10000000] [--proofs 2000] [--rows 100000] [--profile FILE]
//          [--pragma-variants 'mmap_size=0;cache_size=-2000|…' (at the last proof size, each set in turn)]
//          [--variant-rounds 2]
//          [--workers N (verify pool size, default min(availableParallelism, 4); 0 = in-process only)]
//          [--passes 2] [--formats 1,2,3 (bundle formats written and verified, same data; 3 adds rights receipts)]
import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@sward/coordinator';
import {
  appendLeaves,
  appendPlan,
  type BundlePageRow,
  bundlePageRowSchema,
  canonicalBytes,
  InclusionVerifier,
  InMemoryNodeStore,
  leafHash,
  publicKeyFromHex,
  readInclusionProof,
  readRoot,
  rootFromInclusionProof,
  type SignedCapture,
  sha256Hex,
  signedCaptureSchema,
  verifyInclusion,
} from '@sward/core';
import { checkManifest, DEFAULT_WORKERS, verifyBundleDir } from '@sward/sdk';
import { z } from 'zod';
import { LogStore } from '../packages/coordinator/src/log/log-store.js';
import { freshPostgresDatabase } from '../test/support/backends.js';
import { benchOption as opt } from './support-args.js';
import { rawVerifyInputs, writeBundle } from './support-bundle.js';
import { formatSummary, startProfiler, summarise } from './support-cpuprofile.js';
import { machineFacts } from './support-proc.js';

const args = process.argv.slice(2);
const parts = opt('parts', 'append,proofs,verify').split(',');
const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const out: string[] = [];
const say = (line: string) => {
  out.push(line);
  process.stderr.write(`${line}\n`);
};

/** Deterministic, distinct leaf hashes without holding millions of them at once. */
function leavesFrom(start: number, count: number): Buffer[] {
  const b = Buffer.alloc(16);
  return Array.from({ length: count }, (_, i) => {
    b.writeDoubleBE(start + i, 0);
    b.writeDoubleBE(7, 8);
    return leafHash(b);
  });
}

async function appendPart(): Promise<void> {
  const total = Number(opt('append-leaves', '200000'));
  const batch = 1000;
  say(`### Append, ${fmt(total)} leaves in batches of ${batch} (one transaction per batch)`);
  say('');
  say('| backend | leaves/s | vs core appendPlan alone (same run) |');
  say('|---|---:|---:|');
  const leaves = leavesFrom(0, total);
  // Baseline: the pure planning cost every backend pays before its write.
  let t0 = process.hrtime.bigint();
  let frontier: Buffer[] = [];
  for (let done = 0; done < total; done += batch)
    frontier = appendPlan(done, leaves.slice(done, done + batch), frontier).frontier;
  const planRate = total / seconds(t0);
  say(`| core appendPlan only (no I/O) | ${fmt(planRate)} | 100% |`);
  const backends: [string, () => Promise<{ url: string; cleanup: () => Promise<void> }>][] = [
    [
      'SQLite (file, WAL)',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'sward-log-bench-'));
        return {
          url: join(dir, 'sward.db'),
          cleanup: async () => rmSync(dir, { recursive: true, force: true }),
        };
      },
    ],
    ['PostgreSQL 127.0.0.1', freshPostgresDatabase],
  ];
  for (const [name, create] of backends) {
    let db: { url: string; cleanup: () => Promise<void> };
    try {
      db = await create();
    } catch (e) {
      say(`| ${name} | not run: ${(e as Error).message} | |`);
      continue;
    }
    try {
      const store = await openStore(db.url);
      const log = new LogStore(store.db);
      t0 = process.hrtime.bigint();
      for (let done = 0; done < total; done += batch) {
        const chunk = leaves.slice(done, done + batch);
        await store.db.transaction((tx) => log.append(tx, done, chunk));
      }
      const rate = total / seconds(t0);
      // Correctness check outside the timing: the stored tree has the in-memory tree's root.
      const mem = new InMemoryNodeStore();
      await appendLeaves(mem, 0, leaves);
      if (!(await log.rootAt(total)).equals(await readRoot(mem, total)))
        throw new Error(`${name}: root mismatch`);
      say(`| ${name} | ${fmt(rate)} | ${((rate / planRate) * 100).toFixed(1)}% |`);
      await store.close();
    } finally {
      await db.cleanup();
    }
  }
  say('');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

async function proofsPart(): Promise<void> {
  const sizes = opt('proof-sizes', '1000000,10000000').split(',').map(Number);
  const nProofs = Number(opt('proofs', '2000'));
  const txLeaves = 200_000;
  // e.g. 'mmap_size=268435456;cache_size=-65536|mmap_size=0;cache_size=-2000': sets of pragmas, `|` between sets
  const variants = opt('pragma-variants', '')
    .split('|')
    .filter(Boolean)
    .map((v) => v.split(';').filter(Boolean));
  for (const p of variants.flat())
    if (!/^[a-z_]+\s*=\s*-?\d+$/.test(p)) throw new Error(`--pragma-variants: not a numeric pragma: ${p}`);
  const variantRounds = Number(opt('variant-rounds', '2'));
  const dir = mkdtempSync(join(tmpdir(), 'sward-log-bench-'));
  say(
    `### Inclusion proofs on SQLite (LogStore.inclusionProof, ${fmt(nProofs)} random leaves per size, warm cache)`,
  );
  say('');
  say(
    '| tree size | build (LogStore.append) | DB size | mean | p50 | p99 | max | in-memory baseline mean (same run) |',
  );
  say('|---:|---:|---:|---:|---:|---:|---:|---:|');
  try {
    const store = await openStore(join(dir, 'sward.db'));
    const log = new LogStore(store.db);
    let size = 0;
    let buildSeconds = 0;
    for (const target of sizes) {
      const t0 = process.hrtime.bigint();
      while (size < target) {
        const n = Math.min(txLeaves, target - size);
        const leaves = leavesFrom(size, n);
        const at = size;
        // Big transactions: the bench builds the tree fast; the API path is measured in the append part.
        await store.db.transaction((tx) => log.append(tx, at, leaves));
        size += n;
      }
      buildSeconds += seconds(t0);
      const root = await log.rootAt(size);
      const picks = Array.from({ length: nProofs }, () => Math.floor(Math.random() * size));
      const measure = async () => {
        // Warm-up pass (not timed): statement cache and page cache, as on a running coordinator.
        for (const i of picks.slice(0, 200)) await log.inclusionProof(i, size);
        const lat: number[] = [];
        for (const i of picks) {
          const t = process.hrtime.bigint();
          const proof = await log.inclusionProof(i, size);
          lat.push(Number(process.hrtime.bigint() - t) / 1e6);
          verifyInclusion(leavesFrom(i, 1)[0] as Buffer, i, size, proof, root);
        }
        return lat.sort((a, b) => a - b);
      };
      const lat = await measure();
      // Baseline: the same proofs from core's in-memory store (keys -> one read -> assemble), no SQL.
      const mem = new InMemoryNodeStore();
      for (let d = 0; d < size; d += txLeaves)
        await appendLeaves(mem, d, leavesFrom(d, Math.min(txLeaves, size - d)));
      const t = process.hrtime.bigint();
      for (const i of picks) await readInclusionProof(mem, i, size);
      const memMean = Number(process.hrtime.bigint() - t) / 1e6 / picks.length;
      const dbBytes = statSync(join(dir, 'sward.db')).size + (statSafe(join(dir, 'sward.db-wal')) ?? 0);
      const ms = (x: number) => `${x.toFixed(3)} ms`;
      const row = (label: string, l: number[]) =>
        say(
          `| ${label} | ${buildSeconds.toFixed(0)} s (${fmt(size / buildSeconds)} leaves/s) | ${(dbBytes / 2 ** 20).toFixed(0)} MiB | ${ms(l.reduce((a, b) => a + b, 0) / l.length)} | ${ms(percentile(l, 0.5))} | ${ms(percentile(l, 0.99))} | ${ms(l[l.length - 1] as number)} | ${ms(memMean)} |`,
        );
      row(fmt(size), lat);
      if (target === sizes[sizes.length - 1] && variants.length) {
        // --pragma-variants: the connection's pragmas changed in place and each set measured in turn,
        // alternating for --variant-rounds rounds, so the settings compare in one run on one warm file.
        for (let r = 1; r <= variantRounds; r++)
          for (const v of variants) {
            await store.db.exec(v.map((p) => `PRAGMA ${p};`).join(' '));
            row(`${fmt(size)}, round ${r}: ${v.join(', ')}`, await measure());
          }
      } else if (target === sizes[sizes.length - 1]) {
        // What a bigger page cache would buy (a recommendation, not what the coordinator sets today).
        await store.db.exec('PRAGMA mmap_size = 4294967296; PRAGMA cache_size = -262144;');
        row(`${fmt(size)} + mmap 4 GiB, cache 256 MiB (bench-only pragmas)`, await measure());
      }
    }
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  say('');
}

function statSafe(p: string): number | undefined {
  try {
    return statSync(p).size;
  } catch {
    return undefined;
  }
}

async function verifyPart(): Promise<void> {
  const rows = Number(opt('rows', '100000'));
  const profileFile = args.includes('--profile') ? opt('profile', '') : '';
  const formats = opt('formats', '1,2,3').split(',').map(Number);
  const root = mkdtempSync(join(tmpdir(), 'sward-verify-bench-'));
  const dirs: Record<number, string> = Object.fromEntries(formats.map((f) => [f, join(root, `format-${f}`)]));
  try {
    const t0 = process.hrtime.bigint();
    const { captures } = await writeBundle(dirs, rows);
    const genSeconds = seconds(t0);
    // Baseline: ed25519 verify with node:crypto over the same signed bytes, keys parsed once per node.
    const { msgs, sigs, keys } = rawVerifyInputs(captures);
    const rawRun = () => {
      const t = process.hrtime.bigint();
      for (let i = 0; i < captures.length; i++)
        if (!cryptoVerify(null, msgs[i] as Buffer, keys[i] as KeyObject, sigs[i] as Buffer))
          throw new Error('raw verify failed');
      return captures.length / seconds(t);
    };
    const poolSize = Number(opt('workers', String(DEFAULT_WORKERS())));
    const verifyRun = async (dir: string, format: number, workers: number, profile: boolean) => {
      const prof = profile && profileFile ? await startProfiler(profileFile) : null;
      const t = process.hrtime.bigint();
      const r = await verifyBundleDir(dir, [], { workers });
      const rate = r.rows / seconds(t);
      const summary = prof ? summarise(await prof.stop()) : null;
      if (r.failures.length || r.rowsOk !== rows || r.workers !== workers)
        throw new Error(`verify failed: ${JSON.stringify(r.failures.slice(0, 3))}`);
      // "All checks on": every check ran and passed, the anchor chain included (nothing left unchecked
      // but the log key, which a bundle-trusted key cannot check, checks of files this bundle does not
      // have, and --rederive, which this bench does not ask for: bench/rederive-bench.ts measures it).
      // Rights receipts (issue #15) come with format 3 leaves: checked there, nothing to check before.
      const expected = new Set(['log key', 'consistency proofs', 'skip evidence', 'rederive']);
      if (format < 3) expected.add('rights receipts');
      const receipts = r.checks.find((l) => l.check === 'rights receipts');
      const receiptsOk =
        receipts?.status === 'checked' && receipts.detail.startsWith(`${rows} pages with receipts`);
      if (format >= 3 && !receiptsOk)
        throw new Error(`format ${format}: rights receipts ${JSON.stringify(receipts)}`);
      const notRun = r.checks.filter((l) => l.status !== 'checked').map((l) => l.check);
      if (notRun.some((c) => !expected.has(c))) throw new Error(`checks not run: ${notRun.join(', ')}`);
      return { rate, summary };
    };
    const load = () => loadavg()[0]?.toFixed(2);
    say(`### \`sward verify\` on a ${fmt(rows)}-row bundle (generated in ${genSeconds.toFixed(0)} s)`);
    say('');
    say(
      `In-process = \`verifyBundleDir(dir, [], { workers: 0 })\`, one thread like the raw loop. Pooled = ${poolSize} worker threads (the default here), which can pass 100 % of the single-threaded raw rate. 1-min load average before each pass in the last column.`,
    );
    say('');
    const heads = formats.flatMap((f) => [`format ${f} in-process rows/s`, '/ raw']);
    const poolHeads = poolSize > 0 ? formats.flatMap((f) => [`format ${f} pooled rows/s`, '/ raw']) : [];
    say(
      `| pass | raw ed25519 verify/s (node:crypto, 1 thread) | ${[...heads, ...poolHeads].join(' | ')} | load |`,
    );
    say(`|---:|---:|${[...heads, ...poolHeads].map(() => '---:|').join('')}---:|`);
    // Interleaved passes, so a noisy neighbour hits both sides of each ratio alike.
    let summary = null;
    const passes = Number(opt('passes', '2'));
    const last = formats[formats.length - 1] as number;
    for (let pass = 1; pass <= passes; pass++) {
      const before = load();
      const raw = rawRun();
      const cells: string[] = [];
      const pct = (r: number) => `${((r / raw) * 100).toFixed(0)}%`;
      for (const f of formats) {
        // The profile, when asked for, is of the newest format's in-process run in pass 2.
        const single = await verifyRun(dirs[f] as string, f, 0, pass === 2 && f === last);
        summary = single.summary ?? summary;
        cells.push(fmt(single.rate), pct(single.rate));
      }
      if (poolSize > 0)
        for (const f of formats) {
          const pooled = (await verifyRun(dirs[f] as string, f, poolSize, false)).rate;
          cells.push(fmt(pooled), pct(pooled));
        }
      say(`| ${pass} | ${fmt(raw)} | ${cells.join(' | ')} | ${before} |`);
    }
    say('');
    if (dirs[1]) await breakdown(dirs[1], Math.min(rows, 20_000));
    if (dirs[2]) await breakdown2(dirs[2], rows);
    if (summary) say(formatSummary(summary, `verifyBundleDir in-process, format ${last}, pass 2`));
  } finally {
    if (args.includes('--keep')) say(`bundles kept in ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
  say('');
}

/**
 * What one row costs, step by step, on the first `n` rows of the bundle (same run as the rates above):
 * the per-row work verifyRow + verifyBundleDir do, each timed alone, next to the raw signature check.
 */
async function breakdown(dir: string, n: number): Promise<void> {
  const lines = readFileSync(join(dir, 'pages.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, n);
  const rows = lines.map((l) => JSON.parse(l) as BundlePageRow & { signedCapture: SignedCapture });
  const steps: [string, () => unknown | Promise<unknown>][] = [];
  const each =
    <T>(f: (r: (typeof rows)[number], i: number) => T) =>
    () => {
      for (let k = 0; k < rows.length; k++) f(rows[k] as (typeof rows)[number], k);
    };
  const keyCache = new Map<string, ReturnType<typeof publicKeyFromHex>>();
  const key = (id: string) => {
    let k = keyCache.get(id);
    if (!k) {
      k = publicKeyFromHex(id);
      keyCache.set(id, k);
    }
    return k;
  };
  const capBytes = rows.map((r) => canonicalBytes(r.signedCapture.capture));
  const sigs = rows.map((r) => Buffer.from(r.signedCapture.signature, 'base64'));
  const bodies = rows.map((r) => readFileSync(join(dir, r.blobPath)));
  steps.push([
    'ed25519 verify, key parsed once per node (the raw baseline)',
    each((r, i) => cryptoVerify(null, capBytes[i] as Buffer, key(r.nodeId), sigs[i] as Buffer)),
  ]);
  steps.push([
    'publicKeyFromHex (verifyBytes, per row; cached by node id since the first fixes)',
    each((r) => publicKeyFromHex(r.nodeId)),
  ]);
  steps.push([
    'JSON.parse of the pages.jsonl line',
    () => {
      for (const l of lines) JSON.parse(l);
    },
  ]);
  steps.push([
    'zod: bundlePageRowSchema + signedCaptureSchema (as parsed before)',
    each((r) => bundlePageRowSchema.safeParse(r) && signedCaptureSchema.safeParse(r.signedCapture)),
  ]);
  const rowParser = z.compile(bundlePageRowSchema);
  const captureParser = z.compile(signedCaptureSchema);
  steps.push([
    'zod, the same schemas through z.compile (as the verifier parses now)',
    each((r) => rowParser.safeParse(r) && captureParser.safeParse(r.signedCapture)),
  ]);
  steps.push([
    'canonicalBytes(capture) (the verifier now builds the leaf bytes around it)',
    each((r) => canonicalBytes(r.signedCapture.capture)),
  ]);
  steps.push(['sha256 of the body (checkCaptureBody)', each((_r, i) => sha256Hex(bodies[i] as Buffer))]);
  const first = rows[0] as (typeof rows)[number];
  const decode = (r: (typeof rows)[number]) =>
    r.provenance.inclusionProof.map((h) => Buffer.from(h, 'base64'));
  // Every row proves against the one sealing checkpoint, so its root is computed once, outside the timing.
  const root = rootFromInclusionProof(
    leafHash(canonicalBytes(first.signedCapture)),
    first.provenance.leafIndex,
    first.provenance.checkpointSize,
    decode(first),
  );
  steps.push([
    'leaf hash + verifyInclusion (base64 decode + every path hash)',
    each((r) =>
      verifyInclusion(
        leafHash(canonicalBytes(r.signedCapture)),
        r.provenance.leafIndex,
        r.provenance.checkpointSize,
        decode(r),
        root,
      ),
    ),
  ]);
  steps.push([
    "leaf hash + InclusionVerifier (stops where the previous row's verified path joins, as the verifier)",
    () => {
      const paths = new InclusionVerifier();
      for (const r of rows)
        paths.verify(
          leafHash(canonicalBytes(r.signedCapture)),
          r.provenance.leafIndex,
          r.provenance.checkpointSize,
          r.provenance.inclusionProof,
          root,
        );
    },
  ]);
  steps.push(['blob read, readFileSync', each((r) => readFileSync(join(dir, r.blobPath)))]);
  say(`Per-row cost, each step timed alone over the first ${fmt(n)} rows (same run):`);
  say('');
  say('| step | µs/row |');
  say('|---|---:|');
  for (const [name, run] of steps) {
    await run(); // warm
    const t = process.hrtime.bigint();
    await run();
    say(`| ${name} | ${((seconds(t) / n) * 1e6).toFixed(1)} |`);
  }
  const t = process.hrtime.bigint();
  const v = await verifyBundleDir(dir, [], { workers: 0 });
  say(
    `| whole verifyBundleDir in-process, per row (all ${fmt(v.rows)} rows) | ${((seconds(t) / v.rows) * 1e6).toFixed(1)} |`,
  );
  const cps = JSON.parse(readFileSync(join(dir, 'provenance/checkpoints.json'), 'utf8'));
  const tm = process.hrtime.bigint();
  const m = await checkManifest(dir, [cps.verifierKey], cps);
  if (m.failures.length) throw new Error(`manifest: ${JSON.stringify(m.failures.slice(0, 2))}`);
  say(
    `| checkManifest alone, every one of ${fmt(m.filesChecked)} files read and hashed (verify before the body hashes were shared), per row | ${((seconds(tm) / v.rows) * 1e6).toFixed(1)} |`,
  );
  // As verify runs it now: the blobs the rows read and hashed are not read again (all rows are good here).
  const hashed = new Map(
    lines.length === v.rows
      ? rows.map((r) => [r.blobPath, { sha256: r.bodySha256, size: r.bodyLength }])
      : readFileSync(join(dir, 'pages.jsonl'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as BundlePageRow)
          .map((r) => [r.blobPath, { sha256: r.bodySha256, size: r.bodyLength }]),
  );
  const th = process.hrtime.bigint();
  const mh = await checkManifest(dir, [cps.verifierKey], cps, hashed);
  if (mh.failures.length) throw new Error(`manifest: ${JSON.stringify(mh.failures.slice(0, 2))}`);
  say(
    `| of which checkManifest as verify runs it (list the folder, hash only what the rows did not), per row | ${((seconds(th) / v.rows) * 1e6).toFixed(1)} |`,
  );
  say('');
}

/** Format 2's per-row costs: the whole verify, and the manifest check (the pack and pages.jsonl hashed). */
async function breakdown2(dir: string, rows: number): Promise<void> {
  const t = process.hrtime.bigint();
  const v = await verifyBundleDir(dir, [], { workers: 0 });
  const whole = seconds(t);
  const cps = JSON.parse(readFileSync(join(dir, 'provenance/checkpoints.json'), 'utf8'));
  const tm = process.hrtime.bigint();
  const m = await checkManifest(dir, [cps.verifierKey], cps);
  if (m.failures.length || v.failures.length) throw new Error('format 2 bundle failed');
  say('Format 2, per row:');
  say('');
  say('| step | µs/row |');
  say('|---|---:|');
  say(`| whole verifyBundleDir in-process (all ${fmt(rows)} rows) | ${((whole / rows) * 1e6).toFixed(1)} |`);
  say(
    `| of which checkManifest (${m.filesChecked} files, the pack and pages.jsonl read and hashed) | ${((seconds(tm) / rows) * 1e6).toFixed(1)} |`,
  );
  say('');
}

process.stderr.write(`${machineFacts()}\n`);
if (parts.includes('append')) await appendPart();
if (parts.includes('proofs')) await proofsPart();
if (parts.includes('verify')) await verifyPart();
process.stdout.write(`${out.join('\n')}\n`);
