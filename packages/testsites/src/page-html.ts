import { type ArticleText, SECTION_NAMES } from './article-text.js';
import { escapeHtml as e } from './http-util.js';

const SITE = 'The Sward Gazette';

export interface PageOptions {
  title: string;
  /** Absolute canonical URL, if the page declares one. */
  canonical?: string;
  description?: string;
  author?: string;
  date?: string;
  /** Extra raw tags for <head>, e.g. a robots meta. */
  head?: string;
  /** Raw HTML for <main>. */
  main: string;
}

/** Wraps main content in the chrome every page shares: header nav and footer, as real news sites do. */
export function layout(p: PageOptions): string {
  const nav = SECTION_NAMES.map(
    (s) => `<a href="/s/${s}/">${s.charAt(0).toUpperCase()}${s.slice(1)}</a>`,
  ).join('\n      ');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${e(p.title)} | ${SITE}</title>
${p.description ? `  <meta name="description" content="${e(p.description)}">\n` : ''}${p.author ? `  <meta name="author" content="${e(p.author)}">\n` : ''}${p.date ? `  <meta property="article:published_time" content="${p.date}">\n` : ''}${p.canonical ? `  <link rel="canonical" href="${e(p.canonical)}">\n` : ''}${p.head ?? ''}</head>
<body>
  <header class="site-header">
    <a class="logo" href="/">${SITE}</a>
    <nav aria-label="Sections">
      ${nav}
    </nav>
  </header>
  <main>
${p.main}
  </main>
  <footer class="site-footer">
    <p>&copy; 2024 ${SITE}. Written by machines for crawler tests; no real news here.</p>
    <p><a href="/about">About</a> · <a href="/privacy">Privacy</a> · <a href="/links">Link roundup</a></p>
  </footer>
</body>
</html>
`;
}

/** An article page body: headline, byline with date, paragraphs, then related links. */
export function articleMain(t: ArticleText, related: { href: string; title: string }[], extra = ''): string {
  const paras = t.paragraphs.map((p) => `      <p>${e(p)}</p>`).join('\n');
  const rel = related.map((r) => `        <li><a href="${r.href}">${e(r.title)}</a></li>`).join('\n');
  return `    <article>
      <h1>${e(t.title)}</h1>
      <p class="byline">By <span class="author" rel="author">${e(t.author)}</span> · <time datetime="${t.date}">${t.date}</time> · <a href="/s/${t.section}/">${t.section}</a></p>
      <p class="standfirst"><strong>${e(t.summary)}</strong></p>
${paras}
${extra}    </article>
    <aside class="related">
      <h2>Related stories</h2>
      <ul>
${rel}
      </ul>
    </aside>`;
}

export function linkList(heading: string, links: { href: string; title: string }[], intro = ''): string {
  const items = links.map((l) => `        <li><a href="${l.href}">${e(l.title)}</a></li>`).join('\n');
  return `    <section>
      <h1>${e(heading)}</h1>
${intro ? `      <p>${intro}</p>\n` : ''}      <ul>
${items}
      </ul>
    </section>`;
}
