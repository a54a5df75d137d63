import { z } from 'zod';
import { usdAmountSchema } from './crawl-wire.js';
import { DATASET_PURPOSES, datasetFilesSchema } from './dataset-wire.js';
import { tenantNameSchema } from './keys-wire.js';

/**
 * The dataset catalogue (issue #16 point 4): finished builds published under `<owner tenant>/<name>@<version>`,
 * listed, shown, deprecated and downloaded. A version is immutable; each download is metered per customer
 * and pays the creators' terms of its rows (docs/DATASETS.md). Shapes shared by the coordinator and the SDK.
 */

/** A dataset's name within its owner's namespace (as Hugging Face names repositories). */
export const catalogueNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    'name must be 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

/** A version label: semantic versions ("1.0.0"), dates ("2026-12-05") or any short label of that alphabet. */
export const catalogueVersionLabelSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$/,
    'version must be 1-64 letters, digits, ".", "+", "_" or "-", starting with a letter or digit',
  );

/**
 * Who may see and download a version besides its owner tenant: nobody (`private`), the tenants named in
 * `tenants` (`tenants`), or every tenant (`public`). Always with a key holding `datasets:read`.
 */
export const CATALOGUE_VISIBILITIES = ['private', 'tenants', 'public'] as const;
export type CatalogueVisibility = (typeof CATALOGUE_VISIBILITIES)[number];

/**
 * What a version holds: a crawl dataset build (`dataset`), or a labelling project's export as it stood at
 * publish time (`labels`: preferences in TRL's layout, ratings, raw annotations, croissant.json, the card).
 */
export const CATALOGUE_KINDS = ['dataset', 'labels'] as const;
export type CatalogueKind = (typeof CATALOGUE_KINDS)[number];

export const cataloguePublishRequestSchema = z
  .object({
    /** A finished dataset build of the caller's tenant (or `project`). */
    build: z
      .string()
      .regex(/^ds_[A-Za-z0-9_-]{1,64}$/, 'expected a dataset build id (ds_…)')
      .optional(),
    /** A labelling project of the caller's tenant: its export is published as it stands now (or `build`). */
    project: z
      .string()
      .regex(/^lp_[A-Za-z0-9_-]{1,64}$/, 'expected a labelling project id (lp_…)')
      .optional(),
    name: catalogueNameSchema,
    version: catalogueVersionLabelSchema,
    description: z.string().trim().max(5000).default(''),
    visibility: z.enum(CATALOGUE_VISIBILITIES).default('private'),
    /** With visibility `tenants`: who else may see and download it. */
    tenants: z.array(tenantNameSchema).max(100).default([]),
  })
  .strict()
  .refine((r) => (r.build === undefined) !== (r.project === undefined), {
    message: 'name exactly one of build (a dataset build) or project (a labelling project)',
    path: ['build'],
  })
  .refine((r) => r.visibility === 'tenants' || r.tenants.length === 0, {
    message: 'tenants may be named only with visibility "tenants"',
    path: ['tenants'],
  })
  .refine((r) => r.visibility !== 'tenants' || r.tenants.length > 0, {
    message: 'visibility "tenants" needs at least one tenant',
    path: ['tenants'],
  });
export type CataloguePublishRequest = z.input<typeof cataloguePublishRequestSchema>;

export const catalogueDeprecateRequestSchema = z
  .object({ reason: z.string().trim().min(1).max(1000) })
  .strict();

export const catalogueListQuerySchema = z
  .object({
    /** `true`: deprecated versions too (left out by default). */
    deprecated: z.enum(['true', 'false']).default('false'),
    /** Only versions of this owner tenant. */
    owner: tenantNameSchema.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

/**
 * How a page (by URL) differs from the previous version, compared by its body hashes; in a `labels` version,
 * how a labelled item (by item id) differs, compared by the hash of its aggregate label.
 */
export const CATALOGUE_CHANGES = ['added', 'removed', 'changed'] as const;

export const catalogueChangesSchema = z.object({
  /** The version this one is compared with: the owner's last earlier publication of the name. */
  previous: z.string(),
  /**
   * URLs (item ids in a `labels` version) by what happened to them; one in both whose hashes are the same
   * is unchanged.
   */
  added: z.number().int(),
  removed: z.number().int(),
  changed: z.number().int(),
  unchanged: z.number().int(),
  /**
   * The first changed URLs (up to 100, in URL order) when one version is asked for; [] in lists. GET
   * …/changes pages through them all.
   */
  rows: z.array(
    z.object({
      /** The page's URL; in a `labels` version, the item id. */
      url: z.string(),
      change: z.enum(CATALOGUE_CHANGES),
      /**
       * Body SHA-256 of the URL's rows in the previous version and in this one; in a `labels` version, the
       * SHA-256 of the item's aggregate label (its answer class, e.g. "A", "4" or the ranking "2,0,1").
       */
      before: z.array(z.string()),
      after: z.array(z.string()),
    }),
  ),
});

/** What one download of the version costs (non-owners; the owner's own downloads cost nothing). */
export const cataloguePriceSchema = z.object({
  /** Rows of claimed domains with a price, each charged at the terms version recorded in its capture. */
  pricedRows: z.number().int(),
  microUsd: z.number().int(),
  usd: z.string(),
  /** Per domain and terms version: rows and the price per 1,000 pages. */
  terms: z.array(
    z.object({
      domain: z.string(),
      version: z.number().int(),
      rows: z.number().int(),
      pricePer1000PagesUsd: z.string(),
    }),
  ),
});

export const catalogueVersionSchema = z.object({
  /** `<owner>/<name>@<version>`. */
  id: z.string(),
  owner: z.string(),
  name: z.string(),
  version: z.string(),
  description: z.string(),
  visibility: z.enum(CATALOGUE_VISIBILITIES),
  /** With visibility `tenants`: who else sees it (shown to the owner only; [] to others). */
  tenants: z.array(z.string()),
  kind: z.enum(CATALOGUE_KINDS),
  /** The build it was published from (the owner's; null to others and for `labels`). */
  build: z.string().nullable(),
  /** The labelling project it was published from (the owner's; null to others and for `dataset`). */
  project: z.string().nullable(),
  /** The build's purpose; `train` for `labels` (labels are made to train or tune on). */
  purpose: z.enum(DATASET_PURPOSES),
  /** Parquet rows; in a `labels` version, the items with an aggregate label. */
  rows: z.number().int(),
  /** Bytes of every file a download hands out. */
  bytes: z.number().int(),
  files: datasetFilesSchema.shape.files,
  licenses: z.record(z.string(), z.number().int()),
  price: cataloguePriceSchema,
  /** What changed against the previous version; null for the first. */
  changes: catalogueChangesSchema.nullable(),
  publishedAt: z.string(),
  deprecated: z.object({ at: z.string(), reason: z.string() }).nullable(),
});
export type CatalogueVersion = z.output<typeof catalogueVersionSchema>;

export const catalogueDownloadRequestSchema = z
  .object({
    /**
     * The most this download may cost, in USD: a version whose price is above it (or any priced version
     * without it) is refused with PAYMENT_REQUIRED, and nothing is charged or handed out.
     */
    maxPrice: usdAmountSchema.optional(),
  })
  .strict();
export type CatalogueDownloadRequest = z.input<typeof catalogueDownloadRequestSchema>;

/**
 * One download: the whole version, bought at once. Its files are served only under its id, to its customer
 * tenant; fetching them again under the same id (a retry, a resumed download) charges nothing more.
 */
export const catalogueDownloadSchema = z.object({
  id: z.string(),
  /** `<owner>/<name>@<version>`. */
  dataset: z.string(),
  /** `labels` versions have no signed manifest: their files are checked against `files`' SHA-256 only. */
  kind: z.enum(CATALOGUE_KINDS),
  customer: z.string(),
  createdAt: z.string(),
  rows: z.number().int(),
  bytes: z.number().int(),
  pricedRows: z.number().int(),
  chargedMicroUsd: z.number().int(),
  chargedUsd: z.string(),
  files: datasetFilesSchema.shape.files,
  /** Set when the version is deprecated: why, so the customer knows before using it. */
  warning: z.string().nullable(),
  /** Metering: file bytes served under this download so far, and how many file requests. */
  bytesServed: z.number().int(),
  filesServed: z.number().int(),
});
export type CatalogueDownload = z.output<typeof catalogueDownloadSchema>;

export const catalogueDownloadsQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(1000).default(100) })
  .strict();
export const catalogueChangesQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    /** How many changed URLs to skip (they come in URL order). */
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
