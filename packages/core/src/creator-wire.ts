import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { parseIpLiteral } from './address-class.js';
import { decimalMicros, microsDecimal } from './pay-per-crawl.js';
import { USAGE_PURPOSES, type UsagePurpose } from './usage-policy/purpose.js';

/** What a page may be used for, as creators' terms name it: the purposes jobs declare. */
export const CREATOR_PURPOSES = USAGE_PURPOSES;
export type CreatorPurpose = UsagePurpose;

/**
 * A domain a creator claims: a host name (IDN in punycode, lowercase), never an IP address or a port,
 * so a claim names what DNS and TLS name.
 */
export const creatorDomainSchema = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .transform((d, ctx) => {
    const ascii = domainToASCII(d.replace(/\.$/, '').toLowerCase());
    const ok =
      ascii !== '' &&
      !parseIpLiteral(ascii) &&
      /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(ascii);
    if (!ok) {
      ctx.addIssue({ code: 'custom', message: `not a domain name: ${JSON.stringify(d)}` });
      return z.NEVER;
    }
    return ascii;
  });

/** An SPDX licence id (or LicenseRef-…), or the http(s) URL of a licence. */
const licenceSchema = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .refine(
    (l) => /^[A-Za-z0-9][A-Za-z0-9.+-]{0,99}$/.test(l) || /^https?:\/\/[^\s]+$/.test(l),
    'licence must be an SPDX id (e.g. CC-BY-4.0) or an http(s) URL',
  );

/** A creator's terms for their domain's pages. */
export const creatorTermsSchema = z
  .object({
    license: licenceSchema,
    /** What the pages may be used for; a job of another purpose does not fetch them. */
    purposes: z
      .array(z.enum(CREATOR_PURPOSES))
      .min(1)
      .max(CREATOR_PURPOSES.length)
      .refine((p) => new Set(p).size === p.length, 'purposes are listed once each'),
    /**
     * What a customer pays per 1,000 of the domain's pages, in US dollars as a decimal string ("2.5",
     * "0.001"; "0": free). A multiple of 0.001, so that each page costs a whole number of micro-USD (the
     * ledger's unit): exact, never rounded.
     */
    pricePer1000PagesUsd: z
      .string()
      .trim()
      .max(20)
      .default('0')
      .transform((v, ctx) => {
        const micros = decimalMicros(v);
        if (micros === null || micros % 1000 !== 0) {
          ctx.addIssue({
            code: 'custom',
            message: `pricePer1000PagesUsd must be US dollars as a decimal with at most 3 fraction digits (e.g. "2.5"), got ${JSON.stringify(v)}`,
          });
          return z.NEVER;
        }
        // the shortest form, so that the same price is always written (and versioned) the same way
        return microsDecimal(micros);
      }),
    /** The creator's share of what customers pay for the domain's pages (0-1, at most 6 decimals). */
    royaltyShare: z
      .number()
      .min(0)
      .max(1)
      .refine((s) => Math.abs(s * 1e6 - Math.round(s * 1e6)) < 1e-6, 'royaltyShare has at most 6 decimals')
      .default(0),
  })
  .strict();
export type CreatorTerms = z.output<typeof creatorTermsSchema>;
export type CreatorTermsRequest = z.input<typeof creatorTermsSchema>;

/** What one page of a domain costs under these terms, in micro-USD. */
export const pagePriceMicros = (t: Pick<CreatorTerms, 'pricePer1000PagesUsd'>): number =>
  (decimalMicros(t.pricePer1000PagesUsd) ?? 0) / 1000;

/** The royalty share in parts per million, the integer the ledger's split works in. */
export const royaltyPpm = (t: Pick<CreatorTerms, 'royaltyShare'>): number => Math.round(t.royaltyShare * 1e6);

export const creatorClaimRequestSchema = z.object({ domain: creatorDomainSchema }).strict();

/** The well-known file a creator serves to prove control of a domain. */
export const CREATOR_WELL_KNOWN_PATH = '/.well-known/sward.json';
/** The DNS name whose TXT record proves control instead: `_sward-claim.<domain>`. */
export const creatorDnsName = (domain: string): string => `_sward-claim.${domain}`;
/** The TXT record's value, and the well-known file's `claim` member. */
export const creatorProofValue = (token: string): string => `sward-claim=${token}`;

const termsInForce = {
  license: z.string(),
  purposes: z.array(z.enum(CREATOR_PURPOSES)),
  pricePer1000PagesUsd: z.string(),
  royaltyShare: z.number(),
  version: z.number().int(),
  since: z.string(),
};

/** A creator's claim on a domain, as its own tenant sees it. */
export const creatorClaimInfoSchema = z.object({
  domain: z.string(),
  state: z.enum(['pending', 'verified']),
  /** Serve this proof one of two ways, then ask to verify. */
  proof: z.object({
    wellKnown: z.object({ url: z.string(), body: z.object({ claim: z.string() }) }),
    dns: z.object({ name: z.string(), type: z.literal('TXT'), value: z.string() }),
  }),
  verifiedAt: z.string().nullable(),
  method: z.enum(['well-known', 'dns']).nullable(),
  /** The terms in force, with their version (each change is a new version; captures record theirs). */
  terms: z.object(termsInForce).nullable(),
});
export type CreatorClaimInfo = z.output<typeof creatorClaimInfoSchema>;

/** The terms of a domain as anyone may read them (GET /v1/terms/:domain). */
export const publicDomainTermsSchema = z.object({ domain: z.string(), ...termsInForce });
export type PublicDomainTerms = z.output<typeof publicDomainTermsSchema>;

/**
 * One line of a creator's statement (GET /v1/creator/statement): for one epoch and domain, the pages stored
 * under the domain's terms, by the purpose of the job that fetched them, the pages dataset downloads paid
 * for, and what the creator earned from both.
 */
export const creatorStatementLineSchema = z.object({
  epoch: z.number().int(),
  /** The epoch's bounds (ISO 8601): [from, to). */
  from: z.string(),
  to: z.string(),
  domain: z.string(),
  pages: z.number().int(),
  purposes: z.record(z.enum(CREATOR_PURPOSES), z.number().int()),
  /** The terms versions the pages were captured under. */
  termsVersions: z.array(z.number().int()),
  /** What customers paid for these pages, and the creator's share of it, in micro-USD and as USD. */
  chargedMicroUsd: z.number().int(),
  earnedMicroUsd: z.number().int(),
  earnedUsd: z.string(),
  /**
   * Of the above, what dataset downloads paid (ref `dataset:<download id>`): pages sold again in a published
   * dataset, each at the terms version it was captured under. `pages` and `purposes` count crawled pages only.
   */
  downloads: z.object({
    pages: z.number().int(),
    chargedMicroUsd: z.number().int(),
    earnedMicroUsd: z.number().int(),
  }),
});
export type CreatorStatementLine = z.output<typeof creatorStatementLineSchema>;

export const creatorStatementSchema = z.object({
  lines: z.array(creatorStatementLineSchema),
  totalEarnedMicroUsd: z.number().int(),
  totalEarnedUsd: z.string(),
});
export type CreatorStatement = z.output<typeof creatorStatementSchema>;
