import { escapeHtml as x } from './http-util.js';

/** What a feed or sitemap needs to know about one article. */
export interface FeedItem {
  url: string;
  title: string;
  author: string;
  summary: string;
  published: Date;
  updated: Date;
}

export interface FeedChannel {
  origin: string;
  title: string;
  updated: Date;
  items: FeedItem[];
}

/** RSS 2.0 with an atom:link self reference, as the RSS Advisory Board recommends. */
export function rss(c: FeedChannel): string {
  const items = c.items
    .map(
      (i) => `    <item>
      <title>${x(i.title)}</title>
      <link>${x(i.url)}</link>
      <guid isPermaLink="true">${x(i.url)}</guid>
      <pubDate>${i.published.toUTCString()}</pubDate>
      <dc:creator>${x(i.author)}</dc:creator>
      <description>${x(i.summary)}</description>
    </item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>${x(c.title)}</title>
    <link>${x(c.origin)}/</link>
    <description>Latest stories from ${x(c.title)}</description>
    <language>en</language>
    <lastBuildDate>${c.updated.toUTCString()}</lastBuildDate>
    <atom:link href="${x(c.origin)}/feed.xml" rel="self" type="application/rss+xml"/>
${items}
  </channel>
</rss>
`;
}

/** Atom 1.0 (RFC 4287). */
export function atom(c: FeedChannel): string {
  const entries = c.items
    .map(
      (i) => `  <entry>
    <title>${x(i.title)}</title>
    <id>${x(i.url)}</id>
    <link rel="alternate" type="text/html" href="${x(i.url)}"/>
    <published>${i.published.toISOString()}</published>
    <updated>${i.updated.toISOString()}</updated>
    <author><name>${x(i.author)}</name></author>
    <summary>${x(i.summary)}</summary>
  </entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>${x(c.title)}</title>
  <id>${x(c.origin)}/</id>
  <updated>${c.updated.toISOString()}</updated>
  <link rel="self" type="application/atom+xml" href="${x(c.origin)}/atom.xml"/>
  <link rel="alternate" type="text/html" href="${x(c.origin)}/"/>
${entries}
</feed>
`;
}

/** sitemaps.org 0.9 urlset with lastmod. */
export function sitemap(c: FeedChannel): string {
  const urls = [
    `  <url><loc>${x(c.origin)}/</loc><lastmod>${c.updated.toISOString()}</lastmod></url>`,
    ...c.items.map((i) => `  <url><loc>${x(i.url)}</loc><lastmod>${i.updated.toISOString()}</lastmod></url>`),
  ].join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls}
</urlset>
`;
}
