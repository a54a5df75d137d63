import { createServer } from 'node:http';
import { articleText } from './article-text.js';
import { atom, type FeedChannel, rss, sitemap } from './feeds.js';
import { HitLog } from './hit-log.js';
import { closeServer, escapeHtml as e, etagOf, listen, notModified, send } from './http-util.js';
import { layout } from './page-html.js';

export interface NewsArticle {
  id: string;
  /** Absolute URL of the article page. */
  url: string;
  title: string;
  author: string;
  summary: string;
  /** Plain text of the body: paragraphs separated by a blank line. What an extractor should recover. */
  text: string;
  published: string;
  updated: string;
  noai: boolean;
  /** Bumped by editArticle(id, {markupOnly: true}); picks one of several page layouts. */
  markupVersion: number;
}

export interface NewsSiteOptions {
  port?: number;
  host?: string;
  /** Articles present at start; default 5. */
  articles?: number;
  seed?: number;
  /**
   * Every HTML answer carries what changes between two honest fetches of a real page: the time it was
   * rendered, a request counter and one of several rotating advertisements.
   */
  volatile?: boolean;
}

export interface NewArticle {
  title?: string;
  author?: string;
  summary?: string;
  text?: string;
}

export interface NewsSite {
  url: string;
  close(): Promise<void>;
  hits: HitLog;
  addArticle(input?: NewArticle): NewsArticle;
  /** `text` replaces the body text; `markupOnly` changes the page's markup but not its text. */
  editArticle(id: string, change: { text?: string; title?: string; markupOnly?: boolean }): NewsArticle;
  /** The article's URL answers 410 Gone from now on and it leaves the home page, feeds and sitemap. */
  deleteArticle(id: string): void;
  /** Adds or removes `<meta name="robots" content="noai">` on the article page. */
  setNoai(id: string, on: boolean): void;
  /** Live (not deleted) articles, newest first; copies, so callers cannot change the site by accident. */
  articles(): NewsArticle[];
}

const SITE = 'The Sward Daily';

/** Rotating advertisements of a volatile site: one per answer, in turn. */
const ADS = [
  'Spring sale on garden furniture: two chairs for the price of one, this week only at Meadow and Oak.',
  'Learn a language in ten minutes a day with the app that millions of commuters already trust.',
  'Your next holiday starts here: coastal cottages with sea views, book before the end of the month.',
  'Fresh coffee beans roasted to order and delivered to your door every fortnight, cancel any time.',
  'Insure your bicycle against theft and accidents from less than the price of a sandwich a week.',
];

/** One body, three ways of marking it up: what a redesign does to a page whose words stay the same. */
function articleMarkup(a: NewsArticle): string {
  const paras = a.text.split('\n\n');
  const byline = `By <span class="author">${e(a.author)}</span>, <time datetime="${a.published}">${a.published.slice(0, 10)}</time>`;
  switch (a.markupVersion % 3) {
    case 0:
      // The version number is in every layout so a markup edit always changes the bytes, even when the layout repeats.
      return `    <article data-layout="v${a.markupVersion}">
      <h1>${e(a.title)}</h1>
      <p class="byline">${byline}</p>
${paras.map((p) => `      <p>${e(p)}</p>`).join('\n')}
    </article>`;
    case 1:
      return `    <div class="story" data-layout="v${a.markupVersion}">
      <h1 class="headline">${e(a.title)}</h1>
      <div class="meta"><p class="byline">${byline}</p></div>
      <div class="story-body">
${paras.map((p) => `        <p class="para">${e(p)}</p>`).join('\n')}
      </div>
    </div>`;
    default:
      return `    <article class="post" data-layout="v${a.markupVersion}">
      <header><h1>${e(a.title)}</h1><p class="byline">${byline}</p></header>
      <section class="content">
${paras.map((p) => `        <p>${e(p)}</p>`).join('\n')}
      </section>
    </article>`;
  }
}

/** Starts a news site whose articles tests can add, edit and delete while a live collection watches it. */
export async function startNewsSite(opts: NewsSiteOptions = {}): Promise<NewsSite> {
  const seed = opts.seed ?? 7;
  const hits = new HitLog();
  const store = new Map<string, NewsArticle & { deleted: boolean }>();
  let origin = '';
  let nextId = 1;
  let lastTick = 0;
  let siteUpdated = new Date(0);
  let served = 0;
  /** A volatile site's per-answer changes, placed at the end of <main>. */
  const volatile = (html: string): string => {
    if (!opts.volatile) return html;
    served++;
    const bits = `    <aside class="ad"><p>${ADS[served % ADS.length]}</p></aside>
    <p class="rendered">Rendered at ${new Date().toISOString()} for request ${served}.</p>
  </main>`;
    return html.replace('  </main>', bits);
  };

  // HTTP dates have one-second resolution, so each change moves the clock on by at least a second:
  // otherwise an edit in the same second as the last fetch would wrongly answer 304 to If-Modified-Since.
  const tick = (): Date => {
    lastTick = Math.max(Math.floor(Date.now() / 1000) * 1000, lastTick + 1000);
    siteUpdated = new Date(lastTick);
    return siteUpdated;
  };
  const get = (id: string) => {
    const a = store.get(id);
    if (!a || a.deleted) throw new Error(`news site has no article ${id}`);
    return a;
  };
  const live = () =>
    [...store.values()]
      .filter((a) => !a.deleted)
      .sort((a, b) => b.published.localeCompare(a.published) || Number(b.id) - Number(a.id));
  const pathOf = (id: string) => `/articles/${id}`;

  const addArticle = (input: NewArticle = {}): NewsArticle => {
    const id = String(nextId++);
    const gen = articleText(seed, Number(id));
    const now = tick().toISOString();
    const a = {
      id,
      url: '',
      title: input.title ?? gen.title,
      author: input.author ?? gen.author,
      summary: input.summary ?? gen.summary,
      text: input.text ?? gen.paragraphs.join('\n\n'),
      published: now,
      updated: now,
      noai: false,
      markupVersion: 0,
      deleted: false,
    };
    a.url = origin + pathOf(id);
    store.set(id, a);
    return { ...a };
  };

  const renderArticle = (a: NewsArticle): string =>
    layout({
      title: a.title,
      canonical: a.url,
      description: a.summary,
      author: a.author,
      date: a.published,
      head: a.noai ? '  <meta name="robots" content="noai, noimageai">\n' : '',
      main: articleMarkup(a),
    }).replaceAll('The Sward Gazette', SITE);

  const renderHome = (): string =>
    layout({
      title: 'Home',
      canonical: `${origin}/`,
      head: `  <link rel="alternate" type="application/rss+xml" href="/feed.xml">\n  <link rel="alternate" type="application/atom+xml" href="/atom.xml">\n`,
      main: `    <section>
      <h1>Latest news</h1>
      <ul>
${live()
  .map(
    (a) =>
      `        <li><a href="${pathOf(a.id)}">${e(a.title)}</a> <time datetime="${a.published}">${a.published.slice(0, 10)}</time></li>`,
  )
  .join('\n')}
      </ul>
    </section>`,
    }).replaceAll('The Sward Gazette', SITE);

  const channel = (): FeedChannel => ({
    origin,
    title: SITE,
    updated: siteUpdated,
    items: live().map((a) => ({
      url: a.url,
      title: a.title,
      author: a.author,
      summary: a.summary,
      published: new Date(a.published),
      updated: new Date(a.updated),
    })),
  });

  const server = createServer((req, res) => {
    hits.record(req, res);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(req, res, {
        status: 405,
        type: 'text/plain',
        body: 'method not allowed\n',
        headers: { allow: 'GET, HEAD' },
      });
    }
    // Every 200 carries a strong ETag of its bytes and a Last-Modified, and honours conditional requests.
    const ok = (type: string, body: string, modified: Date) => {
      const etag = etagOf(body);
      if (notModified(req, res, etag, modified)) return;
      send(req, res, {
        type,
        body,
        headers: { etag, 'last-modified': modified.toUTCString(), 'cache-control': 'no-cache' },
      });
    };
    if (path === '/') return ok('text/html; charset=utf-8', volatile(renderHome()), siteUpdated);
    if (path === '/feed.xml') return ok('application/rss+xml; charset=utf-8', rss(channel()), siteUpdated);
    if (path === '/atom.xml') return ok('application/atom+xml; charset=utf-8', atom(channel()), siteUpdated);
    if (path === '/sitemap.xml') return ok('application/xml; charset=utf-8', sitemap(channel()), siteUpdated);
    if (path === '/robots.txt')
      return send(req, res, {
        type: 'text/plain; charset=utf-8',
        body: `User-agent: *\nAllow: /\n\nSitemap: ${origin}/sitemap.xml\n`,
      });
    const m = /^\/articles\/(\d+)$/.exec(path);
    const a = m?.[1] ? store.get(m[1]) : undefined;
    if (a?.deleted)
      return send(req, res, {
        status: 410,
        type: 'text/plain; charset=utf-8',
        body: 'This story was removed.\n',
      });
    if (a) return ok('text/html; charset=utf-8', volatile(renderArticle(a)), new Date(a.updated));
    send(req, res, { status: 404, type: 'text/plain; charset=utf-8', body: 'not found\n' });
  });
  origin = await listen(server, opts.port ?? 0, opts.host ?? '127.0.0.1');
  for (let i = 0; i < (opts.articles ?? 5); i++) addArticle();

  return {
    url: origin,
    hits,
    addArticle,
    editArticle(id, change) {
      const a = get(id);
      if (change.text !== undefined) a.text = change.text;
      if (change.title !== undefined) a.title = change.title;
      if (change.markupOnly) a.markupVersion++;
      a.updated = tick().toISOString();
      return { ...a };
    },
    deleteArticle(id) {
      get(id).deleted = true;
      tick();
    },
    setNoai(id, on) {
      const a = get(id);
      if (a.noai === on) return;
      a.noai = on;
      a.updated = tick().toISOString();
    },
    articles: () => live().map(({ deleted: _, ...a }) => a),
    close: () => closeServer(server),
  };
}
