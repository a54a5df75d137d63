import { verify } from 'node:crypto';
import bs58 from 'bs58';
import { z } from 'zod';
import { canonicalBytes } from './canonical-json.js';
import { CoreError } from './errors.js';
import { sha256Hex } from './hash.js';
import { publicKeyFromRaw } from './identity.js';

/**
 * SPL Memo program ids. litesvm bundles both (spl_memo-1.0.0.so and spl_memo-3.0.0.so); v3 is the one
 * mainnet wallets use and the only one that logs the memo, so it is the pinned default.
 */
export const MEMO_V1_PROGRAM_ID = 'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo';
export const MEMO_V3_PROGRAM_ID = 'MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr';

/** prevHash of the first entry of a file anchor chain. */
export const ANCHOR_GENESIS_HASH = '0'.repeat(64);

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters');
const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'expected base64');
const base58 = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]+$/, 'expected base58');

export const fileAnchorEntrySchema = z
  .object({
    seq: z.number().int().min(0),
    time: z.string().datetime({ offset: true }),
    checkpointHash: hex64,
    prevHash: hex64,
    /**
     * Which anchor file: a random id fixed by the file's first entry and repeated in every entry, so
     * entries of two coordinators' files (same seq numbers) are never confused. Absent in old files.
     */
    chain: z
      .string()
      .regex(/^[0-9a-f]{32}$/, 'expected 32 lowercase hex characters')
      .optional(),
    entryHash: hex64,
    /** base64(4-byte key ID ‖ ed25519 signature) by the log key over the entry hash (anchor-chain.ts). */
    sig: base64.optional(),
  })
  .strict();

export const anchorRefSchema = z.discriminatedUnion('kind', [
  fileAnchorEntrySchema.extend({ kind: z.literal('file') }).strict(),
  z
    .object({
      kind: z.literal('solana'),
      signature: base58,
      // Reported by the sender; nothing offline can confirm it.
      slot: z.number().int().min(0).optional(),
      checkpointHash: hex64,
      memoProgramId: base58,
      transaction: z.base64(),
      payer: base58,
    })
    .strict(),
]);

export type FileAnchorEntry = z.infer<typeof fileAnchorEntrySchema>;
export type AnchorRef = z.infer<typeof anchorRefSchema>;
export type FileAnchorRef = Extract<AnchorRef, { kind: 'file' }>;
export type SolanaAnchorRef = Extract<AnchorRef, { kind: 'solana' }>;

export interface AnchorVerifyOptions {
  /** Memo program ids a Solana ref may use; default only MEMO_V3_PROGRAM_ID. */
  readonly memoProgramIds?: readonly string[];
  /** A copied anchor file, already checked by verifyAnchorChain; file refs must then appear in it. */
  readonly fileChain?: readonly FileAnchorEntry[];
}

const bad = (message: string, cause?: unknown) => new CoreError('BAD_ANCHOR', message, { cause });

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new CoreError('INVALID_SCHEMA', `${what}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
}

/**
 * sha256 of the canonical JSON of an entry without its entryHash and signature: what entryHash must
 * equal. The chain id counts only when present, so entries written before it existed still recompute.
 */
export function fileAnchorEntryHash(e: Omit<FileAnchorEntry, 'entryHash' | 'sig'>): string {
  return sha256Hex(
    canonicalBytes({
      seq: e.seq,
      time: e.time,
      checkpointHash: e.checkpointHash,
      prevHash: e.prevHash,
      ...(e.chain === undefined ? {} : { chain: e.chain }),
    }),
  );
}

/**
 * The entry that follows `prev` (null for the first) in a file anchor chain. It keeps `prev`'s chain
 * id; a first entry (or the first after entries without one) takes `chain`. `sign` (anchor-chain.ts's anchorEntrySigner) signs its hash.
 */
export function nextFileAnchorEntry(
  prev: FileAnchorEntry | null,
  checkpointHash: string,
  time: string,
  opts: { readonly chain?: string; readonly sign?: (entryHash: string) => string } = {},
): FileAnchorEntry {
  // A file begun before chain ids takes one at its first entry written since.
  const chain = prev?.chain ?? opts.chain;
  const body = {
    seq: prev ? prev.seq + 1 : 0,
    time,
    checkpointHash,
    prevHash: prev ? prev.entryHash : ANCHOR_GENESIS_HASH,
    ...(chain === undefined ? {} : { chain }),
  };
  const entryHash = fileAnchorEntryHash(body);
  const sig = opts.sign?.(entryHash);
  return parse(
    fileAnchorEntrySchema,
    { ...body, entryHash, ...(sig === undefined ? {} : { sig }) },
    'anchor entry',
  );
}

/** Checks one untrusted entry: its own hash, and that it links to `prev` (null: it must be the first). */
export function verifyFileAnchorEntry(input: unknown, prev: FileAnchorEntry | null): FileAnchorEntry {
  const e = parse(fileAnchorEntrySchema, input, 'anchor entry');
  const h = fileAnchorEntryHash(e);
  if (h !== e.entryHash)
    throw bad(`anchor entry ${e.seq}: entryHash ${e.entryHash} does not recompute (${h})`);
  const seq = prev ? prev.seq + 1 : 0;
  if (e.seq !== seq) throw bad(`anchor entry has seq ${e.seq}, expected ${seq}`);
  const prevHash = prev ? prev.entryHash : ANCHOR_GENESIS_HASH;
  if (e.prevHash !== prevHash)
    throw bad(`anchor entry ${e.seq}: prevHash ${e.prevHash} does not link to ${prevHash}`);
  if (prev?.chain !== undefined && e.chain !== prev.chain)
    throw bad(`anchor entry ${e.seq}: chain ${e.chain} is not the chain ${prev.chain} of the entry before`);
  return e;
}

/** Checks a whole copied anchor file (parsed lines, first to last); errors name the 1-based line. */
export function verifyAnchorChain(entries: readonly unknown[]): FileAnchorEntry[] {
  const out: FileAnchorEntry[] = [];
  entries.forEach((input, i) => {
    try {
      out.push(verifyFileAnchorEntry(input, out[i - 1] ?? null));
    } catch (e) {
      if (e instanceof CoreError) throw new CoreError(e.code, `line ${i + 1}: ${e.message}`, { cause: e });
      throw e;
    }
  });
  return out;
}

/** Parses and checks the text of a copied anchor file (JSONL); errors name the 1-based line. */
export function verifyAnchorFileText(text: string): FileAnchorEntry[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return verifyAnchorChain(
    lines.map((line, i) => {
      try {
        return JSON.parse(line) as unknown;
      } catch (cause) {
        throw bad(`line ${i + 1}: not JSON`, cause);
      }
    }),
  );
}

/**
 * Checks offline that `input` anchors `checkpointHashHex`; throws CoreError, returns the parsed ref.
 * File refs: the entry hash recomputes (and the entry is in `fileChain` when given). Solana refs: the
 * signed transaction carries the hash in its one memo instruction and the fee payer's signature over
 * the message is valid and is `signature`. Whether that transaction landed in a block cannot be known
 * offline: an online check would fetch `signature` from an RPC node and compare the returned bytes.
 */
export function verifyAnchorRef(
  input: unknown,
  checkpointHashHex: string,
  opts: AnchorVerifyOptions = {},
): AnchorRef {
  const ref = parse(anchorRefSchema, input, 'anchor ref');
  if (ref.checkpointHash !== checkpointHashHex)
    throw bad(`anchor ref names checkpoint ${ref.checkpointHash}, expected ${checkpointHashHex}`);
  if (ref.kind === 'file') verifyFileRef(ref, opts.fileChain);
  else verifySolanaRef(ref, opts.memoProgramIds ?? [MEMO_V3_PROGRAM_ID]);
  return ref;
}

function verifyFileRef(ref: FileAnchorRef, chain: readonly FileAnchorEntry[] | undefined): void {
  const { kind: _kind, ...entry } = ref;
  const h = fileAnchorEntryHash(entry);
  if (h !== ref.entryHash)
    throw bad(`file anchor ${ref.seq}: entryHash ${ref.entryHash} does not recompute (${h})`);
  if (!chain) return;
  const inChain = chain[ref.seq];
  if (inChain?.entryHash !== ref.entryHash)
    throw bad(`file anchor ${ref.seq} (${ref.entryHash}) is not in the anchor file`);
}

function verifySolanaRef(ref: SolanaAnchorRef, memoProgramIds: readonly string[]): void {
  if (!memoProgramIds.includes(ref.memoProgramId))
    throw bad(`memo program ${ref.memoProgramId} is not one of ${memoProgramIds.join(', ')}`);
  const tx = decodeWireTransaction(Buffer.from(ref.transaction, 'base64'));
  tx.signatures.forEach((sig, i) => {
    // Solana puts the key of signature i at account i; key 0 is the fee payer.
    const key = tx.accountKeys[i] as Buffer;
    if (!verify(null, tx.message, publicKeyFromRaw(key), sig))
      throw bad(`solana anchor: signature ${i} does not verify for ${bs58.encode(key)}`);
  });
  const payer = bs58.encode(tx.accountKeys[0] as Buffer);
  if (payer !== ref.payer) throw bad(`solana anchor: fee payer is ${payer}, ref says ${ref.payer}`);
  const sig0 = bs58.encode(tx.signatures[0] as Buffer);
  if (sig0 !== ref.signature) throw bad(`solana anchor: signature is ${sig0}, ref says ${ref.signature}`);
  const memos = tx.instructions.filter(
    (ix) => bs58.encode(tx.accountKeys[ix.programIndex] as Buffer) === ref.memoProgramId,
  );
  if (memos.length !== 1) throw bad(`solana anchor: expected one memo instruction, found ${memos.length}`);
  const data = (memos[0] as DecodedInstruction).data;
  if (!data.equals(Buffer.from(ref.checkpointHash, 'utf8')))
    throw bad(
      `solana anchor: memo data ${JSON.stringify(data.toString('utf8').slice(0, 80))} is not the checkpoint hash`,
    );
}

interface DecodedInstruction {
  readonly programIndex: number;
  readonly data: Buffer;
}

interface DecodedTransaction {
  readonly signatures: Buffer[];
  /** The signed bytes: everything after the signatures. */
  readonly message: Buffer;
  /** Static keys only; invoked programs may not come from lookup tables, so these suffice here. */
  readonly accountKeys: Buffer[];
  readonly instructions: DecodedInstruction[];
}

/** Decodes Solana's wire format (legacy or v0 message) far enough to check signatures and memos. */
function decodeWireTransaction(buf: Buffer): DecodedTransaction {
  let pos = 0;
  const take = (n: number): Buffer => {
    if (pos + n > buf.length) throw bad(`solana anchor: transaction is truncated at byte ${pos}`);
    const out = buf.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const byte = () => take(1)[0] as number;
  // compact-u16 ("shortvec"): 7 bits per byte, low first, at most 3 bytes.
  const shortVec = (): number => {
    let value = 0;
    for (let i = 0; i < 3; i++) {
      const b = byte();
      value |= (b & 0x7f) << (7 * i);
      if (!(b & 0x80)) return value;
    }
    throw bad('solana anchor: bad compact-u16 length');
  };
  const signatures = Array.from({ length: shortVec() }, () => take(64));
  const messageStart = pos;
  let versioned = false;
  if ((buf[pos] ?? 0) & 0x80) {
    const version = byte() & 0x7f;
    if (version !== 0) throw bad(`solana anchor: unsupported message version ${version}`);
    versioned = true;
  }
  const required = byte();
  take(2); // read-only signed / unsigned counts: not needed to check a memo
  const accountKeys = Array.from({ length: shortVec() }, () => take(32));
  take(32); // recent blockhash
  const instructions = Array.from({ length: shortVec() }, () => {
    const programIndex = byte();
    take(shortVec()); // account indexes
    const data = take(shortVec());
    if (programIndex >= accountKeys.length)
      throw bad(`solana anchor: program index ${programIndex} out of range`);
    return { programIndex, data };
  });
  if (versioned)
    for (let n = shortVec(); n > 0; n--) {
      take(32);
      take(shortVec());
      take(shortVec());
    }
  if (pos !== buf.length) throw bad(`solana anchor: ${buf.length - pos} trailing bytes after the message`);
  if (required < 1 || signatures.length !== required || accountKeys.length < required)
    throw bad(`solana anchor: ${signatures.length} signatures for ${required} required signers`);
  return { signatures, message: buf.subarray(messageStart), accountKeys, instructions };
}
