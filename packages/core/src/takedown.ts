import { z } from 'zod';
import { MAX_URL_LENGTH, webUrlProblem } from './web-url.js';

/**
 * Takedowns: a publisher's URL, path prefix or domain removed from every future crawl and from what the
 * API serves. The matching rules live here, beside the wire shape, so the coordinator and anyone
 * reading the public list (`GET /v1/takedowns`) apply the same ones:
 *
 * - url: that URL exactly (the fragment aside);
 * - prefix: same origin, and the path equal to the prefix's path or below it at a segment boundary
 *   (`/docs` covers `/docs`, `/docs/` and `/docs/a`, never `/docsx`);
 * - domain: that host name and its subdomains on any scheme or port (`example.com` covers
 *   `www.example.com`, never `example.com.evil.test` nor `badexample.com`).
 */
export const TAKEDOWN_KINDS = ['url', 'prefix', 'domain'] as const;
export type TakedownKind = (typeof TAKEDOWN_KINDS)[number];

export interface Takedown {
  kind: TakedownKind;
  /** Normalised by normaliseTakedown(): a URL, an origin + path, or a lowercase host name. */
  value: string;
}

export interface TakedownInfo extends Takedown {
  id: string;
  reason: string;
  createdAt: string;
}

// One DNS label: letters, digits and inner dashes (IDNs arrive here already in punycode).
const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** The takedown's canonical value and the host it is filed under, or why `raw` cannot be one. */
export function normaliseTakedown(
  kind: TakedownKind,
  raw: string,
): { value: string; host: string } | { problem: string } {
  if (kind === 'domain') {
    if (/[/:@?#\\\s]/.test(raw)) return { problem: 'a domain is a host name only, such as example.com' };
    let host: string;
    try {
      host = new URL(`http://${raw}/`).hostname.replace(/\.$/, '');
    } catch {
      return { problem: 'not a host name' };
    }
    if (!HOST.test(host)) return { problem: 'not a host name' };
    return { value: host, host };
  }
  const problem = webUrlProblem(raw);
  if (problem) return { problem };
  const u = new URL(raw);
  u.hash = '';
  if (kind === 'url') return { value: u.href, host: u.hostname };
  if (u.search) return { problem: 'a prefix is an origin and a path, without a query' };
  return { value: `${u.origin}${u.pathname}`, host: u.hostname };
}

/** The host names a takedown of `hostname` may be filed under: itself and each parent domain. */
export function takedownHosts(hostname: string): string[] {
  const labels = hostname.split('.');
  return labels.map((_, i) => labels.slice(i).join('.')).filter(Boolean);
}

/** Whether `t` removes `url`. A URL that does not parse is never matched (it is never fetched either). */
export function takedownMatches(t: Takedown, url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  u.hash = '';
  if (t.kind === 'domain') return u.hostname === t.value || u.hostname.endsWith(`.${t.value}`);
  if (t.kind === 'url') return u.href === t.value;
  const p = new URL(t.value);
  if (u.origin !== p.origin) return false;
  if (p.pathname.endsWith('/')) return u.pathname.startsWith(p.pathname);
  return u.pathname === p.pathname || u.pathname.startsWith(`${p.pathname}/`);
}

export const createTakedownRequestSchema = z
  .object({
    kind: z.enum(TAKEDOWN_KINDS),
    value: z.string().min(1).max(MAX_URL_LENGTH),
    reason: z
      .string()
      .trim()
      .min(1, 'say why (it is published with the takedown)')
      .max(2000)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
      .regex(/^[^\u0000-\u0008\u000b-\u001f\u007f]*$/, 'reason contains a control character'),
  })
  .strict()
  .transform((r, ctx) => {
    const n = normaliseTakedown(r.kind, r.value);
    if ('problem' in n) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: n.problem });
      return z.NEVER;
    }
    return { kind: r.kind, value: n.value, host: n.host, reason: r.reason };
  });
export type CreateTakedownRequest = z.input<typeof createTakedownRequestSchema>;
