import { randomBytes } from 'node:crypto';
import {
  CREATOR_WELL_KNOWN_PATH,
  type CreatorClaimInfo,
  type CreatorTerms,
  creatorDnsName,
  creatorProofValue,
  type PublicDomainTerms,
  parseIpLiteral,
} from '@sward/core';
import { CoordinatorError } from '../errors.js';
import { recordAudit } from '../store/audit-store.js';
import type { SqlDriver, SqlExecutor } from '../store/sql-driver.js';
import { type DomainProofOptions, defaultWellKnownOrigin, proveDomain } from './domain-proof.js';
import { parseStoredTerms } from './stored-terms.js';

interface ClaimRow {
  tenant_id: string;
  domain: string;
  token: string;
}

/**
 * Creators in the loop (issue #15 point 5): a site owner claims a domain, proves control of it (a
 * well-known file or a DNS TXT record, domain-proof.ts) and sets terms for its pages. Every change of
 * terms is a new version; takeovers and terms are written to the audit log.
 */
export class Creators {
  constructor(
    readonly db: SqlDriver,
    private readonly proof: DomainProofOptions = {},
  ) {}

  /** Starts (or repeats) a claim: the same tenant and domain keep their token until verified. */
  async claim(tenant: string, domain: string): Promise<CreatorClaimInfo> {
    await this.db.run(
      `INSERT INTO cr_claims (tenant_id, domain, token, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (tenant_id, domain) DO NOTHING`,
      [tenant, domain, randomBytes(24).toString('base64url'), Date.now()],
    );
    return this.info(tenant, domain);
  }

  /** Checks the proof now; on success the tenant owns the domain (taking it over from any earlier owner). */
  async verify(tenant: string, domain: string, actor: string): Promise<CreatorClaimInfo> {
    const claim = await this.ownClaim(tenant, domain);
    const r = await proveDomain(domain, claim.token, this.proof);
    if (!r.ok)
      throw new CoordinatorError(
        'CONFLICT',
        `control of ${domain} not shown: ${r.tried.map((t) => `${t.method}: ${t.error}`).join('; ')}`,
      );
    await this.db.transaction(async (tx) => {
      const before = await tx.get<{ tenant_id: string }>(
        'SELECT tenant_id FROM cr_domains WHERE domain = ?',
        [domain],
      );
      await tx.run(
        `INSERT INTO cr_domains (domain, tenant_id, method, verified_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (domain) DO UPDATE SET tenant_id = excluded.tenant_id, method = excluded.method,
           verified_at = excluded.verified_at`,
        [domain, tenant, r.method, Date.now()],
      );
      // A new owner does not inherit the old one's terms: the domain has none until it sets its own.
      if (before && before.tenant_id !== tenant)
        await recordAudit(tx, {
          actor,
          action: 'creator.takeover',
          target: domain,
          detail: { from: before.tenant_id, to: tenant, method: r.method },
        });
    });
    return this.info(tenant, domain);
  }

  /** Sets the terms of a domain the tenant owns: a new version, in force from now. */
  async setTerms(
    tenant: string,
    domain: string,
    terms: CreatorTerms,
    actor: string,
  ): Promise<CreatorClaimInfo> {
    await this.db.transaction(async (tx) => {
      const owner = await this.ownerOf(domain, tx);
      if (owner?.tenant_id !== tenant)
        throw new CoordinatorError('NOT_FOUND', `no verified claim of yours on ${domain}`);
      const last = await tx.get<{ v: number | null }>(
        'SELECT max(version) AS v FROM cr_terms WHERE domain = ?',
        [domain],
      );
      const version = Number(last?.v ?? 0) + 1;
      await tx.run(
        'INSERT INTO cr_terms (domain, version, tenant_id, terms, created_at) VALUES (?, ?, ?, ?, ?)',
        [domain, version, tenant, JSON.stringify(terms), Date.now()],
      );
      await recordAudit(tx, {
        actor,
        action: 'creator.terms',
        target: domain,
        detail: { version, ...terms },
      });
    });
    return this.info(tenant, domain);
  }

  /** The tenant's claims, verified or not. */
  async list(tenant: string): Promise<CreatorClaimInfo[]> {
    const rows = await this.db.all<{ domain: string }>(
      'SELECT domain FROM cr_claims WHERE tenant_id = ? ORDER BY domain',
      [tenant],
    );
    return Promise.all(rows.map((r) => this.info(tenant, r.domain)));
  }

  /**
   * The terms in force for a URL's host: its own domain's, else the nearest parent domain's (a claim on
   * example.org covers www.example.org). Only the current owner's terms count.
   */
  async termsForHost(host: string, tx: SqlExecutor = this.db): Promise<PublicDomainTerms | null> {
    // An address is nobody's domain (claims name host names only).
    if (parseIpLiteral(host.replace(/^\[|\]$/g, ''))) return null;
    const labels = host.toLowerCase().replace(/\.$/, '').split('.');
    for (let i = 0; i < labels.length - 1; i++) {
      const t = await this.currentTerms(labels.slice(i).join('.'), tx);
      if (t) return t;
    }
    return null;
  }

  /** A domain's current terms, as anyone may read them. */
  async currentTerms(domain: string, tx: SqlExecutor = this.db): Promise<PublicDomainTerms | null> {
    const r = await tx.get<{ terms: string; version: number; created_at: number }>(
      `SELECT t.terms, t.version, t.created_at FROM cr_terms t JOIN cr_domains d
         ON d.domain = t.domain AND d.tenant_id = t.tenant_id
       WHERE t.domain = ? ORDER BY t.version DESC LIMIT 1`,
      [domain],
    );
    if (!r) return null;
    return {
      domain,
      ...parseStoredTerms(r.terms),
      version: Number(r.version),
      since: new Date(Number(r.created_at)).toISOString(),
    };
  }

  private ownerOf(domain: string, tx: SqlExecutor = this.db) {
    return tx.get<{ tenant_id: string; method: string; verified_at: number }>(
      'SELECT tenant_id, method, verified_at FROM cr_domains WHERE domain = ?',
      [domain],
    );
  }

  private async ownClaim(tenant: string, domain: string): Promise<ClaimRow> {
    const claim = await this.db.get<ClaimRow>('SELECT * FROM cr_claims WHERE tenant_id = ? AND domain = ?', [
      tenant,
      domain,
    ]);
    if (!claim) throw new CoordinatorError('NOT_FOUND', `no claim of yours on ${domain}; claim it first`);
    return claim;
  }

  private async info(tenant: string, domain: string): Promise<CreatorClaimInfo> {
    const claim = await this.ownClaim(tenant, domain);
    const owner = await this.ownerOf(domain);
    const mine = owner?.tenant_id === tenant;
    const terms = mine ? await this.currentTerms(domain) : null;
    const value = creatorProofValue(claim.token);
    return {
      domain,
      state: mine ? 'verified' : 'pending',
      proof: {
        wellKnown: {
          url: `${(this.proof.wellKnownOrigin ?? defaultWellKnownOrigin)(domain)}${CREATOR_WELL_KNOWN_PATH}`,
          body: { claim: value },
        },
        dns: { name: creatorDnsName(domain), type: 'TXT', value },
      },
      verifiedAt: mine && owner ? new Date(Number(owner.verified_at)).toISOString() : null,
      method: mine && owner ? (owner.method as 'well-known' | 'dns') : null,
      terms: terms && withoutDomain(terms),
    };
  }
}

/** A domain's public terms as its claim shows them (the claim names the domain already). */
function withoutDomain({
  domain: _domain,
  ...terms
}: PublicDomainTerms): NonNullable<CreatorClaimInfo['terms']> {
  return terms;
}
