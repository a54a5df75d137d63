import { z } from 'zod';
import { maxAgeSchema } from './crawl-wire.js';
import { type RightsReceipt, receiptDecision, rightsReceiptSchema } from './rights-receipt.js';
import { USAGE_PURPOSES, type UsagePurpose } from './usage-policy/purpose.js';

/**
 * Dataset builds (issue #16): a customer's crawled pages made into sharded Parquet with a dataset card,
 * croissant.json, the D&TA provenance record and the proof bundle `sward verify` checks every row against.
 * The request, the build's state and the Parquet row's columns are defined here, for the coordinator, the
 * SDK and the verifier alike.
 */

const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;
const QUALITY = ['none', 'c4', 'gopher', 'strict'] as const;

/** The purposes a dataset may be built for: what its rows must be allowed for. */
export const DATASET_PURPOSES = ['train', 'input'] as const satisfies readonly UsagePurpose[];
export type DatasetPurpose = (typeof DATASET_PURPOSES)[number];

/** Default shard size: about 256 MB of Parquet, as the Hugging Face Hub suggests for its viewer. */
export const DEFAULT_SHARD_BYTES = 256 * 1024 * 1024;

export const datasetBuildRequestSchema = z
  .object({
    /**
     * Where the rows come from, all within the caller's tenant: finished crawl jobs; a live collection's
     * finished refreshes; or the whole archive (every finished job), narrowed by the filters below.
     */
    from: z.union([
      z.object({ jobs: z.array(z.string().regex(JOB_ID, 'expected a job id')).min(1).max(100) }).strict(),
      z.object({ collection: z.string().regex(JOB_ID, 'expected a collection id') }).strict(),
      z.object({ archive: z.literal(true) }).strict(),
    ]),
    /** Keep only documents in these languages (ISO 639-1); empty or absent keeps every language. */
    lang: z
      .array(z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?$/, 'expected a language code like en'))
      .max(50)
      .optional(),
    quality: z.enum(QUALITY).default('none'),
    /** Near-duplicate Jaccard threshold (MinHash over word 5-grams); 1 drops exact duplicates only. */
    dedup: z.number().min(0).max(1).default(0.8),
    /** Only pages fetched at or after this time. */
    since: z.string().datetime({ offset: true }).optional(),
    /** Only pages fetched at most this long before the build starts (`30m`, `1h`, `7d`): --since, relative. */
    maxAge: maxAgeSchema.optional(),
    /** Only pages of these hosts (and their subdomains). */
    domains: z
      .array(
        z
          .string()
          .regex(/^[a-z0-9.-]{1,253}$/i, 'expected a host name')
          .transform((d) => d.toLowerCase().replace(/\.$/, '')),
      )
      .max(1000)
      .optional(),
    /** A row is kept only if its capture's rights receipt allows it for this purpose. */
    purpose: z.enum(DATASET_PURPOSES).default('train'),
    /** Parquet bytes per shard before the next starts (at a row group's end). */
    shardBytes: z
      .number()
      .int()
      .min(1024)
      .max(4 * 1024 * 1024 * 1024)
      .default(DEFAULT_SHARD_BYTES),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type DatasetBuildRequest = z.input<typeof datasetBuildRequestSchema>;
export type DatasetBuildParams = z.output<typeof datasetBuildRequestSchema>;

export const DATASET_EXCLUSIONS = ['purpose', 'no-document', 'language', 'quality', 'duplicate'] as const;
export type DatasetExclusion = (typeof DATASET_EXCLUSIONS)[number];

export const datasetReportSchema = z.object({
  rows: z.number().int(),
  shards: z.number().int(),
  parquetBytes: z.number().int(),
  /** Pages left out and why (each listed in excluded.jsonl). */
  excluded: z.record(z.enum(DATASET_EXCLUSIONS), z.number().int()),
  /** Pages outside --since or --domains: not part of the selection, not listed. */
  notSelected: z.number().int(),
  /** Kept rows by licence, for the card's licence section. */
  licenses: z.record(z.string(), z.number().int()),
  checkpointSize: z.number().int(),
  /**
   * Kept rows whose page its job took from the archive (another job's capture, --max-age), and rows its job
   * fetched; they sum to `rows` (absent from builds made before archive reuse).
   */
  fromArchive: z.number().int().optional(),
  fetched: z.number().int().optional(),
});
export type DatasetReport = z.infer<typeof datasetReportSchema>;

export const datasetBuildSchema = z.object({
  id: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  params: z.unknown(),
  /** Pages read so far, and rows kept. */
  progress: z.object({ pages: z.number().int(), rows: z.number().int() }),
  report: datasetReportSchema.nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
});
export type DatasetBuild = z.infer<typeof datasetBuildSchema>;

export const datasetFilesSchema = z.object({
  files: z.array(z.object({ path: z.string(), sha256: z.string(), size: z.number().int() })),
});
export type DatasetFiles = z.infer<typeof datasetFilesSchema>;

/** The Parquet rows' columns, in order: every one a string but `leaf_index` (INT64). */
export const DATASET_COLUMNS = [
  'text',
  'markdown',
  'url',
  'final_url',
  'domain',
  'title',
  'language',
  'fetched_at',
  'license',
  'allowed_purposes',
  'usage_reasons',
  'capture_id',
  'body_sha256',
  'leaf_index',
] as const;
export type DatasetColumn = (typeof DATASET_COLUMNS)[number];

/** A row's licence and rights, as the verifier recomputes them from the signed capture. */
export interface RowRights {
  /** The licence that applied at capture time: an RSL licence's URL, a TDMRep policy, or `unspecified`. */
  license: string;
  /** Purposes the receipt allowed, comma-separated in train, input, index order ('' when none). */
  allowedPurposes: string;
  /** Canonical JSON of each purpose's decision and reason. */
  usageReasons: string;
}

/**
 * The licence and purposes in force when a page was captured, read from the rights receipt in its log leaf
 * (so the signed checkpoint commits to them). An RSL licence (robots.txt `License:`, a `Link` header or the
 * page's own) names the licence; else a TDMRep policy; else no licence was stated. Null: no receipt.
 */
export function rowRights(signedCapture: unknown): RowRights | null {
  const parsed = rightsReceiptSchema.safeParse((signedCapture as { rights?: unknown } | null)?.rights);
  if (!parsed.success) return null;
  const r: RightsReceipt = parsed.data;
  const rsl = r.documents.find((d) => d.kind === 'rsl' || d.kind === 'html');
  const tdm = r.documents.find((d) => d.kind === 'tdmrep');
  // The domain owner's licence, when the page came under creator terms, before the site's own statements.
  const license = r.creator
    ? r.creator.license
    : rsl
      ? `RSL ${rsl.url}`
      : tdm
        ? `TDMRep ${tdm.url}`
        : 'unspecified';
  const decided = Object.fromEntries(USAGE_PURPOSES.map((p) => [p, receiptDecision(r, p)] as const));
  const reasons = Object.fromEntries(
    USAGE_PURPOSES.map((p) => [p, `${decided[p]?.decision}:${decided[p]?.reason}`]),
  );
  return {
    license,
    allowedPurposes: USAGE_PURPOSES.filter((p) => decided[p]?.decision === 'allow').join(','),
    usageReasons: JSON.stringify(reasons),
  };
}

/** The output parameters a dataset's signed manifest carries: `kind` tells `sward verify` to read the shards. */
export const DATASET_MANIFEST_KIND = 'dataset';
/** Where a dataset keeps its shards, and the rest of its files. */
export const DATASET_DATA_DIR = 'data';
export const DATASET_CROISSANT_FILE = 'croissant.json';
export const DATASET_EXCLUDED_FILE = 'excluded.jsonl';
export const DATASET_PROVENANCE_FILE = 'provenance/dta-provenance.json';
