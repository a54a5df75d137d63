import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ClaimProof, OperatorStatus } from '@sward/coordinator';
import { type Command, InvalidArgumentError } from 'commander';
import { CliError } from '../cli-error.js';
import { COORDINATOR_HELP, coordinatorUrl, DB_HELP, dbLocation, writeJson } from '../options.js';

/** Where these commands write; tests swap it. */
export interface RewardsIo {
  out(text: string): void;
  err(text: string): void;
}
const defaultIo: RewardsIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

const dbOption = ['--db <location>', DB_HELP] as const;

const wholeNumber = (v: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new InvalidArgumentError(`expected a whole number, got "${v}"`);
  return n;
};

interface VerifyFlags {
  root: string;
  account: string;
  amount: number;
  proof: string;
  epoch?: number;
  index?: number;
  size?: number;
  anchorFile?: string;
}

/**
 * The claim to check: --proof is an epoch-<n>.json payout table (the account's entry is used), a
 * single claim JSON, or the proof hashes inline (comma-separated hex) with --epoch, --index and --size.
 */
export function claimFromFlags(f: VerifyFlags): { claim: ClaimProof; anchor: unknown } {
  if (existsSync(f.proof)) {
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(readFileSync(f.proof, 'utf8')) as Record<string, unknown>;
    } catch (cause) {
      throw new CliError(
        'INPUT',
        `--proof ${f.proof} is not a JSON claim or payout table: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    if (typeof doc !== 'object' || doc === null)
      throw new CliError('INPUT', `--proof ${f.proof} is not a JSON claim or payout table`);
    const claims = Array.isArray(doc.claims) ? (doc.claims as ClaimProof[]) : [doc as unknown as ClaimProof];
    const found = claims.find((c) => c.account === f.account);
    if (!found) throw new InvalidArgumentError(`${f.proof} has no claim for account ${f.account}`);
    return { claim: { ...found, account: f.account, amount: f.amount }, anchor: doc.anchor ?? null };
  }
  if (f.epoch === undefined || f.index === undefined || f.size === undefined)
    throw new InvalidArgumentError('an inline --proof needs --epoch, --index and --size');
  return {
    claim: {
      epoch: f.epoch,
      index: f.index,
      size: f.size,
      account: f.account,
      amount: f.amount,
      proof: f.proof ? f.proof.split(',').map((h) => h.trim()) : [],
    },
    anchor: null,
  };
}

export function register(program: Command, io: RewardsIo = defaultIo): void {
  const rewards = program.command('rewards').description('points ledger: check payout claims, close epochs');

  rewards
    .command('verify-claim')
    .description('check offline that an account is owed an amount under an epoch payout root')
    .requiredOption('--root <hex>', 'the epoch Merkle root (64 hex)')
    .requiredOption('--account <account>', 'ledger account, e.g. op:alice')
    .requiredOption('--amount <micro-points>', 'claimed amount in micro-points', wholeNumber)
    .requiredOption('--proof <file|hex,…>', 'epoch-<n>.json, a claim JSON, or comma-separated proof hashes')
    .option('--epoch <n>', 'epoch number (inline proof)', wholeNumber)
    .option('--index <n>', 'leaf index (inline proof)', wholeNumber)
    .option('--size <n>', 'number of claims in the epoch (inline proof)', wholeNumber)
    .option('--anchor-file <file>', 'also check the table’s anchor ref against this anchor file')
    .option('--json', 'print {ok, claim, anchorSeq} as JSON')
    .action(async (f: VerifyFlags & { json?: boolean }) => {
      const { MICRO, verifyClaim } = await import('@sward/coordinator');
      const { verifyAnchorFileText, verifyAnchorRef } = await import('@sward/core');
      // A bad --proof (InvalidArgumentError) is a usage error: the one handler (run-cli.ts) says so.
      const { claim, anchor } = claimFromFlags(f);
      const r = verifyClaim(f.root.toLowerCase(), claim);
      if (f.json && !r.ok) writeJson({ ok: false, reason: r.reason, claim }, io.out);
      if (!r.ok) throw new CliError('FAILED', `claim does NOT verify: ${r.reason}`);
      let anchorSeq: number | null = null;
      if (f.anchorFile) {
        if (!anchor)
          throw new CliError('INPUT', `--proof ${f.proof} has no anchor ref to check against --anchor-file`);
        verifyAnchorRef(anchor, f.root.toLowerCase(), {
          fileChain: verifyAnchorFileText(readFileSync(f.anchorFile, 'utf8')),
        });
        anchorSeq = (anchor as { seq: number }).seq;
      }
      if (f.json) return writeJson({ ok: true, claim, anchorSeq }, io.out);
      io.out(
        `claim ok: ${claim.account} is owed ${claim.amount} micro-points (${claim.amount / MICRO} points) ` +
          `in epoch ${claim.epoch}, leaf ${claim.index} of ${claim.size}, root ${f.root}\n`,
      );
      if (anchorSeq !== null) io.out(`anchor ok: root is entry ${anchorSeq} of ${f.anchorFile}\n`);
    });

  rewards
    .command('close-epoch')
    .description('close an ended epoch: payout table, Merkle root, proofs, anchor (directly on the database)')
    .option(...dbOption)
    .option('--epoch <n>', 'epoch to close (default: the last ended one)', wholeNumber)
    .option('--out <dir>', 'where epoch-<n>.json and .csv go', 'sward-data/payouts')
    .option('--anchor-file <file>', 'anchor the root in this append-only anchor file')
    .option('--json', 'print the closed epoch and its files as JSON')
    .action(async (o: { db?: string; epoch?: number; out: string; anchorFile?: string; json?: boolean }) => {
      const { FileAnchor, RewardsService } = await import('@sward/coordinator');
      const { openDb, localActor } = await import('../open-db.js');
      const store = await openDb(dbLocation(o.db));
      const anchor = o.anchorFile ? await FileAnchor.open(resolve(o.anchorFile)) : undefined;
      try {
        const rewards = new RewardsService(store.db, { ...(anchor ? { anchor } : {}) });
        const { epoch, files } = await rewards.closeEpoch(o.epoch, { outDir: resolve(o.out) });
        await store.audit.record({
          actor: localActor(),
          action: 'epoch.close',
          target: String(epoch.epoch),
          detail: { root: epoch.root, total: epoch.total },
        });
        if (o.json) return writeJson({ epoch, files: files ?? null }, io.out);
        io.out(
          `epoch ${epoch.epoch} closed: ${epoch.size} accounts, ${epoch.total} micro-points, root ${epoch.root}\n` +
            (files ? `  ${files.json}\n  ${files.csv}\n` : ''),
        );
      } finally {
        await anchor?.close();
        await store.close();
      }
    });
}

interface StatusFlags {
  db?: string;
  operator?: string;
  node?: string;
  coordinator?: string;
  apiKey?: string;
  json?: boolean;
}

/**
 * `sward node status`: attach to the `node` command with `addNodeStatusCommand(nodeCommand)`. Reads
 * the database directly (--db) or asks a coordinator with an API key (--coordinator, --api-key).
 */
export function addNodeStatusCommand(node: Command, io: RewardsIo = defaultIo): Command {
  return node
    .command('status')
    .description('your earnings per epoch: pages, bytes, acceptance, credibility, uptime, points, flags')
    .option('--db <location>', 'read the coordinator database directly (SQLite path or postgres:// URL)')
    .option('--operator <name>', 'operator name')
    .option('--node <id>', 'node id (its operator is shown)')
    .option('--coordinator <url>', `ask this coordinator instead of a database: ${COORDINATOR_HELP}`)
    .option('--api-key <key>', 'API key for --coordinator (env SWARD_API_KEY)')
    .option('--json', 'print the status as JSON')
    .action(async (f: StatusFlags, cmd: Command) => {
      const { MICRO, RewardsService } = await import('@sward/coordinator');
      const parent = cmd.parent?.opts<{ operator?: string; coordinator?: string }>() ?? {};
      const operator = f.operator ?? parent.operator;
      let status: OperatorStatus;
      if (f.db) {
        const { openDb } = await import('../open-db.js');
        const store = await openDb(dbLocation(f.db));
        try {
          const rewards = new RewardsService(store.db);
          if (f.node) status = await rewards.nodeStatus(f.node);
          else if (operator) status = await rewards.operatorStatus(operator);
          else throw new CliError('USAGE', 'give --operator or --node');
        } finally {
          await store.close();
        }
      } else {
        if (!operator) throw new CliError('USAGE', 'give --operator (or --db with --node)');
        const { SwardClient } = await import('@sward/sdk');
        const client = new SwardClient({
          url: coordinatorUrl(f.coordinator ?? parent.coordinator),
          apiKey: f.apiKey || process.env.SWARD_API_KEY || '',
        });
        status = await client.operatorStatus(operator);
      }
      if (f.json) writeJson(status, io.out);
      else io.out(formatStatus(status, MICRO));
    });
}

/**
 * Human text of an operator's status, newest epoch first. `MICRO` (the ledger's unit) is passed in by
 * the action, so loading this file for `sward --help` loads no coordinator code.
 */
export function formatStatus(s: OperatorStatus, MICRO: number): string {
  const pts = (micro: number): string => (micro / MICRO).toFixed(2);
  const lines = [
    `operator ${s.operator}  referral code ${s.referralCode ?? '-'}${s.referredBy ? `  referred by ${s.referredBy}` : ''}`,
    `pending ${pts(s.pending.work)} points (work+availability), ${pts(s.pending.referral)} referral, ` +
      `${pts(s.pending.held)} held for review; settled ${pts(s.settled)} points`,
  ];
  for (const n of s.nodes)
    lines.push(
      `node ${n.nodeId.slice(0, 16)}  credibility ${n.credibility.toFixed(3)} (×${(n.multiplierBps / 10_000).toFixed(2)})`,
      ...n.reasons.map((r) => `    ${r}`),
    );
  for (const f of s.flags) lines.push(`flag ${f.id} ${f.kind} ${f.status}: ${JSON.stringify(f.evidence)}`);
  lines.push(
    'epoch   state   pages    bytes        accept  uptime_h  work     avail   ref_l1  ref_l2  held    clawed  paid',
  );
  for (const e of s.epochs)
    lines.push(
      [
        String(e.epoch).padEnd(7),
        (e.closed ? 'closed' : 'open').padEnd(7),
        String(e.pagesStored).padEnd(8),
        String(e.bytesServed).padEnd(12),
        (e.acceptanceRate === null ? '-' : `${(100 * e.acceptanceRate).toFixed(1)}%`).padEnd(7),
        (e.uptimeMs / 3600_000).toFixed(1).padEnd(9),
        pts(e.workPoints).padEnd(8),
        pts(e.availabilityPoints).padEnd(7),
        pts(e.referral.level1).padEnd(7),
        pts(e.referral.level2).padEnd(7),
        pts(e.referral.held).padEnd(7),
        pts(e.clawedBack).padEnd(7),
        pts(e.paidOut),
      ].join(' '),
    );
  return `${lines.join('\n')}\n`;
}
