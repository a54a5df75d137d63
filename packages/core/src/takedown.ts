import { z } from 'zod';
import { MAX_URL_LENGTH, webUrlProblem } from './web-url.js';

/**
 * Takedowns: a publisher's URL, path prefix or domain removed from every future crawl and from what the
 * API serves. The matching rules live here, beside the wire shape, so the coordinator and anyone
 * reading the public list (`GET /v1/takedowns`) apply the same ones:
 *
 * - url: that URL (the fragment aside); one filed without a query covers every query of its path, so
 *   `/story` is not fetched again as `/story?utm_source=x`; one filed with a query covers that query only;
 * - prefix: same origin, and the path equal to the prefix's path or below it at a segment boundary
 *   (`/docs` and `/docs/` cover `/docs`, `/docs/` and `/docs/a`, never `/docsx`);
 * - domain: that host name and its subdomains on any scheme or port (`example.com` covers
 *   `www.example.com`, never `example.com.evil.test` nor `badexample.com`).
 *
 * Both sides are compared in one canonical form (takedownForm) that a web server would serve alike, so
 * spelling a URL differently does not get round a takedown: a host's trailing dot (`example.com.`),
 * percent-encoded unreserved characters (`/%64ocs`), lowercase escapes, repeated slashes (`//docs`), a
 * trailing slash (`/story/`) and an empty query (`/story?`). Case, IDNs, default ports and dot segments
 * the WHATWG URL parser already makes one.
 */
export const TAKEDOWN_KINDS = ['url', 'prefix', 'domain'] as const;
export type TakedownKind = (typeof TAKEDOWN_KINDS)[number];

export interface Takedown {
  kind: TakedownKind;
  /** Normalised by normaliseTakedown(): a URL, an origin + path, or a lowercase host name. */
  value: string;
}

export const takedownInfoSchema = z.object({
  kind: z.enum(TAKEDOWN_KINDS),
  value: z.string(),
  id: z.string(),
  reason: z.string(),
  createdAt: z.string(),
});
export type TakedownInfo = z.output<typeof takedownInfoSchema>;

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
      host = bareHost(new URL(`http://${raw}/`).hostname);
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
  if (kind === 'url') return { value: u.href, host: bareHost(u.hostname) };
  if (u.search) return { problem: 'a prefix is an origin and a path, without a query' };
  return { value: `${u.origin}${u.pathname}`, host: bareHost(u.hostname) };
}

/** A host name without the trailing dots of its fully qualified spelling (`example.com.` is `example.com`). */
const bareHost = (hostname: string): string => hostname.replace(/\.+$/, '');

const UNRESERVED = /[A-Za-z0-9._~-]/;

/** A URL as takedowns compare it; see the rules above. */
export interface TakedownForm {
  host: string;
  /** Scheme, bare host and port: what an origin is, with the host's trailing dot dropped. */
  origin: string;
  /** Escapes of unreserved characters decoded, others in uppercase; no repeated or trailing slash. */
  path: string;
  /** `?…`, or '' for none (an empty `?` too). */
  search: string;
}

/** The canonical form of `url`, or null when it does not parse (such a URL is never fetched either). */
export function takedownForm(url: string): TakedownForm | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const host = bareHost(u.hostname);
  const hostPort = u.host.startsWith('[') ? u.host : `${host}${u.port ? `:${u.port}` : ''}`;
  const path =
    u.pathname
      .replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
        const ch = String.fromCharCode(Number.parseInt(hex, 16));
        return UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
      })
      .replace(/\/{2,}/g, '/')
      .replace(/(.)\/$/, '$1') || '/';
  return { host, origin: `${u.protocol}//${hostPort}`, path, search: u.search === '?' ? '' : u.search };
}

/** The host names a takedown of `hostname` may be filed under: itself and each parent domain. */
export function takedownHosts(hostname: string): string[] {
  const labels = bareHost(hostname).split('.');
  return labels.map((_, i) => labels.slice(i).join('.')).filter(Boolean);
}

/** Whether `t` removes `url`. A URL that does not parse is never matched (it is never fetched either). */
export function takedownMatches(t: Takedown, url: string): boolean {
  const u = takedownForm(url);
  if (!u) return false;
  if (t.kind === 'domain') {
    const d = bareHost(t.value);
    return u.host === d || u.host.endsWith(`.${d}`);
  }
  const p = takedownForm(t.value);
  if (!p || u.origin !== p.origin) return false;
  if (t.kind === 'url') return u.path === p.path && (p.search === '' || u.search === p.search);
  return p.path === '/' || u.path === p.path || u.path.startsWith(`${p.path}/`);
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
