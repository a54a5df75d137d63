import { type CreatorTerms, pagePriceMicros, royaltyPpm, type UsagePurpose } from '@sward/core';
import { creatorAccount, customerAccount, NETWORK_MONEY, operatorMoneyAccount } from '../rewards/accounts.js';
import type { Ledger } from '../rewards/ledger.js';
import type { SqlExecutor } from '../store/sql-driver.js';
import { parseStoredTerms } from './stored-terms.js';

/**
 * Of what a page costs beyond the creator's royalty, the part the operator of the node that captured it
 * gets (parts per million); the network keeps the rest. docs/REWARDS.md, "Pages under creators' terms".
 */
export const OPERATOR_SHARE_OF_REST_PPM = 700_000;

/** One page a customer pays for: its capture, the node that captured it, the terms version it came under. */
export interface PageUnderTerms {
  captureId: string;
  nodeId: string;
  domain: string;
  version: number;
  /** The purpose of the job (or download) the page is for, as the customer declared it. */
  purpose: UsagePurpose;
}

export interface PageChargeRequest {
  /** The customer tenant who pays. */
  customer: string;
  /**
   * What the pages are paid for: `crawl` (a crawl or collection fetching them, once per capture, at
   * ingest), `dataset:<download id>` for a dataset download. A page is charged once per reference: a
   * replay of the same reference and capture charges nothing.
   */
  ref: string;
  pages: readonly PageUnderTerms[];
  at?: number;
}

/** What one page cost and where the money went, in micro-USD. */
export interface PageSplit {
  price: number;
  creator: number;
  operator: number;
  network: number;
}

/** The ledger as a page charge uses it (RewardsService fits it). */
export interface PageChargeLedger {
  readonly ledger: Ledger;
  readonly policy: { readonly version: number };
  epochOf(at: number): number;
  now(): number;
}

/**
 * The split of one page's price: the creator gets `royaltyShare` of it (rounded down to a whole micro-USD),
 * the capturing node's operator 70 % of the rest (rounded down), the network what remains. Integers all the
 * way: the three always sum to the price.
 */
export function splitPagePrice(
  terms: Pick<CreatorTerms, 'pricePer1000PagesUsd' | 'royaltyShare'>,
): PageSplit {
  const price = pagePriceMicros(terms);
  const creator = Number((BigInt(price) * BigInt(royaltyPpm(terms))) / 1_000_000n);
  const rest = price - creator;
  const operator = Number((BigInt(rest) * BigInt(OPERATOR_SHARE_OF_REST_PPM)) / 1_000_000n);
  return { price, creator, operator, network: rest - operator };
}

/**
 * Charges a customer for pages of claimed domains, each at the price of the terms version it was captured
 * under, and credits the creator, the capturing node's operator and the network (docs/REWARDS.md); every page
 * is recorded for its creator's statement, free ones too. Runs inside the caller's transaction: a crawl calls
 * it from ingest's (creator-page-terms.ts), a dataset download is meant to call it with its own reference
 * before it hands out the files. Returns the total charged now (replays count nothing).
 */
export async function chargeForPages(
  tx: SqlExecutor,
  rewards: PageChargeLedger,
  req: PageChargeRequest,
): Promise<{ charged: number; pages: number }> {
  const at = req.at ?? rewards.now();
  const epoch = rewards.epochOf(at);
  const terms = new Map<string, { tenant: string; terms: CreatorTerms }>();
  let charged = 0;
  let pages = 0;
  for (const p of req.pages) {
    const key = `${p.domain}\n${p.version}`;
    let t = terms.get(key);
    if (!t) {
      const row = await tx.get<{ tenant_id: string; terms: string }>(
        'SELECT tenant_id, terms FROM cr_terms WHERE domain = ? AND version = ?',
        [p.domain, p.version],
      );
      if (!row) throw new TypeError(`no terms version ${p.version} for ${p.domain}`);
      t = { tenant: row.tenant_id, terms: parseStoredTerms(row.terms) };
      terms.set(key, t);
    }
    const node = await tx.get<{ operator: string | null }>('SELECT operator FROM nodes WHERE id = ?', [
      p.nodeId,
    ]);
    const operator = node?.operator || p.nodeId;
    const split = splitPagePrice(t.terms);
    const fresh = await tx.get<{ capture_id: string }>(
      `INSERT INTO cr_page_charges (ref, capture_id, creator_tenant, domain, version, purpose, customer, operator,
         epoch, price, creator_micros, operator_micros, network_micros, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ref, capture_id) DO NOTHING
       RETURNING capture_id`,
      [
        req.ref,
        p.captureId,
        t.tenant,
        p.domain,
        p.version,
        p.purpose,
        req.customer,
        operator,
        epoch,
        split.price,
        split.creator,
        split.operator,
        split.network,
        at,
      ],
    );
    if (!fresh) continue;
    pages++;
    if (split.price === 0) continue;
    await rewards.ledger.post(tx, {
      idemKey: `pages:${req.ref}:${p.captureId}`,
      kind: 'page_charge',
      epoch,
      policyVersion: rewards.policy.version,
      lines: [
        { account: customerAccount(req.customer), amount: -split.price, kind: 'page_charge' },
        { account: creatorAccount(t.tenant), amount: split.creator, kind: 'page_charge' },
        { account: operatorMoneyAccount(operator), amount: split.operator, kind: 'page_charge' },
        { account: NETWORK_MONEY, amount: split.network, kind: 'page_charge' },
      ],
      ref: p.captureId,
      memo: `${p.domain} terms v${p.version} (${req.ref})`,
      at,
    });
    charged += split.price;
  }
  return { charged, pages };
}
