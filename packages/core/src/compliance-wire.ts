import { z } from 'zod';
import { signedRecordSchema } from './proof-wire.js';

// Wire shape of GET /v1/jobs/:id/compliance and a bundle's compliance.json, shared by coordinator and SDK.

/** What one robots.txt answer decided for a job's URLs. */
export const robotsDecisionSchema = z.object({
  /** fetched, allow-all (4xx) or disallow-all (5xx, unreachable). */
  rule: z.string(),
  allowed: z.number().int(),
  disallowed: z.number().int(),
  crawlDelayTooLong: z.number().int(),
  /** Crawl-delay for SwardBot as written, in seconds; null when none applies. */
  crawlDelaySeconds: z.number().nullable(),
  /**
   * URLs refused for the job's purpose by a publisher's usage preference, by reason (`aipref:train-ai=n`,
   * `content-signal:ai-train=no`, `rsl:prohibits ai-input`, `rsl:payment-required`…), among the URLs this
   * robots.txt let SwardBot fetch. Absent in compliance.json written before purposes.
   */
  usageRefused: z.record(z.string(), z.number()).optional(),
});
export type RobotsDecision = z.output<typeof robotsDecisionSchema>;

/** What one RSL licence answer was: read (it took part in decisions) or why it grants nothing. */
export const rslLicenceDecisionSchema = z.object({
  readable: z.boolean(),
  /** Why the licence grants nothing: not fetched, or does not parse (the parser's message). */
  problem: z.string().nullable(),
});
export type RslLicenceDecision = z.output<typeof rslLicenceDecisionSchema>;

/** What one tdmrep.json answer decided: its reservations and how many of the job's URLs they hit. */
export const tdmRepDecisionSchema = z.object({
  reservations: z.array(
    z.object({
      location: z.string(),
      'tdm-reservation': z.union([z.literal(0), z.literal(1)]),
      'tdm-policy': z.string().optional(),
    }),
  ),
  reserved: z.number().int(),
  notReserved: z.number().int(),
});
export type TdmRepDecision = z.output<typeof tdmRepDecisionSchema>;

/** One policy document a job's decisions rest on: GET /v1/jobs/:id/compliance, compliance.json. */
export const complianceDocumentSchema = z.object({
  kind: z.enum(['robots', 'tdmrep', 'rsl']),
  origin: z.string(),
  url: z.string(),
  /** The node-signed capture of the answer; null when no node got an HTTP answer (see `detail`). */
  captureId: z.string().nullable(),
  leafIndex: z.number().int().nullable(),
  status: z.number().int().nullable(),
  bodySha256: z.string().nullable(),
  fetchedAt: z.string(),
  detail: z.string().nullable(),
  /**
   * The policy text the decisions were read from (robots.txt as kept, up to 500 KiB; tdmrep.json); null when
   * there was none. When its SHA-256 is the signed body hash, `sward verify` re-reads the rule from it.
   */
  text: z.string().nullable(),
  decision: z.union([robotsDecisionSchema, tdmRepDecisionSchema, rslLicenceDecisionSchema]),
  signedCapture: signedRecordSchema.nullable(),
});
export type ComplianceDocument = z.output<typeof complianceDocumentSchema>;

export const jobComplianceSchema = z.object({
  jobId: z.string(),
  documents: z.array(complianceDocumentSchema),
});
export type JobCompliance = z.output<typeof jobComplianceSchema>;
