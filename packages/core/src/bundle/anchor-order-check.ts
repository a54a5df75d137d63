/** One anchor of a bundle checkpoint, at its place in a ledger. */
export interface LedgerAnchor {
  /** Which ledger: a file anchor's chain id, or a Solana payer. */
  readonly ledger: string;
  /** Its place in that ledger: the entry's seq, or the transaction's slot. */
  readonly at: number;
  /** The size of the checkpoint it anchors. */
  readonly size: number;
  /** How the report names it, e.g. `entry 3 of anchor chain 5f…` or `slot 123 of Solana payer 9x…`. */
  readonly name: string;
}

/**
 * Whether the checkpoint of size `from` is a prefix of the one of size `to` (from < to): `passed` when the
 * bundle's consistency proofs link every size between and verified, `failed` when one of them did not
 * verify (or the log forked at one of those sizes), `not_checked` when one could not run (a proof
 * missing, a checkpoint of a pair that did not verify).
 */
export type PrefixFinding = 'passed' | 'failed' | 'not_checked';

/** What the anchors' order showed; the report's "anchor order" line is made from it. */
export interface AnchorOrderStatus {
  /** Bundle checkpoints' anchors placed in a ledger (an anchor shipped twice counts once). */
  anchors: number;
  /** Ledgers holding two or more of them: the only ones with an order to check. */
  ordered: number;
  /** Anchors of a checkpoint smaller than one anchored before it in the same ledger… */
  late: number;
  /** …of which the consistency proofs showed the smaller to be a prefix of the larger (a late anchor, honest)… */
  prefix: number;
  /** …and of which that could not be checked. (The rest failed as rollbacks.) */
  notChecked: number;
}

/**
 * Checks that in each ledger the checkpoints come in size order: a log only grows, so an anchor of a
 * checkpoint smaller than one anchored before it is a rollback unless the smaller is a prefix of the larger
 * (a checkpoint anchored late: its anchor proves less, nothing false). `anchors` in any order; each ledger
 * is read by `at`. A rollback fails naming both anchors; one whose prefix could not be checked is counted
 * as not checked, never as passed.
 */
export function checkAnchorOrder(
  anchors: readonly LedgerAnchor[],
  prefixOf: (from: number, to: number) => PrefixFinding,
  fail: (message: string) => void,
): AnchorOrderStatus {
  const ledgers = new Map<string, Map<number, LedgerAnchor>>();
  for (const a of anchors) {
    const l = ledgers.get(a.ledger) ?? new Map<number, LedgerAnchor>();
    ledgers.set(a.ledger, l);
    if (!l.has(a.at)) l.set(a.at, a);
  }
  const status: AnchorOrderStatus = { anchors: 0, ordered: 0, late: 0, prefix: 0, notChecked: 0 };
  for (const l of ledgers.values()) {
    status.anchors += l.size;
    if (l.size > 1) status.ordered++;
    let largest: LedgerAnchor | null = null;
    for (const a of [...l.values()].sort((x, y) => x.at - y.at)) {
      if (!largest || a.size >= largest.size) {
        largest = a;
        continue;
      }
      status.late++;
      const found = prefixOf(a.size, largest.size);
      if (found === 'passed') status.prefix++;
      else if (found === 'not_checked') status.notChecked++;
      else
        fail(
          `${a.name} anchors checkpoint ${a.size} after ${largest.name} anchored checkpoint ${largest.size}, and ${a.size} is not a prefix of ${largest.size}: the log was rolled back`,
        );
    }
  }
  return status;
}
