import {
  applyQualityPreset,
  Deduplicator,
  type DedupStore,
  type QualityPreset,
  type QualitySignals,
} from '@sward/extract/light';

/** How documents are filtered for a crawl's output and a dataset build alike. */
export interface DocumentFilters {
  /** ISO 639-1 codes to keep; empty keeps every language. */
  lang?: string[];
  quality?: QualityPreset;
  /** Near-duplicate Jaccard threshold (MinHash LSH over word 5-grams). */
  dedupThreshold?: number;
}

/** Why a document was left out, with what the output's dropped list records of it. */
export type DocumentVerdict =
  | { keep: true }
  | { keep: false; why: 'language'; detail: { language: unknown } }
  | { keep: false; why: 'quality'; detail: { reasons: string[] } }
  | { keep: false; why: 'duplicate'; detail: { kind: string; of: string; similarity: number } };

/**
 * The language filter, the quality preset and crawl-wide deduplication (exact and MinHash near-duplicates),
 * in that order, over documents seen one at a time: the one place `sward crawl`'s documents.jsonl and the
 * coordinator's dataset builds decide which documents to keep. Stateful: a duplicate is of a document
 * kept before it, so the order documents are judged in is part of the result.
 */
export class DocumentFilter {
  private readonly dedup: Deduplicator;
  private readonly lang: Set<string>;
  private readonly quality: QualityPreset;

  /** `store`: where the dedup index lives (default: this process's memory). */
  constructor(f: DocumentFilters, store?: DedupStore) {
    this.dedup = new Deduplicator({ threshold: f.dedupThreshold ?? 0.8, ...(store ? { store } : {}) });
    this.lang = new Set((f.lang ?? []).map((l) => l.toLowerCase()));
    this.quality = f.quality ?? 'none';
  }

  judge(captureId: string, doc: Record<string, unknown>): DocumentVerdict {
    const text = typeof doc.text === 'string' ? doc.text : '';
    if (this.lang.size && !this.lang.has(String(doc.language ?? '')))
      return { keep: false, why: 'language', detail: { language: doc.language } };
    const verdict = applyQualityPreset(doc.quality as QualitySignals, this.quality);
    if (!verdict.pass || !text)
      return {
        keep: false,
        why: 'quality',
        detail: { reasons: text ? verdict.reasons : [String(doc.reason ?? 'empty')] },
      };
    const d = this.dedup.check(captureId, text);
    if (d.duplicate)
      return { keep: false, why: 'duplicate', detail: { kind: d.kind, of: d.of, similarity: d.similarity } };
    return { keep: true };
  }
}
