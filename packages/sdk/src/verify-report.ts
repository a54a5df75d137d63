import type { AnchorChainStatus, AnchorOrderStatus, BundleFailure } from '@sward/core';

/** checked: the check ran and passed; failed: it ran and found problems; not_checked: it did not run. */
export type CheckStatus = 'checked' | 'not_checked' | 'failed';

/** One line of the report: what was (or was not) checked, and how it went. */
export interface CheckLine {
  check: string;
  status: CheckStatus;
  detail: string;
}

/** What the report lines are made from: verifyBundleDir's findings, nothing recomputed. */
export interface ReportInput {
  rows: number;
  failures: readonly BundleFailure[];
  /** The bundle's checkpoints as the verifier parsed them; null when the file was missing or malformed. */
  checkpoints: { checkpoints: { anchor: unknown }[]; consistency: unknown[] } | null;
  trustedFromBundle: boolean;
  /** Bundle files (relative paths) that no check reads. */
  uncovered: readonly string[];
  /** What `--rpc` found on chain; null or absent when no RPC URL was given. */
  onChain?: { checked: number } | null;
  /**
   * Consistency between checkpoints of consecutive sizes: the pairs, and the proofs verified and passed;
   * absent: none counted as passed.
   */
  consistency?: { pairs: number; passed: number } | null;
  /** What the bundle's file anchor chains showed; null or absent when not read. */
  anchorChains?: AnchorChainStatus | null;
  /** Whether each ledger anchors the checkpoints in size order; null or absent when not read. */
  anchorOrder?: AnchorOrderStatus | null;
}

/** Files a crawl writes that verify does not read yet, and why each matters. */
const UNCOVERED_WHY: Record<string, string> = {
  'documents.jsonl': 'not covered yet: documents are not compared with the captures they came from',
  'documents-dropped.jsonl': 'not covered yet',
  'skipped.jsonl': 'not covered yet: skip reasons are not checked against signed captures',
  'compliance.json': "not covered yet: the policy documents' captures are not checked",
  'pages.warc.gz': 'not covered yet: the WARC records are not compared with the rows',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The report's lines, one per kind of check, then one per bundle file no check reads. A line says
 * "checked" only for a check that ran on everything it names; rows that stopped at an earlier check
 * (not JSON, bad signature) are counted out of the later lines rather than claimed.
 */
export function reportLines(r: ReportInput): CheckLine[] {
  const lines: CheckLine[] = [];
  const of = (check: string) => r.failures.filter((f) => f.check === check);
  const rowFailures = (check: string) => new Set(of(check).flatMap((f) => (f.row === null ? [] : [f.row])));
  const bundleFormat = r.failures.filter((f) => f.check === 'format' && f.row === null);
  const first = (fs: readonly BundleFailure[]) =>
    fs[0] ? `${fs[0].row === null ? '' : `row ${fs[0].row}: `}${fs[0].message}` : '';

  const missingRows = bundleFormat.find((f) => f.message.startsWith('pages.jsonl'));
  const badFormat = rowFailures('format');
  const badSignature = rowFailures('signature');
  if (missingRows) lines.push({ check: 'rows', status: 'failed', detail: missingRows.message });
  else if (r.rows === 0)
    lines.push({ check: 'rows', status: 'not_checked', detail: 'pages.jsonl has no rows' });
  else
    lines.push(
      badFormat.size
        ? {
            check: 'rows',
            status: 'failed',
            detail: `${badFormat.size} of ${plural(r.rows, 'row')} malformed; first: ${first(of('format').filter((f) => f.row !== null))}`,
          }
        : { check: 'rows', status: 'checked', detail: `${plural(r.rows, 'row')} well-formed` },
    );
  // A row stops at a format or signature failure: the checks after those did not run on it.
  const reachedSignature = r.rows - badFormat.size;
  const reachedRest = reachedSignature - badSignature.size;
  const rowCheck = (check: string, name: string, reached: number, what: string) => {
    const bad = rowFailures(check);
    if (reached <= 0) {
      lines.push({ check: name, status: 'not_checked', detail: 'no row got this far' });
      return;
    }
    const skipped = r.rows - reached;
    const scope = skipped
      ? `${reached} of ${plural(r.rows, 'row')} (${skipped} stopped at an earlier check)`
      : plural(reached, 'row');
    lines.push(
      bad.size
        ? {
            check: name,
            status: 'failed',
            detail: `${bad.size} of ${plural(reached, 'row')} failed${skipped ? ` (${skipped} more stopped at an earlier check)` : ''}; first: ${first(of(check))}`,
          }
        : { check: name, status: 'checked', detail: `${scope}: ${what}` },
    );
  };
  rowCheck('signature', 'signatures', reachedSignature, 'each capture verifies under its node key');
  rowCheck('record', 'records', reachedRest, 'row fields match the signed capture');
  rowCheck(
    'body',
    'bodies',
    reachedRest,
    'each body matches its signed hash and length; bytes of body files that no row names are the files check',
  );
  rowCheck('order', 'log order', reachedRest, 'rows come in ascending leaf order');
  rowCheck('inclusion', 'inclusion proofs', reachedRest, "each row's leaf is in its checkpoint");

  const cps = r.checkpoints;
  const cpFailures = [...bundleFormat.filter((f) => f !== missingRows), ...of('checkpoint')];
  if (!cps)
    lines.push({ check: 'checkpoints', status: 'failed', detail: first(cpFailures) || 'not readable' });
  else
    lines.push(
      cpFailures.length
        ? {
            check: 'checkpoints',
            status: 'failed',
            detail: `${cpFailures.length} failed; first: ${first(cpFailures)}`,
          }
        : {
            check: 'checkpoints',
            status: 'checked',
            detail: `${plural(cps.checkpoints.length, 'signed checkpoint')} verify`,
          },
    );
  if (cps) {
    const { pairs, passed } = r.consistency ?? { pairs: cps.checkpoints.length - 1, passed: 0 };
    const bad = of('consistency');
    lines.push(
      bad.length
        ? {
            check: 'consistency proofs',
            status: 'failed',
            detail: `${plural(bad.length, 'problem')} (${pairs} ${pairs === 1 ? 'pair' : 'pairs'} of sizes); first: ${first(bad)}`,
          }
        : pairs <= 0
          ? { check: 'consistency proofs', status: 'not_checked', detail: 'one checkpoint: nothing to link' }
          : passed < pairs
            ? {
                check: 'consistency proofs',
                status: 'not_checked',
                detail: `${pairs - passed} of ${plural(pairs, 'proof')} not checked: a checkpoint of the pair did not verify`,
              }
            : {
                check: 'consistency proofs',
                status: 'checked',
                detail: `${plural(pairs, 'proof')} link consecutive checkpoints`,
              },
    );
    lines.push(
      ...anchorLines(cps.checkpoints, of('anchor'), first, r.onChain ?? null, of('anchor on chain')),
    );
    const chainLine = anchorChainLine(r.anchorChains ?? null, of('anchor chain'), first);
    if (chainLine) lines.push(chainLine);
    const orderLine = anchorOrderLine(r.anchorOrder ?? null, of('anchor order'), first);
    if (orderLine) lines.push(orderLine);
  }
  lines.push(
    r.trustedFromBundle
      ? {
          check: 'log key',
          status: 'not_checked',
          detail:
            'trusted the key written in the bundle, which proves integrity, not origin; pass --trusted-key',
        }
      : { check: 'log key', status: 'checked', detail: 'checkpoints are signed by a key you trust' },
  );
  for (const file of r.uncovered)
    lines.push({
      check: file,
      status: 'not_checked',
      detail: UNCOVERED_WHY[file] ?? 'not a file verify knows',
    });
  return lines;
}

function anchorLines(
  checkpoints: readonly { anchor: unknown }[],
  failures: readonly BundleFailure[],
  first: (fs: readonly BundleFailure[]) => string,
  onChain: { checked: number } | null,
  onChainFailures: readonly BundleFailure[],
): CheckLine[] {
  const kinds = new Map<string, number>();
  for (const c of checkpoints) {
    const kind = (c.anchor as { kind?: unknown } | null)?.kind;
    const k = typeof kind === 'string' ? kind : 'none';
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
  }
  const how: Record<string, string> = {
    file: 'entry hash recomputes and is signed by the log key',
    solana: 'the signed transaction carries the checkpoint hash in its memo, checked offline',
  };
  const what = [...kinds].map(([k, n]) => `${n} ${k}: ${how[k] ?? 'unknown kind'}`).join('; ');
  const lines: CheckLine[] = [
    failures.length
      ? {
          check: 'anchors',
          status: 'failed',
          detail: `${failures.length} of ${checkpoints.length}; first: ${first(failures)}`,
        }
      : { check: 'anchors', status: 'checked', detail: what },
  ];
  const check = 'anchors on chain';
  const solana = kinds.get('solana') ?? 0;
  if (!solana) return lines;
  if (!onChain)
    lines.push({
      check,
      status: 'not_checked',
      detail: 'no --rpc given: the Solana transactions are checked as signed, not that they landed on chain',
    });
  else if (onChainFailures.length)
    lines.push({
      check,
      status: 'failed',
      detail: `${onChainFailures.length} problem${onChainFailures.length === 1 ? '' : 's'}; first: ${first(onChainFailures)}`,
    });
  else if (onChain.checked < solana)
    lines.push({
      check,
      status: 'failed',
      detail: `${solana - onChain.checked} of ${solana} Solana anchors failed offline, so were not looked up`,
    });
  else
    lines.push({
      check,
      status: 'checked',
      detail: `${plural(onChain.checked, 'transaction')} found on chain through --rpc: the same signed bytes (memo = checkpoint hash), confirmed, without error, in the slot the bundle names`,
    });
  return lines;
}

/** The file anchor chain's line: link by link for the chains the bundle ships, else said not checked. */
function anchorChainLine(
  s: AnchorChainStatus | null,
  failures: readonly BundleFailure[],
  first: (fs: readonly BundleFailure[]) => string,
): CheckLine | null {
  if (!s || s.fileRefs === 0) return null;
  const check = 'anchor chain';
  if (failures.length)
    return {
      check,
      status: 'failed',
      detail: `${plural(failures.length, 'problem')}; first: ${first(failures)}`,
    };
  const linked = `${s.entries} signed ${s.entries === 1 ? 'entry' : 'entries'} in ${plural(s.chains, 'chain')} link one to the next`;
  if (s.notShipped === s.fileRefs)
    return {
      check,
      status: 'not_checked',
      detail: `the bundle carries no anchor chain for its ${plural(s.fileRefs, 'file anchor')} (anchored by another coordinator, or before chains were shipped)`,
    };
  if (s.notShipped)
    return {
      check,
      status: 'not_checked',
      detail: `${linked} and hold ${s.inChain} of ${plural(s.fileRefs, 'file anchor')}; the chain of the other ${s.notShipped} is not in the bundle (another coordinator's anchor file)`,
    };
  return { check, status: 'checked', detail: `${linked} and hold all ${plural(s.fileRefs, 'file anchor')}` };
}

/**
 * The anchors' order line: in each ledger (an anchor file's chain, a Solana payer) no checkpoint may be
 * anchored after a larger one unless the consistency proofs show it a prefix of that one (anchored late).
 */
function anchorOrderLine(
  s: AnchorOrderStatus | null,
  failures: readonly BundleFailure[],
  first: (fs: readonly BundleFailure[]) => string,
): CheckLine | null {
  if (!s || s.anchors < 2) return null;
  const check = 'anchor order';
  if (failures.length)
    return {
      check,
      status: 'failed',
      detail: `${plural(failures.length, 'rollback')}; first: ${first(failures)}`,
    };
  if (s.ordered === 0)
    return {
      check,
      status: 'not_checked',
      detail: `each ledger holds one of the ${plural(s.anchors, 'anchor')}: no order to check`,
    };
  if (s.notChecked)
    return {
      check,
      status: 'not_checked',
      detail: `${s.notChecked} of ${plural(s.late, 'checkpoint')} anchored after a larger one not checked: a consistency proof between them is missing or did not run`,
    };
  const late = s.late
    ? `; ${s.late} anchored after a larger one, each a prefix of it by the consistency proofs (anchored late, not rolled back)`
    : '';
  return {
    check,
    status: 'checked',
    detail: `${plural(s.anchors, 'anchor')} come in size order in each ledger${late}`,
  };
}

/** The report's last line: it names what was not checked, so it never claims more than ran. */
export function summaryLine(lines: readonly CheckLine[], failures: number): string {
  const n = (s: CheckStatus) => lines.filter((l) => l.status === s).length;
  if (failures > 0)
    return `FAILED: ${plural(failures, 'problem')} (${n('failed')} of ${lines.length} checks failed)`;
  const skipped = lines.filter((l) => l.status === 'not_checked').map((l) => l.check);
  return skipped.length
    ? `OK: ${n('checked')} checks passed; not checked: ${skipped.join(', ')}`
    : `OK: all ${n('checked')} checks passed`;
}
