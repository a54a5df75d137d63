// Percent-encoded octets of RFC 3986 "unreserved" characters mean the same as the character itself,
// so decoding them is a safe equivalence (RFC 3986 §6.2.2.2); every other escape keeps its meaning.
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

function normalizePercent(s: string): string {
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
    const ch = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
  });
}

/** Sorts query pairs by name; a stable sort keeps repeated names in their original order, which servers may read. */
function normalizeQuery(search: string): string {
  const pairs = search
    .slice(1)
    .split('&')
    .filter((p) => p !== '')
    .map(normalizePercent);
  if (pairs.length === 0) return '';
  const keyOf = (p: string) => p.split('=', 1)[0] ?? '';
  pairs.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  return `?${pairs.join('&')}`;
}

/**
 * The frontier's key for a URL: two links that fetch the same resource should map to the same string.
 * WHATWG URL parsing already lowercases scheme and host, drops the default port, resolves dot
 * segments and turns an empty path into "/"; on top of that we drop the fragment (never sent to the
 * server), sort query pairs, drop an empty query and canonicalise percent-escapes. A trailing slash
 * is kept as written: "/a" and "/a/" can be different resources. Returns null for anything that is
 * not an absolute or resolvable http(s) URL (mailto:, javascript:, data:, garbage).
 */
export function normalizeUrl(input: string, base?: string): string | null {
  let url: URL;
  try {
    url = new URL(input.trim(), base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!url.hostname) return null;
  url.hash = '';
  const path = normalizePercent(url.pathname);
  const query = normalizeQuery(url.search);
  const auth =
    url.username || url.password ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
  return `${url.protocol}//${auth}${url.host}${path}${query}`;
}
