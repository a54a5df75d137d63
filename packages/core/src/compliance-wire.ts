// Wire shape of GET /v1/jobs/:id/compliance and a bundle's compliance.json, shared by coordinator and SDK.

/** What one robots.txt answer decided for a job's URLs. */
export interface RobotsDecision {
  /** fetched, allow-all (4xx) or disallow-all (5xx, unreachable). */
  rule: string;
  allowed: number;
  disallowed: number;
  crawlDelayTooLong: number;
  /** Crawl-delay for SwardBot as written, in seconds; null when none applies. */
  crawlDelaySeconds: number | null;
  /**
   * URLs refused for the job's purpose by a publisher's usage preference, by reason (`aipref:train-ai=n`,
   * `content-signal:ai-train=no`, `rsl:prohibits ai-input`, `rsl:payment-required`…), among the URLs this
   * robots.txt let SwardBot fetch. Absent in compliance.json written before purposes.
   */
  usageRefused?: Record<string, number>;
}

/** What one RSL licence answer was: read (it took part in decisions) or why it grants nothing. */
export interface RslLicenceDecision {
  readable: boolean;
  /** Why the licence grants nothing: not fetched, or does not parse (the parser's message). */
  problem: string | null;
}

/** What one tdmrep.json answer decided: its reservations and how many of the job's URLs they hit. */
export interface TdmRepDecision {
  reservations: { location: string; 'tdm-reservation': 0 | 1; 'tdm-policy'?: string }[];
  reserved: number;
  notReserved: number;
}

/** One policy document a job's decisions rest on: GET /v1/jobs/:id/compliance, compliance.json. */
export interface ComplianceDocument {
  kind: 'robots' | 'tdmrep' | 'rsl';
  origin: string;
  url: string;
  /** The node-signed capture of the answer; null when no node got an HTTP answer (see `detail`). */
  captureId: string | null;
  leafIndex: number | null;
  status: number | null;
  bodySha256: string | null;
  fetchedAt: string;
  detail: string | null;
  /**
   * The policy text the decisions were read from (robots.txt as kept, up to 500 KiB; tdmrep.json); null when
   * there was none. When its SHA-256 is the signed body hash, `sward verify` re-reads the rule from it.
   */
  text: string | null;
  decision: RobotsDecision | TdmRepDecision | RslLicenceDecision;
  signedCapture: { capture: Record<string, unknown>; signature: string } | null;
}

export interface JobCompliance {
  jobId: string;
  documents: ComplianceDocument[];
}
