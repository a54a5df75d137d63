import { Resolver as DnsResolver } from 'node:dns/promises';
import { CREATOR_WELL_KNOWN_PATH, creatorDnsName, creatorProofValue } from '@sward/core';
import { guardedGetText } from '../net/guarded-get.js';

/** TXT records of a name, each as its strings (node:dns's resolveTxt shape); swappable for tests. */
export type TxtResolver = (name: string) => Promise<string[][]>;

export interface DomainProofOptions {
  /** Where a domain's well-known file is fetched from; default `https://<domain>`. Tests map to loopback. */
  wellKnownOrigin?: (domain: string) => string;
  /** Default: the system's DNS servers. */
  resolveTxt?: TxtResolver;
  /** Lets the well-known fetch reach loopback/private addresses (tests, the demo). */
  allowPrivate?: boolean;
  timeoutMs?: number;
}

export type ProofResult =
  | { ok: true; method: 'well-known' | 'dns' }
  | { ok: false; tried: { method: 'well-known' | 'dns'; error: string }[] };

export const defaultWellKnownOrigin = (domain: string): string => `https://${domain}`;

/**
 * Checks that whoever controls `domain` published the claim's token: the well-known file
 * (`{"claim": "sward-claim=<token>"}` at /.well-known/sward.json, fetched through the SSRF guard, no
 * redirects) or a TXT record `sward-claim=<token>` at `_sward-claim.<domain>`. Either one proves control.
 */
export async function proveDomain(
  domain: string,
  token: string,
  opts: DomainProofOptions = {},
): Promise<ProofResult> {
  const want = creatorProofValue(token);
  const tried: { method: 'well-known' | 'dns'; error: string }[] = [];
  const url = `${(opts.wellKnownOrigin ?? defaultWellKnownOrigin)(domain)}${CREATOR_WELL_KNOWN_PATH}`;
  const got = await guardedGetText(url, {
    allowPrivate: opts.allowPrivate ?? false,
    timeoutMs: opts.timeoutMs ?? 10_000,
    maxBytes: 16 * 1024,
    userAgent: 'SwardCreatorCheck/1',
  });
  if (!got.ok) tried.push({ method: 'well-known', error: got.error });
  else if (got.status !== 200) tried.push({ method: 'well-known', error: `${url} answered ${got.status}` });
  else {
    let claims: unknown;
    try {
      claims = (JSON.parse(got.text) as { claim?: unknown }).claim;
    } catch {
      claims = undefined;
    }
    // One claim or several (a domain shared by several Sward tenants over time lists each).
    const list = Array.isArray(claims) ? claims : [claims];
    if (list.includes(want)) return { ok: true, method: 'well-known' };
    tried.push({ method: 'well-known', error: `${url} does not hold {"claim": "${want}"}` });
  }
  const name = creatorDnsName(domain);
  try {
    const records = await (opts.resolveTxt ?? systemTxt)(name);
    // A TXT record longer than 255 bytes arrives as several strings: they are one value.
    if (records.some((r) => r.join('') === want)) return { ok: true, method: 'dns' };
    tried.push({ method: 'dns', error: `no TXT record "${want}" at ${name}` });
  } catch (e) {
    tried.push({
      method: 'dns',
      error: `TXT lookup of ${name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    });
  }
  return { ok: false, tried };
}

const systemTxt: TxtResolver = (name) => new DnsResolver({ timeout: 5000, tries: 2 }).resolveTxt(name);
