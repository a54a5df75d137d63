import { z } from 'zod';
import { decimalMicros } from './pay-per-crawl.js';
import { USAGE_PURPOSES, type UsagePurpose } from './usage-policy/purpose.js';
import { webUrlSchema } from './web-url.js';

/** A price in the job's currency (USD) as a decimal string: "0.01"; strings, so no float rounds it. */
/** A USD amount as jobs and collections take it ("0.01", at most 6 decimals). */
export const usdAmountSchema = z
  .string()
  .max(20)
  .refine(
    (s) => decimalMicros(s) !== null,
    'expected a decimal amount in USD like "0.01" (at most 6 decimals)',
  );

/**
 * An RSL licence token for one origin (`Authorization: License <token>` to that origin only). Secret: the
 * coordinator keeps it apart from the job's options, so it is never listed, logged or written to outputs.
 */
export const licenseTokenSchema = z
  .object({
    origin: webUrlSchema.refine(
      (u) => new URL(u).origin === u.replace(/\/$/, ''),
      'expected an origin like https://example.org',
    ),
    token: z
      .string()
      .min(1)
      .max(4096)
      .regex(/^[\x21-\x7e]+$/, 'expected printable ASCII without spaces'),
  })
  .strict();

/**
 * Which kinds of personal data the job's documents keep: true keeps all, false (or leaving it out) redacts
 * all, per kind `{ email: true }` keeps emails and redacts the rest (kinds left out are redacted). Stored
 * with the job, so its documents are made, and re-made by `sward verify --rederive`, with the same choice.
 */
export const keepPiiSchema = z.union([
  z.boolean(),
  z
    .object({
      email: z.boolean().optional(),
      phone: z.boolean().optional(),
      ip: z.boolean().optional(),
      card: z.boolean().optional(),
    })
    .strict(),
]);
export type KeepPii = z.infer<typeof keepPiiSchema>;

/** The longest --max-age taken: a year (older captures are not "fresh" for any purpose we know of). */
const MAX_AGE_LIMIT_MS = 366 * 86_400_000;
const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `30m`, `1h`, `7d` in milliseconds; null when it is not such a duration. */
export function durationMs(text: string): number | null {
  const m = /^(\d{1,6})(s|m|h|d)$/.exec(text.trim());
  if (!m) return null;
  const ms = Number(m[1]) * (DURATION_UNITS[m[2] as string] as number);
  return ms > 0 && ms <= MAX_AGE_LIMIT_MS ? ms : null;
}

/**
 * How old an archived capture may be and still be taken instead of fetching the page again (archive reuse,
 * issue #16): a whole number and a unit, `90s`, `30m`, `1h`, `7d`; at most 366 days.
 */
export const maxAgeSchema = z
  .string()
  .max(12)
  .refine((s) => durationMs(s) !== null, 'expected a duration like 30m, 1h or 7d (at most 366d)');

/** The crawl request's fields, without the checks across them (a stored job's options extend it). */
export const crawlRequestObject = z
  .object({
    seed: webUrlSchema,
    maxPages: z.number().int().min(1).max(10_000_000).default(1000),
    maxDepth: z.number().int().min(0).max(1000).default(20),
    include: z.array(z.string().min(1).max(2000)).max(100).default([]),
    exclude: z.array(z.string().min(1).max(2000)).max(100).default([]),
    /**
     * What the pages are for (docs/PUBLISHERS.md): `train` (datasets, the default), `input` (live collections,
     * RAG), `index` (a search index; `search` is accepted as its alias). Publishers' signals are honoured for it.
     * Absent means `train` (jobPurpose), so jobs stored before purposes existed read as they were run.
     */
    purpose: z
      .enum([...USAGE_PURPOSES, 'search'])
      .transform((p): UsagePurpose => (p === 'search' ? 'index' : p))
      .optional(),
    /** Pay-per-crawl: the most the job pays for one page, USD. Absent: no page is paid for. */
    maxPrice: usdAmountSchema.optional(),
    /** Pay-per-crawl: the most the whole job spends, USD. Needs maxPrice. */
    budget: usdAmountSchema.optional(),
    licenseTokens: z.array(licenseTokenSchema).max(100).optional(),
    keepPii: keepPiiSchema.optional(),
    /** Archive reuse: take a page's capture from the archive when one this young allows the purpose. */
    maxAge: maxAgeSchema.optional(),
  })
  .strict();

/** A customer's crawl request, parsed once at the API edge. */
export const crawlRequestSchema = crawlRequestObject.refine(
  (o) => o.budget === undefined || o.maxPrice !== undefined,
  {
    message: 'budget needs maxPrice (the most one page may cost)',
    path: ['budget'],
  },
);

export type CrawlRequest = z.input<typeof crawlRequestSchema>;
export type CrawlOptions = z.output<typeof crawlRequestSchema>;

/** The purpose a job's pages are decided for: a live collection's are `input`, a crawl's its own or `train`. */
export function jobPurpose(
  options: Pick<CrawlOptions, 'purpose'>,
  collectionId: string | null,
): UsagePurpose {
  return collectionId !== null ? 'input' : (options.purpose ?? 'train');
}
