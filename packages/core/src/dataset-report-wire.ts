import { z } from 'zod';
import { DATASET_EXCLUSIONS } from './dataset-wire.js';

/**
 * A dataset's valuation report (issue #16 point 5): what a buyer weighs before paying for a dataset, for
 * the dataset and for a reference sample side by side. Counts are raw (shares are counts over `rows`, so
 * a reader can recompute them); the coordinator computes it by streaming over the build's Parquet shards
 * and excluded.jsonl (coordinator datasets/dataset-report.ts).
 */

const int = z.number().int().min(0);
/** Values with their row counts, most first (ties by value). */
const counts = z.array(z.object({ key: z.string(), n: int }));

/** Age buckets of the freshness histogram, relative to the report's time. */
export const FRESHNESS_BINS = [
  '< 1 day',
  '1–7 days',
  '7–30 days',
  '30–90 days',
  '90–365 days',
  '> 1 year',
] as const;
/** Upper bound of each freshness bucket in hours (the last is open). */
export const FRESHNESS_BIN_HOURS = [
  24,
  24 * 7,
  24 * 30,
  24 * 90,
  24 * 365,
  Number.POSITIVE_INFINITY,
] as const;
/** Quality score histogram: ten bins of width 0.1, the last closed ([0.9, 1]). */
export const QUALITY_BINS = 10;
/** How tokens are estimated (documented in README, Datasets). */
export const TOKEN_ESTIMATOR =
  'chars/4: one token per 4 characters (the rule of thumb for English with BPE tokenizers), each CJK character one token';

export const datasetFiguresSchema = z.object({
  source: z.object({
    kind: z.enum(['build', 'builtin']),
    id: z.string(),
    name: z.string(),
    /** What the sample is and where it comes from (the built-in reference's source and licence). */
    note: z.string(),
  }),
  rows: int,
  /** Characters of the rows' text column. */
  textChars: int,
  tokens: z.object({ total: int, perRow: z.number().min(0), estimator: z.string() }),
  domains: z.object({ unique: int, top: counts }),
  /** Rows by detected language ('unknown' when none was detected). */
  languages: counts,
  quality: z.object({
    /** Rows per score bin [0, 0.1), …, [0.9, 1]; the score is @sward/extract's qualityScore. */
    bins: z.array(int).length(QUALITY_BINS),
    mean: z.number().min(0).max(1).nullable(),
    /** Rows each preset would keep. */
    passing: z.object({ c4: int, gopher: int, strict: int }),
  }),
  nearDuplicates: z.object({
    /** The build's MinHash Jaccard threshold. */
    threshold: z.number(),
    /** Pages the dedup step saw: the rows kept plus the duplicates it left out. */
    checked: int,
    exact: int,
    near: int,
    /** (exact + near) / checked, 0 when nothing was checked. */
    rate: z.number().min(0).max(1),
  }),
  freshness: z.object({
    oldest: z.string().nullable(),
    newest: z.string().nullable(),
    /** Age of the captures at report time, in whole hours; null without rows. */
    ageHours: z.object({ p50: int, p90: int, max: int }).nullable(),
    bins: z.array(z.object({ label: z.string(), n: int })),
  }),
  licenses: counts,
  /** Rows whose rights receipt allows each purpose. */
  purposes: z.object({ train: int, input: int, index: int }),
  optOut: z.object({
    /** Rows whose publisher stated a machine-readable preference or licence (not `no-signal`). */
    rowsWithPreference: int,
    domainsWithPreference: int,
    /** Pages left out because their publisher's preference refused the build's purpose. */
    excludedForPurpose: int,
    /** Those pages by the deciding reason (e.g. aipref:train-ai=n). */
    byReason: counts,
  }),
  /** Pages left out of the dataset, by step (excluded.jsonl). */
  excluded: z.record(z.enum(DATASET_EXCLUSIONS), int),
});
export type DatasetFigures = z.infer<typeof datasetFiguresSchema>;

export const datasetValuationSchema = z.object({
  generatedAt: z.string(),
  dataset: datasetFiguresSchema,
  reference: datasetFiguresSchema.nullable(),
});
export type DatasetValuation = z.infer<typeof datasetValuationSchema>;

/** The built-in reference sample's name (`--reference builtin`). */
export const BUILTIN_REFERENCE = 'builtin';

export const datasetReportQuerySchema = z
  .object({
    /** Another finished build of the caller's tenant, or `builtin` (the sample shipped with Sward). */
    reference: z
      .string()
      .regex(/^(builtin|ds_[A-Za-z0-9_-]{1,64})$/, 'expected a dataset build id or builtin')
      .optional(),
  })
  .strict();
export type DatasetReportQuery = z.infer<typeof datasetReportQuerySchema>;
