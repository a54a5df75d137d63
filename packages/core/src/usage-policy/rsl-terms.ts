import { patternMatchLength } from './path-pattern.js';
import type { UsagePurpose } from './purpose.js';
import type { RslContent, RslDocument, RslLicense, RslScope } from './rsl-document.js';

/**
 * What an RSL document says about one purpose on one page. Sward's mapping (docs/PUBLISHERS.md):
 * `train` needs `ai-train`; `input` (live collections: vectors in a retrieval index, then RAG) needs
 * both `ai-input` and `ai-index`; `index` (search) needs `search`. `ai-all` covers every `ai-*` token
 * and `all` covers everything (§3.4.1.1).
 */
export const RSL_TOKENS_FOR: Readonly<Record<UsagePurpose, readonly string[]>> = {
  train: ['ai-train'],
  input: ['ai-input', 'ai-index'],
  index: ['search'],
};

export interface RslOffer {
  /** §3.7 payment type, e.g. `crawl`, `training`, `subscription`. */
  type: string;
  amount?: { value: string; currency: string };
  standard?: string;
  custom?: string;
  /** §3.3: a licence server from which a token must be obtained before access, even when free. */
  server?: string;
}

export type RslVerdict =
  | { outcome: 'silent' }
  | { outcome: 'allow'; reason: string; obligations: string[] }
  | { outcome: 'skip'; reason: string }
  | { outcome: 'pay'; reason: string; offers: RslOffer[] };

export interface RslClient {
  /** §3.4.1.2 user class of whoever uses the content; Sward customers are `commercial` unless known otherwise. */
  userClass: string;
  /** ISO 3166-1 alpha-2 country of the use, when known; a geo-restricted licence grants nothing without it. */
  country?: string;
}

const covers = (listed: readonly string[], token: string) =>
  listed.includes(token) || listed.includes('all') || (token.startsWith('ai-') && listed.includes('ai-all'));

function grants(license: RslLicense, token: string, client: RslClient): boolean {
  const { permits, prohibits } = license;
  if (permits.usage && !covers(permits.usage, token)) return false;
  if (permits.user && !permits.user.includes(client.userClass)) return false;
  if (prohibits.user?.includes(client.userClass)) return false;
  if (permits.geo && (!client.country || !permits.geo.includes(client.country))) return false;
  if (prohibits.geo && (!client.country || prohibits.geo.includes(client.country))) return false;
  return true;
}

const prohibits = (s: RslScope, token: string) => (s.usage ? covers(s.usage, token) : false);

/** Free-standing grants: no payment, or only credit is asked (`attribution`) or it is `free`. */
const FREE = new Set(['free', 'attribution']);

function contentVerdict(content: RslContent, token: string, client: RslClient): RslVerdict {
  // §3.1.1: a use both permitted and prohibited in the effective scope is not licensed.
  if (content.licenses.some((l) => prohibits(l.prohibits, token)))
    return { outcome: 'skip', reason: `rsl:prohibits ${token}` };
  const granting = content.licenses.filter((l) => grants(l, token, client));
  if (granting.length === 0) return { outcome: 'skip', reason: `rsl:not-permitted ${token}` };
  const free = granting.find((l) => FREE.has(l.payment.type));
  if (free && !content.server) {
    return {
      outcome: 'allow',
      reason: `rsl:permits ${token}`,
      obligations: free.payment.type === 'attribution' ? ['attribution'] : [],
    };
  }
  const offers = granting.map(
    (l): RslOffer => ({ ...l.payment, ...(content.server ? { server: content.server } : {}) }),
  );
  return {
    outcome: 'pay',
    reason: content.server ? 'rsl:license-server' : `rsl:payment ${offers[0]?.type}`,
    offers,
  };
}

/** `<content url>`: a full URL must share the page's origin; a path is matched as in robots.txt. */
function matchLength(url: string, page: URL): number | null {
  // §4.6.1: an empty url means the scope of the association (the page that named the licence).
  if (url === '') return Number.MAX_SAFE_INTEGER;
  const full = /^https?:\/\//i.exec(url);
  if (!full) return patternMatchLength(url, page.pathname + page.search);
  const afterScheme = url.slice(full[0].length);
  const slash = afterScheme.indexOf('/');
  const host = slash < 0 ? afterScheme : afterScheme.slice(0, slash);
  const origin = `${url.slice(0, full[0].length).toLowerCase()}${host.toLowerCase()}`;
  if (origin !== page.origin) return null;
  return patternMatchLength(slash < 0 ? '/' : afterScheme.slice(slash), page.pathname + page.search);
}

const RANK = { silent: 0, allow: 1, pay: 2, skip: 3 } as const;

/** Most restrictive of several verdicts (§4.9: conflicting terms resolve to the most restrictive). */
export function strictestRsl(verdicts: readonly RslVerdict[]): RslVerdict {
  return verdicts.reduce<RslVerdict>((a, b) => (RANK[b.outcome] > RANK[a.outcome] ? b : a), {
    outcome: 'silent',
  });
}

/**
 * The verdict of one document: the most specific matching `<content>` decides (§3.1.1, narrower scope
 * wins); several of equal specificity combine most-restrictively, and each token the purpose needs
 * must be licensed.
 */
export function rslVerdict(
  doc: RslDocument,
  pageUrl: string,
  purpose: UsagePurpose,
  client: RslClient,
): RslVerdict {
  const page = new URL(pageUrl);
  let best = -1;
  let scoped: RslContent[] = [];
  for (const content of doc.contents) {
    const len = matchLength(content.url, page);
    if (len === null || len < best) continue;
    if (len > best) {
      best = len;
      scoped = [];
    }
    scoped.push(content);
  }
  if (scoped.length === 0) return { outcome: 'silent' };
  return strictestRsl(
    scoped.flatMap((content) =>
      RSL_TOKENS_FOR[purpose].map((token) => contentVerdict(content, token, client)),
    ),
  );
}
