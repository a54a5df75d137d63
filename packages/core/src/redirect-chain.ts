import type { Capture } from './capture.js';

/**
 * Why a capture's final URL does not follow from what the node signed, or null when it does: the final URL
 * is the requested URL, or the end of a redirect chain that starts at the requested URL and where each hop's
 * Location, resolved against that hop's URL (fragment dropped, as a fetcher follows it), is the next hop's
 * URL. A node that could not have seen a page at its final URL must not be able to claim one.
 */
export function redirectChainProblem(
  c: Pick<Capture, 'requestedUrl' | 'finalUrl' | 'redirects'>,
): string | null {
  let expected = parse(c.requestedUrl);
  if (!expected) return 'requestedUrl is not an absolute URL';
  for (const [i, hop] of c.redirects.entries()) {
    const at = parse(hop.url);
    if (at !== expected)
      return i === 0
        ? `redirects[0].url is ${clip(hop.url)}, not the requested URL ${clip(c.requestedUrl)}`
        : `redirects[${i}].url is ${clip(hop.url)}, but redirects[${i - 1}] pointed to ${clip(expected)}`;
    const next = follow(hop.url, hop.location);
    if (!next) return `redirects[${i}].location ${clip(hop.location)} is not an http(s) URL to follow`;
    expected = next;
  }
  if (parse(c.finalUrl) !== expected)
    return c.redirects.length === 0
      ? `finalUrl ${clip(c.finalUrl)} is not the requested URL and no redirect leads to it`
      : `finalUrl ${clip(c.finalUrl)} is not where the last redirect points (${clip(expected)})`;
  return null;
}

function parse(url: string): string | null {
  try {
    return new URL(url).href;
  } catch {
    return null;
  }
}

function follow(base: string, location: string): string | null {
  if (!location) return null;
  try {
    const u = new URL(location, base);
    u.hash = '';
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

const clip = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}…` : s);
