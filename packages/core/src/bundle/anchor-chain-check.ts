import { verifyAnchorChainSegment } from '../anchor-chain.js';
import type { AnchorRef, FileAnchorEntry } from '../anchor-verify.js';
import type { NoteVerifier } from '../merkle/note-keys.js';
import type { BundleCheckpoints } from './bundle-format.js';

/** What the bundle's file anchor chains showed; the report's "anchor chain" line is made from it. */
export interface AnchorChainStatus {
  /** Checkpoints anchored in a file. */
  fileRefs: number;
  /** …whose entry is in a chain the bundle ships, checked link by link. */
  inChain: number;
  /** …whose anchor file's chain the bundle does not ship (another coordinator's file, or an old entry). */
  notShipped: number;
  /** Entries and chains shipped. */
  entries: number;
  chains: number;
}

/**
 * Checks the anchor chains a bundle ships (each a run of one anchor file, signed entry by entry) and
 * that every file-anchored checkpoint whose chain is shipped is one of its entries. `refs` are the
 * checkpoints' anchor refs that verifyAnchorRef already accepted, with their checkpoint sizes.
 */
export function checkAnchorChains(
  shipped: BundleCheckpoints['anchorChains'],
  refs: readonly { size: number; ref: AnchorRef }[],
  verifiers: readonly NoteVerifier[],
  fail: (message: string) => void,
  /** Told each chain that verified, its entries in order (the anchor order check reads them). */
  verified: (chain: string, entries: readonly FileAnchorEntry[]) => void = () => {},
): AnchorChainStatus {
  const byChain = new Map<string, Map<number, FileAnchorEntry> | null>(); // null: the chain failed
  let entries = 0;
  for (const [i, c] of (shipped ?? []).entries()) {
    try {
      if (byChain.has(c.chain)) throw new Error('shipped twice');
      const checked = verifyAnchorChainSegment(c.entries, verifiers);
      const other = checked.find((e) => e.chain !== c.chain);
      if (other) throw new Error(`entry ${other.seq} belongs to chain ${other.chain ?? '(none)'}`);
      byChain.set(c.chain, new Map(checked.map((e) => [e.seq, e])));
      verified(c.chain, checked);
      entries += checked.length;
    } catch (e) {
      byChain.set(c.chain, null);
      fail(`anchor chain ${i + 1} (${c.chain}): ${(e as Error).message}`);
    }
  }
  const status: AnchorChainStatus = { fileRefs: 0, inChain: 0, notShipped: 0, entries, chains: byChain.size };
  for (const { size, ref } of refs) {
    if (ref.kind !== 'file') continue;
    status.fileRefs++;
    const chain = ref.chain === undefined ? undefined : byChain.get(ref.chain);
    if (chain === undefined) status.notShipped++;
    else if (chain !== null) {
      if (chain.get(ref.seq)?.entryHash === ref.entryHash) status.inChain++;
      else
        fail(
          `checkpoint ${size}: its anchor entry ${ref.seq} is not in the bundle's anchor chain ${ref.chain}`,
        );
    }
  }
  return status;
}
