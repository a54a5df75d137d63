import {
  type BundleFailure,
  type ComplianceDocument,
  canonicalJson,
  type RightsReceipt,
  responseHeadersDocument,
  responseHeadersSha256,
  rightsReceiptSchema,
  USAGE_PURPOSES,
} from '@sward/core';

/**
 * What the rights receipts of some pages.jsonl rows showed: counts for the report line and failures
 * (check `rights`), rows numbered as the rows that were given.
 */
export interface ReceiptTally {
  receipts: number;
  without: number;
  matched: number;
  headers: number;
  unchecked: number;
  /** Receipts naming the creator terms their page was captured under. */
  creator: number;
  allowed: { train: number; input: number; index: number };
  failures: BundleFailure[];
}

export const emptyTally = (): ReceiptTally => ({
  receipts: 0,
  without: 0,
  matched: 0,
  headers: 0,
  unchecked: 0,
  creator: 0,
  allowed: { train: 0, input: 0, index: 0 },
  failures: [],
});

/** Adds `from` to `into`, its rows moved down by `offset` (the rows before its range). */
export function addTally(into: ReceiptTally, from: ReceiptTally, offset: number): void {
  into.receipts += from.receipts;
  into.without += from.without;
  into.matched += from.matched;
  into.headers += from.headers;
  into.unchecked += from.unchecked;
  into.creator += from.creator;
  for (const p of USAGE_PURPOSES) into.allowed[p] += from.allowed[p];
  for (const f of from.failures) into.failures.push({ ...f, row: f.row === null ? null : f.row + offset });
}

/**
 * The rights receipt of each pages.jsonl row (inside each leaf, so the inclusion check already binds it to
 * the log): well-formed, allowing the page for the purpose it was stored for, and each document it names
 * matching what the bundle holds: policy files by their compliance.json entry, headers by the signed
 * capture. It is fed the rows the row check has just parsed, so that pages.jsonl is read and parsed once
 * (a second pass over the file cost about 7 µs a row, more than everything else but the signature).
 */
export class ReceiptCheck {
  private readonly byCapture: ReadonlyMap<string, ComplianceDocument>;
  private tally = emptyTally();

  constructor(compliance: readonly ComplianceDocument[]) {
    this.byCapture = new Map(compliance.flatMap((d) => (d.captureId ? [[d.captureId, d] as const] : [])));
  }

  /** Checks the receipt of row `n` (any parsed JSON value: the rows check reports what else is wrong). */
  row(n: number, row: unknown): void {
    const t = this.tally;
    const r = row as {
      creatorTerms?: unknown;
      signedCapture?: { rights?: unknown; capture?: { headers?: never } };
    } | null;
    const sc = r?.signedCapture;
    const fail = (message: string) => t.failures.push({ row: n, check: 'rights', message });
    if (sc?.rights === undefined) {
      t.without++;
      if (r?.creatorTerms !== undefined) fail('creatorTerms on a row whose leaf has no receipt');
      return;
    }
    const parsed = rightsReceiptSchema.safeParse(sc.rights);
    if (!parsed.success) {
      fail(`receipt: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
      return;
    }
    const receipt: RightsReceipt = parsed.data;
    t.receipts++;
    // The row's creatorTerms is a copy of the receipt's, which the log commits to: they must agree.
    const fromLeaf = receipt.creator === undefined ? undefined : canonicalJson(receipt.creator);
    const onRow = r?.creatorTerms === undefined ? undefined : canonicalJson(r.creatorTerms);
    if (fromLeaf !== onRow)
      fail(
        `row's creatorTerms ${onRow ?? '(none)'} is not its receipt's creator terms ${fromLeaf ?? '(none)'}`,
      );
    else if (receipt.creator) t.creator++;
    for (const p of USAGE_PURPOSES) if (receipt.decisions[p].decision === 'allow') t.allowed[p]++;
    const own = receipt.decisions[receipt.purpose];
    if (own.decision !== 'allow')
      fail(`stored for ${receipt.purpose}, but its receipt says ${own.decision} (${own.reason})`);
    for (const d of receipt.documents) {
      if (d.kind === 'headers') {
        const h = responseHeadersDocument(sc.capture?.headers ?? {});
        if (h && responseHeadersSha256(h) === d.sha256) t.headers++;
        else fail(`receipt's headers hash is not the signed capture's headers`);
        continue;
      }
      const entry = d.captureId ? this.byCapture.get(d.captureId) : undefined;
      if (!entry) {
        t.unchecked++;
        continue;
      }
      if (entry.bodySha256 === d.sha256 && entry.url === d.url) t.matched++;
      else
        fail(
          `receipt's ${d.kind} ${d.url} (${d.sha256.slice(0, 12)}…) is not compliance.json's ${entry.url}`,
        );
    }
  }

  /** What the rows given since the last call showed; the next rows start a new tally. */
  take(): ReceiptTally {
    const t = this.tally;
    this.tally = emptyTally();
    return t;
  }
}
