import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ClaimProof, OperatorStatus, Store } from '@sward/coordinator';
import { type Command, InvalidArgumentError } from 'commander';
import { defaultCoordinatorUrl } from '../options.js';

/** Where these commands write; tests swap it. */
export interface RewardsIo {
  out(text: string): void;
  err(text: string): void;
}
const defaultIo: RewardsIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

const dbOption = [
  '--db <location>',
  'SQLite file path or postgres:// URL',
  process.env.SWARD_DB ?? 'sward-data/sward.db',
] as const;

export async function openDb(location: string): Promise<Store> {
  const { openStore } = await import('@sward/coordinator');
  return openStore(/^postgres/.test(location) ? location : resolve(location));
}

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
    const doc = JSON.parse(readFileSync(f.proof, 'utf8')) as Record<string, unknown>;
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
    .action(async (f: VerifyFlags) => {
      const { MICRO, verifyClaim } = await import('@sward/coordinator');
      const { verifyAnchorFileText, verifyAnchorRef } = await import('@sward/core');
      let parsed: ReturnType<typeof claimFromFlags>;
      try {
        parsed = claimFromFlags(f);
      } catch (e) {
        // A bad proof argument is the user's to fix: one line, no stack.
        if (!(e instanceof InvalidArgumentError || e instanceof SyntaxError)) throw e;
        io.err(`sward rewards verify-claim: ${e.message}\n`);
        process.exitCode = 2;
        return;
      }
      const { claim, anchor } = parsed;
      const r = verifyClaim(f.root.toLowerCase(), claim);
      if (!r.ok) {
        io.err(`claim does NOT verify: ${r.reason}\n`);
        process.exitCode = 1;
        return;
      }
      io.out(
        `claim ok: ${claim.account} is owed ${claim.amount} micro-points (${claim.amount / MICRO} points) ` +
          `in epoch ${claim.epoch}, leaf ${claim.index} of ${claim.size}, root ${f.root}\n`,
      );
      if (f.anchorFile) {
        if (!anchor) {
          io.err('no anchor ref in the proof file to check\n');
          process.exitCode = 1;
          return;
        }
        verifyAnchorRef(anchor, f.root.toLowerCase(), {
          fileChain: verifyAnchorFileText(readFileSync(f.anchorFile, 'utf8')),
        });
        io.out(`anchor ok: root is entry ${(anchor as { seq: number }).seq} of ${f.anchorFile}\n`);
      }
    });

  rewards
    .command('close-epoch')
    .description('close an ended epoch: payout table, Merkle root, proofs, anchor (directly on the database)')
    .option(...dbOption)
    .option('--epoch <n>', 'epoch to close (default: the last ended one)', wholeNumber)
    .option('--out <dir>', 'where epoch-<n>.json and .csv go', 'sward-data/payouts')
    .option('--anchor-file <file>', 'anchor the root in this append-only anchor file')
    .action(async (o: { db: string; epoch?: number; out: string; anchorFile?: string }) => {
      const { FileAnchor, RewardsService } = await import('@sward/coordinator');
      const store = await openDb(o.db);
      const anchor = o.anchorFile ? await FileAnchor.open(resolve(o.anchorFile)) : undefined;
      try {
        const rewards = new RewardsService(store.db, { ...(anchor ? { anchor } : {}) });
        const { epoch, files } = await rewards.closeEpoch(o.epoch, { outDir: resolve(o.out) });
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
    .option('--coordinator <url>', 'ask this coordinator instead of a database')
    .option('--api-key <key>', 'API key for --coordinator (or SWARD_API_KEY)')
    .option('--json', 'print the status as JSON')
    .action(async (f: StatusFlags, cmd: Command) => {
      const { MICRO, RewardsService } = await import('@sward/coordinator');
      const parent = cmd.parent?.opts<{ operator?: string; coordinator?: string }>() ?? {};
      const operator = f.operator ?? parent.operator;
      let status: OperatorStatus;
      if (f.db) {
        const store = await openDb(f.db);
        try {
          const rewards = new RewardsService(store.db);
          if (f.node) status = await rewards.nodeStatus(f.node);
          else if (operator) status = await rewards.operatorStatus(operator);
          else cmd.error('sward node status: give --operator or --node', { exitCode: 2 });
        } finally {
          await store.close();
        }
      } else {
        if (!operator) cmd.error('sward node status: give --operator (or --db with --node)', { exitCode: 2 });
        const base = (f.coordinator ?? parent.coordinator ?? defaultCoordinatorUrl()).replace(/\/+$/, '');
        const key = f.apiKey ?? process.env.SWARD_API_KEY;
        const res = await fetch(`${base}/v1/rewards/operators/${encodeURIComponent(operator)}/status`, {
          headers: key ? { authorization: `Bearer ${key}` } : {},
        });
        if (!res.ok) {
          io.err(`sward node status: ${res.status} ${await res.text()}\n`);
          process.exitCode = 1;
          return;
        }
        status = (await res.json()) as OperatorStatus;
      }
      io.out(f.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status, MICRO));
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
