import {
  DATASET_EXCLUSIONS,
  type DatasetExclusion,
  type DatasetFigures,
  FRESHNESS_BIN_HOURS,
  FRESHNESS_BINS,
  QUALITY_BINS,
  TOKEN_ESTIMATOR,
} from '@sward/core';
import { applyQualityPreset, type QualitySignals, qualityScore } from '@sward/extract/light';

/** The Parquet columns the report reads (never markdown: it repeats the text). */
export const REPORT_COLUMNS = [
  'text',
  'domain',
  'language',
  'fetched_at',
  'license',
  'allowed_purposes',
  'usage_reasons',
  'capture_id',
] as const;
export type ReportRow = Record<(typeof REPORT_COLUMNS)[number], string>;

/** Entries shown in a top list; the rest are counted as `other`. */
const TOP = 20;
const TOP_DOMAINS = 10;
/** Distinct keys a count keeps (exclusion reasons, licences): past it, new keys go to `other`. */
const MAX_KEYS = 10_000;
const HOUR = 3_600_000;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

/** Tokens of one text by the documented estimator (TOKEN_ESTIMATOR). */
export function estimateTokens(text: string): number {
  const cjk = text.match(CJK)?.length ?? 0;
  return Math.ceil((text.length - cjk) / 4) + cjk;
}

class Counts {
  readonly m = new Map<string, number>();
  add(key: string, n = 1) {
    const k = this.m.has(key) || this.m.size < MAX_KEYS ? key : 'other';
    this.m.set(k, (this.m.get(k) ?? 0) + n);
  }
  /** Most first, ties by key; past `top` entries the rest are summed as `other`. */
  top(top = TOP): { key: string; n: number }[] {
    const all = [...this.m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const head = all.slice(0, top).map(([key, n]) => ({ key, n }));
    const rest = all.slice(top).reduce((s, [, n]) => s + n, 0);
    return rest > 0 ? [...head, { key: 'other', n: rest }] : head;
  }
}

/** A row carries a publisher's machine-readable statement when it names a licence or any purpose's
 * decision rests on a signal (AIPREF, Content Signals, RSL, TDMRep, creator terms), not `no-signal`. */
function statesPreference(row: ReportRow): boolean {
  if (row.license !== '' && row.license !== 'unspecified') return true;
  try {
    const reasons = JSON.parse(row.usage_reasons) as Record<string, unknown>;
    return Object.values(reasons).some((r) => typeof r === 'string' && !r.endsWith(':no-signal'));
  } catch {
    return false;
  }
}

/**
 * The valuation figures of one dataset, tallied a row at a time (and an excluded.jsonl line at a time):
 * what it keeps grows with the distinct domains, languages, licences and capture hours, never with the
 * rows. Pure: the caller reads the files and says what time the report is for.
 */
export class FiguresTally {
  private rows = 0;
  private chars = 0;
  private tokens = 0;
  /** Rows by domain, and whether any of the domain's rows states a preference. */
  private readonly domains = new Map<string, { n: number; pref: boolean }>();
  private readonly languages = new Counts();
  private readonly licenses = new Counts();
  private readonly reasons = new Counts();
  private readonly qualityBins: number[] = new Array(QUALITY_BINS).fill(0);
  private qualitySum = 0;
  private readonly passing = { c4: 0, gopher: 0, strict: 0 };
  private readonly purposes = { train: 0, input: 0, index: 0 };
  private withPreference = 0;
  /** Capture times in whole hours since the epoch, with their row counts. */
  private readonly hours = new Map<number, number>();
  private oldest: string | null = null;
  private newest: string | null = null;
  private readonly excluded = Object.fromEntries(DATASET_EXCLUSIONS.map((e) => [e, 0])) as Record<
    DatasetExclusion,
    number
  >;
  private exact = 0;
  private near = 0;

  constructor(
    private readonly source: DatasetFigures['source'],
    private readonly dedupThreshold: number,
  ) {}

  addRow(row: ReportRow, quality: QualitySignals): void {
    this.rows++;
    this.chars += row.text.length;
    this.tokens += estimateTokens(row.text);
    const pref = statesPreference(row);
    if (pref) this.withPreference++;
    const d = this.domains.get(row.domain);
    if (d) {
      d.n++;
      d.pref ||= pref;
    } else this.domains.set(row.domain, { n: 1, pref });
    this.languages.add(row.language || 'unknown');
    this.licenses.add(row.license || 'unspecified');
    const score = qualityScore(quality);
    this.qualitySum += score;
    const bin = Math.min(QUALITY_BINS - 1, Math.floor(score * QUALITY_BINS));
    this.qualityBins[bin] = (this.qualityBins[bin] ?? 0) + 1;
    for (const p of ['c4', 'gopher', 'strict'] as const)
      if (applyQualityPreset(quality, p).pass) this.passing[p]++;
    const allowed = new Set(row.allowed_purposes.split(','));
    for (const p of ['train', 'input', 'index'] as const) if (allowed.has(p)) this.purposes[p]++;
    const t = Date.parse(row.fetched_at);
    if (Number.isFinite(t)) {
      const h = Math.floor(t / HOUR);
      this.hours.set(h, (this.hours.get(h) ?? 0) + 1);
      if (this.oldest === null || row.fetched_at < this.oldest) this.oldest = row.fetched_at;
      if (this.newest === null || row.fetched_at > this.newest) this.newest = row.fetched_at;
    }
  }

  /** One line of excluded.jsonl, parsed (an unknown step is counted nowhere). */
  addExclusion(e: { excluded?: unknown; reason?: unknown; kind?: unknown }): void {
    const why = e.excluded as DatasetExclusion;
    if (!DATASET_EXCLUSIONS.includes(why)) return;
    this.excluded[why]++;
    if (why === 'purpose') this.reasons.add(typeof e.reason === 'string' ? e.reason : 'unknown');
    if (why === 'duplicate') {
      if (e.kind === 'exact') this.exact++;
      else this.near++;
    }
  }

  figures(now: number): DatasetFigures {
    const nowHour = Math.floor(now / HOUR);
    const ages = [...this.hours]
      .map(([h, n]) => [Math.max(0, nowHour - h), n] as const)
      .sort((a, b) => a[0] - b[0]);
    const pct = (q: number) => {
      const want = Math.ceil(q * this.rows);
      let seen = 0;
      for (const [age, n] of ages) {
        seen += n;
        if (seen >= want) return age;
      }
      return ages.at(-1)?.[0] ?? 0;
    };
    const bins = FRESHNESS_BINS.map((label) => ({ label, n: 0 }));
    for (const [age, n] of ages) {
      const i = FRESHNESS_BIN_HOURS.findIndex((max) => age < max);
      (bins[i] as { n: number }).n += n;
    }
    const checked = this.rows + this.exact + this.near;
    let domainsWithPreference = 0;
    const domains = new Counts();
    for (const [key, d] of this.domains) {
      if (d.pref) domainsWithPreference++;
      domains.m.set(key, d.n);
    }
    return {
      source: this.source,
      rows: this.rows,
      textChars: this.chars,
      tokens: {
        total: this.tokens,
        perRow: this.rows ? Math.round(this.tokens / this.rows) : 0,
        estimator: TOKEN_ESTIMATOR,
      },
      domains: { unique: this.domains.size, top: domains.top(TOP_DOMAINS) },
      languages: this.languages.top(),
      quality: {
        bins: [...this.qualityBins],
        mean: this.rows ? Math.round((this.qualitySum / this.rows) * 1000) / 1000 : null,
        passing: { ...this.passing },
      },
      nearDuplicates: {
        threshold: this.dedupThreshold,
        checked,
        exact: this.exact,
        near: this.near,
        rate: checked ? (this.exact + this.near) / checked : 0,
      },
      freshness: {
        oldest: this.oldest,
        newest: this.newest,
        ageHours:
          this.rows && ages.length ? { p50: pct(0.5), p90: pct(0.9), max: ages.at(-1)?.[0] ?? 0 } : null,
        bins,
      },
      licenses: this.licenses.top(),
      purposes: { ...this.purposes },
      optOut: {
        rowsWithPreference: this.withPreference,
        domainsWithPreference,
        excludedForPurpose: this.excluded.purpose,
        byReason: this.reasons.top(),
      },
      excluded: { ...this.excluded },
    };
  }
}
