import { z } from 'zod';
import { checkAnchorEntrySignature } from '../anchor-chain.js';
import { type AnchorRef, verifyAnchorRef } from '../anchor-verify.js';
import {
  checkCaptureBody,
  type SignedCapture,
  verifySignedCaptureInOrder,
  verifySignedCaptureLeaf,
} from '../capture.js';
import { CoreError } from '../errors.js';
import { checkpointHash, openCheckpoint } from '../merkle/checkpoint.js';
import { hashBase64, hashesEqual, leafHash } from '../merkle/hashing.js';
import { type NoteVerifier, parseVerifierKey } from '../merkle/note-keys.js';
import { verifyConsistency } from '../merkle/verify-consistency.js';
import { InclusionVerifier } from '../merkle/verify-inclusion.js';
import { type AnchorChainStatus, checkAnchorChains } from './anchor-chain-check.js';
import {
  type AnchorOrderStatus,
  checkAnchorOrder,
  type LedgerAnchor,
  type PrefixFinding,
} from './anchor-order-check.js';
import {
  BUNDLE_BODIES_FILE,
  BUNDLE_FORMATS_READ,
  type BundleCheckpoints,
  type BundlePageRow,
  bundleCheckpointsSchema,
  bundlePageRowSchema,
} from './bundle-format.js';
import { RowShapeCheck } from './bundle-row-shape.js';

export interface BundleFailure {
  /** 1-based row number in pages.jsonl, or null for a bundle-level failure. */
  row: number | null;
  /** What failed: signature, body, record, leaf, order, inclusion, checkpoint, consistency, anchor, format. */
  check: string;
  message: string;
}

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A file anchor entry's place: its chain is the ledger, its seq the order. */
const fileLedgerAnchor = (chain: string, seq: number, size: number): LedgerAnchor => ({
  ledger: `file ${chain}`,
  at: seq,
  size,
  name: `entry ${seq} of anchor chain ${chain}`,
});

// Rows the hand-written check refuses (bundle-row-shape.ts): zod accepts them or words the error.
const rowParser = z.compile(bundlePageRowSchema);

/**
 * The first field of a row that is not what its signed capture says: name, row's value, capture's value
 * (plain comparisons, no list built per row: almost every row matches).
 */
function firstMismatch(row: BundlePageRow, c: SignedCapture['capture']): [string, unknown, unknown] | null {
  if (row.url !== c.requestedUrl) return ['url', row.url, c.requestedUrl];
  if (row.bodySha256 !== c.bodySha256) return ['bodySha256', row.bodySha256, c.bodySha256];
  if (row.bodyLength !== c.bodyLength) return ['bodyLength', row.bodyLength, c.bodyLength];
  if (row.status !== c.status) return ['status', row.status, c.status];
  if (row.nodeId !== c.nodeId) return ['nodeId', row.nodeId, c.nodeId];
  return null;
}

/** The `order` failure's message: rows must come in ascending leaf order. */
export function leafOrderMessage(leafIndex: number, lastLeaf: number): string {
  return `leaf ${leafIndex} comes after leaf ${lastLeaf}: rows are out of log order`;
}

/**
 * Offline verification of a proof bundle, without the coordinator. Construct it with the bundle's
 * checkpoints file and the keys the auditor trusts; it checks every checkpoint's signature, the
 * consistency between consecutive checkpoints and each anchor, then `verifyRow` checks a row: node
 * signature, body against its hash, row fields against the signed record, record against its leaf,
 * leaf against the checkpoint by inclusion proof, and ascending leaf order.
 */
export class BundleVerifier {
  readonly failures: BundleFailure[] = [];
  private readonly roots = new Map<number, Uint8Array>();
  private readonly inclusion = new InclusionVerifier();
  private readonly rowShape = new RowShapeCheck();
  private lastLeaf = -1;
  readonly checkpoints: BundleCheckpoints | null = null;
  /** The anchor refs that verified offline, with their checkpoint sizes (an online check starts here). */
  readonly anchorRefs: { size: number; ref: AnchorRef }[] = [];
  /** The file anchor chains' findings; null when the checkpoints file did not parse. */
  readonly anchorChains: AnchorChainStatus | null = null;
  /** Whether each ledger anchors the checkpoints in size order; null when the checkpoints file did not parse. */
  readonly anchorOrder: AnchorOrderStatus | null = null;
  /** The bundle's format (1 when checkpoints.json names none); rows are read and checked by its rules. */
  readonly format: number = 1;
  /**
   * Consistency between checkpoints of consecutive sizes: how many such pairs the bundle has, and how many
   * proofs were verified and passed. A pair one of whose checkpoints did not verify is neither: its proof
   * was not checked, and the report says so rather than counting it as passed.
   */
  readonly consistency = { pairs: 0, passed: 0 };
  /** Each consecutive pair's proof, by its smaller size; and the sizes at which the log forked. */
  private readonly linked = new Map<number, PrefixFinding>();
  private readonly forkedSizes = new Set<number>();

  constructor(checkpointsJson: unknown, trustedKeys: readonly string[]) {
    const parsed = bundleCheckpointsSchema.safeParse(checkpointsJson);
    if (!parsed.success) {
      this.fail(
        null,
        'format',
        `checkpoints file: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`,
      );
      return;
    }
    this.checkpoints = parsed.data;
    this.format = parsed.data.bundleFormat ?? 1;
    if (!BUNDLE_FORMATS_READ.includes(this.format)) {
      this.fail(
        null,
        'format',
        `checkpoints file: bundle format ${this.format} is not one this verifier reads (${BUNDLE_FORMATS_READ.join(', ')}): a newer sward wrote it`,
      );
      return;
    }
    let verifiers: NoteVerifier[];
    try {
      verifiers = trustedKeys.map((k) => parseVerifierKey(k));
    } catch (e) {
      this.fail(null, 'checkpoint', `trusted key: ${msg(e)}`);
      return;
    }
    // Sorted by size: the order of the file is the writer's, not evidence of when each was signed; each
    // checkpoint is named by its place in the file (1-based).
    const sorted = parsed.data.checkpoints
      .map((cp, i) => ({ cp, n: i + 1 }))
      .sort((a, b) => a.cp.size - b.cp.size);
    const refs = this.anchorRefs;
    const firstOfSize = new Map<number, number>();
    // The checkpoints that verified, by hash: the anchors naming them can be put in size order.
    const sizeOfHash = new Map<string, number>();
    for (const { cp, n } of sorted) {
      try {
        const { checkpoint } = openCheckpoint(cp.note, verifiers, parsed.data.origin);
        if (checkpoint.size !== cp.size)
          throw new CoreError('BAD_CHECKPOINT', `note says size ${checkpoint.size}`);
        const seen = this.roots.get(cp.size);
        if (!seen) {
          this.roots.set(cp.size, checkpoint.rootHash);
          firstOfSize.set(cp.size, n);
        } else if (!hashesEqual(seen, checkpoint.rootHash)) {
          // Two signed trees of one size with different roots: no proof can reconcile them.
          this.forkedSizes.add(cp.size);
          this.fail(
            null,
            'consistency',
            `checkpoints ${firstOfSize.get(cp.size)} and ${n} are both of size ${cp.size} but sign different roots (${hashBase64(seen)} and ${hashBase64(checkpoint.rootHash)}): the log forked, showing two views of itself`,
          );
        }
      } catch (e) {
        this.fail(null, 'checkpoint', `checkpoint ${cp.size}: ${msg(e)}`);
        continue;
      }
      try {
        const hash = checkpointHash(cp.note);
        if (hash !== cp.hash)
          throw new CoreError('BAD_CHECKPOINT', `hash ${cp.hash} is not the note's ${hash}`);
        sizeOfHash.set(hash, cp.size);
        if (cp.anchor == null) throw new CoreError('BAD_ANCHOR', 'checkpoint is not anchored');
        const ref = verifyAnchorRef(cp.anchor, hash);
        // A file entry's hash anyone can recompute; its signature only the log key can make.
        if (ref.kind === 'file') checkAnchorEntrySignature(ref, verifiers);
        refs.push({ size: cp.size, ref });
      } catch (e) {
        this.fail(null, 'anchor', `checkpoint ${cp.size}: ${msg(e)}`);
      }
    }
    const placed: LedgerAnchor[] = [];
    this.anchorChains = checkAnchorChains(
      parsed.data.anchorChains,
      refs,
      verifiers,
      (m) => this.fail(null, 'anchor chain', m),
      (chain, entries) => {
        for (const e of entries) {
          const size = sizeOfHash.get(e.checkpointHash);
          if (size !== undefined) placed.push(fileLedgerAnchor(chain, e.seq, size));
        }
      },
    );
    // Each size once: checkpoints of one size need no proof between them (equal roots, or the fork above).
    const sizes = [...new Set(sorted.map((s) => s.cp.size))];
    this.consistency.pairs = Math.max(0, sizes.length - 1);
    for (let i = 1; i < sizes.length; i++) {
      const from = sizes[i - 1] as number;
      const to = sizes[i] as number;
      const r1 = this.roots.get(from);
      const r2 = this.roots.get(to);
      if (!r1 || !r2) continue; // not checked: the checkpoint's own failure is reported above
      const p = parsed.data.consistency.find((c) => c.from === from && c.to === to);
      // A proof missing could not run: the line fails, but no rollback is claimed from it.
      this.linked.set(from, p ? 'failed' : 'not_checked');
      try {
        if (!p) throw new CoreError('BAD_PROOF', 'no consistency proof in the bundle');
        verifyConsistency(
          from,
          to,
          p.proof.map((h) => Buffer.from(h, 'base64')),
          r1,
          r2,
        );
        this.consistency.passed++;
        this.linked.set(from, 'passed');
      } catch (e) {
        this.fail(null, 'consistency', `checkpoints ${from} → ${to}: ${msg(e)}`);
      }
    }
    for (const { size, ref } of refs)
      if (ref.kind === 'file' && ref.chain !== undefined)
        placed.push(fileLedgerAnchor(ref.chain, ref.seq, size));
      else if (ref.kind === 'solana' && ref.slot !== undefined)
        placed.push({
          ledger: `solana ${ref.payer}`,
          at: ref.slot,
          size,
          name: `the transaction in slot ${ref.slot} paid by ${ref.payer}`,
        });
    this.anchorOrder = checkAnchorOrder(
      placed,
      (from, to) => this.prefixOf(sizes, from, to),
      (m) => this.fail(null, 'anchor order', m),
    );
  }

  /** Whether the checkpoint of size `from` is a prefix of the one of size `to`, by the proofs between. */
  private prefixOf(sizes: readonly number[], from: number, to: number): PrefixFinding {
    let found: PrefixFinding = 'passed';
    for (let i = sizes.indexOf(from); i >= 0 && i < sizes.length; i++) {
      const size = sizes[i] as number;
      if (size > to) break;
      if (this.forkedSizes.has(size)) return 'failed';
      if (size === to) return found;
      const link = this.linked.get(size) ?? 'not_checked';
      if (link === 'failed') return 'failed';
      if (link === 'not_checked') found = 'not_checked';
    }
    return 'not_checked';
  }

  private fail(row: number | null, check: string, message: string): false {
    this.failures.push({ row, check, message });
    return false;
  }

  /** Checks one pages.jsonl row; `body` is the blob's bytes or null when the file is missing. */
  verifyRow(rowNumber: number, input: unknown, body: Uint8Array | null): boolean {
    const before = this.failures.length;
    this.check(rowNumber, input, body, true);
    return this.failures.length === before;
  }

  /**
   * Every check of verifyRow but the ascending leaf order, for rows checked in separate pieces (worker
   * threads): returns the row's leaf index for the caller's own order check (with leafOrderMessage), or -1
   * when the row stopped before that check. `bodyHashed`, when given, is told the SHA-256 and size that
   * `body` was just found to have (only when they match the signed capture), so that a later check of the
   * same file (the signed manifest) need not read and hash it again.
   */
  verifyRowUnordered(
    rowNumber: number,
    input: unknown,
    body: Uint8Array | null,
    bodyHashed?: (sha256: string, size: number) => void,
  ): number {
    return this.check(rowNumber, input, body, false, bodyHashed);
  }

  /** The row, or null after naming what is wrong with it (zod's words for whatever the fast check refuses). */
  private parseRow(rowNumber: number, input: unknown): BundlePageRow | null {
    if (this.rowShape.accepts(input)) return input;
    const parsed = rowParser.safeParse(input);
    if (parsed.success) return parsed.data;
    const i = parsed.error.issues[0];
    this.fail(rowNumber, 'format', `${i?.path.join('.') || 'row'}: ${i?.message}`);
    return null;
  }

  private check(
    rowNumber: number,
    input: unknown,
    body: Uint8Array | null,
    ordered: boolean,
    bodyHashed?: (sha256: string, size: number) => void,
  ): number {
    const row = this.parseRow(rowNumber, input);
    if (row === null) return -1;
    if (this.format >= 2) {
      if (row.blobPath !== BUNDLE_BODIES_FILE) {
        this.fail(
          rowNumber,
          'format',
          `blobPath: expected ${BUNDLE_BODIES_FILE} (format 2 keeps every body in it)`,
        );
        return -1;
      }
      if (row.bodyOffset === undefined) {
        this.fail(rowNumber, 'format', 'bodyOffset: required in format 2');
        return -1;
      }
    }
    let opened: { signed: SignedCapture; leafHash: string };
    try {
      // Format 2 writes captures in RFC 8785 key order: the parsed row's own keys give the signed bytes.
      const sc = (input as { signedCapture: unknown }).signedCapture;
      if (this.format >= 2) opened = verifySignedCaptureInOrder(sc);
      else {
        const { signed, leafBytes } = verifySignedCaptureLeaf(sc);
        opened = { signed, leafHash: leafHash(leafBytes).toString('base64') };
      }
    } catch (e) {
      this.fail(rowNumber, 'signature', msg(e));
      return -1;
    }
    const c = opened.signed.capture;
    const mismatch = firstMismatch(row, c);
    if (mismatch)
      this.fail(
        rowNumber,
        'record',
        `${mismatch[0]} is ${mismatch[1]} but the signed capture says ${mismatch[2]}`,
      );
    if (body === null) this.fail(rowNumber, 'body', `body file ${row.blobPath} is missing`);
    else {
      try {
        checkCaptureBody(c, body);
        bodyHashed?.(c.bodySha256, body.length);
      } catch (e) {
        this.fail(rowNumber, 'body', msg(e));
      }
    }
    const { leafIndex, checkpointSize, inclusionProof } = row.provenance;
    if (ordered) {
      if (leafIndex <= this.lastLeaf)
        this.fail(rowNumber, 'order', leafOrderMessage(leafIndex, this.lastLeaf));
      this.lastLeaf = Math.max(this.lastLeaf, leafIndex);
    }
    const root = this.roots.get(checkpointSize);
    if (!root) {
      this.fail(rowNumber, 'inclusion', `no verified checkpoint of size ${checkpointSize} in the bundle`);
      return leafIndex;
    }
    try {
      this.inclusion.verifyBase64(opened.leafHash, leafIndex, checkpointSize, inclusionProof, root);
    } catch (e) {
      this.fail(rowNumber, 'inclusion', msg(e));
    }
    return leafIndex;
  }
}
