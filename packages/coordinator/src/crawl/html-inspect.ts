import { parseHTML } from 'linkedom';

export interface HtmlFacts {
  links: string[];
  metaRobots: { name: string; content: string }[];
}

/**
 * The crawl needs two things from a page before extraction: outgoing links for the frontier and the
 * robots meta tags for the noai opt-out. One linkedom parse gives both.
 */
export function inspectHtml(html: string, baseUrl: string): HtmlFacts {
  const { document } = parseHTML(html);
  let base = baseUrl;
  const baseHref = document.querySelector('base[href]')?.getAttribute('href');
  if (baseHref) {
    try {
      base = new URL(baseHref, baseUrl).href;
    } catch {
      // an unparsable <base> is ignored, as browsers do
    }
  }
  const links: string[] = [];
  for (const a of document.querySelectorAll('a[href], area[href]')) {
    const href = a.getAttribute('href');
    if (!href) continue;
    const rel = (a.getAttribute('rel') ?? '').toLowerCase();
    if (rel.split(/\s+/).includes('nofollow')) continue;
    try {
      links.push(new URL(href, base).href);
    } catch {
      // not a URL: skip
    }
  }
  const metaRobots = [...document.querySelectorAll('meta[name]')].map((m) => ({
    name: m.getAttribute('name') ?? '',
    content: m.getAttribute('content') ?? '',
  }));
  return { links, metaRobots };
}
