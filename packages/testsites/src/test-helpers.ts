// Shared by this package's tests: a plain fetch that never follows redirects, as a crawler's fetcher would.
export const UA = 'SwardBot/0.1 (+https://sward.example/bot)';

export async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { redirect: 'manual', headers: { 'user-agent': UA, ...headers } });
}

/** Follows redirects by hand, up to `max` hops; returns the chain of URLs and the last response. */
export async function follow(
  url: string,
  max = 10,
): Promise<{ chain: string[]; res: Response; loop: boolean }> {
  const chain = [url];
  let res = await get(url);
  while (res.status >= 300 && res.status < 400 && chain.length <= max) {
    await res.arrayBuffer();
    const next = new URL(res.headers.get('location') ?? '', chain[chain.length - 1]).href;
    if (chain.includes(next)) return { chain: [...chain, next], res, loop: true };
    chain.push(next);
    res = await get(next);
  }
  return { chain, res, loop: false };
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** The crawler-side normalisation the site's facts are written in (a copy, since testsites depends on no room). */
export function norm(href: string, base: string): string | null {
  let u: URL;
  try {
    u = new URL(href, base);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  u.hash = '';
  const pct = (s: string) =>
    s.replace(/%([0-9A-Fa-f]{2})/g, (m, h: string) => {
      const c = String.fromCharCode(Number.parseInt(h, 16));
      return UNRESERVED.test(c) ? c : m.toUpperCase();
    });
  const q = u.search
    .slice(1)
    .split('&')
    .filter(Boolean)
    .map(pct)
    .sort((a, b) => {
      const ka = a.split('=')[0] ?? '';
      const kb = b.split('=')[0] ?? '';
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  return `${u.origin}${pct(u.pathname)}${q.length ? `?${q.join('&')}` : ''}`;
}

export function hrefs(html: string): string[] {
  return [...html.matchAll(/<a\s[^>]*href="([^"]*)"/g)].map((m) => (m[1] ?? '').replace(/&#38;/g, '&'));
}

/** Word 5-shingle Jaccard similarity of the visible paragraph text. */
export function similarity(a: string, b: string): number {
  const words = (h: string) =>
    [...h.matchAll(/<p>([^<]*)<\/p>/g)]
      .map((m) => m[1] ?? '')
      .join(' ')
      .toLowerCase()
      .split(/\W+/)
      .filter(Boolean);
  const shingles = (w: string[]) => new Set(w.slice(0, -4).map((_, i) => w.slice(i, i + 5).join(' ')));
  const sa = shingles(words(a));
  const sb = shingles(words(b));
  let inter = 0;
  for (const s of sa) if (sb.has(s)) inter++;
  return inter / (sa.size + sb.size - inter);
}
