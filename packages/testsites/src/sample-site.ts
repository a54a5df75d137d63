import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type ArticleText, articleText, nearCopy, SECTION_NAMES } from './article-text.js';
import { sampleCsv, samplePdf } from './files.js';
import { HitLog } from './hit-log.js';
import { closeServer, listen, redirect, send } from './http-util.js';
import { articleMain, layout, linkList } from './page-html.js';
import type { FailReason, SampleSiteFacts, SkipReason } from './sample-facts.js';

export interface SampleSiteOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Number of generated article pages; default 200, at least 10. */
  pages?: number;
  /** false drops Crawl-delay from robots.txt (for benchmarks). Default true. */
  politeness?: boolean;
  /** Crawl-delay in seconds when politeness is on; default 0.05 so the demo stays quick. */
  crawlDelay?: number;
  /** How long /slow takes to answer; default 1500 ms. */
  slowMs?: number;
  /**
   * A delay before every response, in ms; default 0. Benchmarks set it so that a crawler's requests in flight
   * matter as on a real site (issue #14's shape: 20 ms), instead of a loopback server answering at once.
   */
  latencyMs?: number;
  /** Seed for the generated text; default 1. */
  seed?: number;
}

export interface SampleSite {
  /** Origin without a trailing slash, e.g. http://127.0.0.1:40123 */
  url: string;
  close(): Promise<void>;
  hits: HitLog;
  expected: SampleSiteFacts;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
type Fact =
  | { kind: 'stored' }
  | { kind: 'skipped'; reason: SkipReason }
  | { kind: 'failed'; reason: FailReason };
interface Route {
  handle: Handler;
  fact?: Fact;
  /** The URL the fact is about when it is not the bare path (the listing page's query). */
  factPath?: string;
}

const EXACT_SOURCE = 7;
const NEAR_SOURCE = 8;

/** Starts the deterministic sample site on loopback. See SampleSiteFacts for what a crawler should make of it. */
export async function startSampleSite(opts: SampleSiteOptions = {}): Promise<SampleSite> {
  const pages = Math.max(10, opts.pages ?? 200);
  const seed = opts.seed ?? 1;
  const host = opts.host ?? '127.0.0.1';
  const crawlDelay = opts.politeness === false ? null : (opts.crawlDelay ?? 0.05);
  const slowMs = opts.slowMs ?? 1500;
  const latencyMs = Math.max(0, opts.latencyMs ?? 0);
  const hits = new HitLog();
  const routes = new Map<string, Route>();
  const timers = new Set<NodeJS.Timeout>();
  let origin = '';
  let flakyCount = 0;

  const html =
    (status = 200, headers?: Record<string, string>) =>
    (body: () => string): Handler => {
      return (req, res) =>
        send(req, res, { status, type: 'text/html; charset=utf-8', body: body(), headers });
    };
  const stored: Fact = { kind: 'stored' };
  const page = (
    path: string,
    title: string,
    main: () => string,
    fact: Fact = stored,
    extra: Partial<Parameters<typeof layout>[0]> = {},
  ) =>
    routes.set(path, {
      fact,
      handle: html()(() => layout({ title, canonical: origin + path, main: main(), ...extra })),
    });

  // Articles, generated on request from the seed.
  const articlePath = (n: number) => `/articles/${n}`;
  // Generated text is pure in (seed, n); memoised because hubs and related links ask for it often.
  const texts = new Map<number, ArticleText>();
  const text = (n: number): ArticleText => {
    let t = texts.get(n);
    if (!t) {
      t = articleText(seed, n);
      texts.set(n, t);
    }
    return t;
  };
  const related = (n: number) => {
    const picks = [n - 1, n + 1, ((n * 7) % pages) + 1, ((n * 13) % pages) + 1].filter(
      (m, i, all) => m >= 1 && m <= pages && m !== n && all.indexOf(m) === i,
    );
    return picks.map((m) => ({ href: articlePath(m), title: text(m).title }));
  };
  const articleHtml = (
    t: ArticleText,
    canonicalPath: string,
    rel: { href: string; title: string }[],
    head = '',
    extra = '',
  ) =>
    layout({
      title: t.title,
      canonical: origin + canonicalPath,
      description: t.summary,
      author: t.author,
      date: t.date,
      head,
      main: articleMain(t, rel, extra),
    });
  for (let n = 1; n <= pages; n++) {
    const extra =
      n === 2 ? '      <p>Full figures are in <a href="/data/stats.csv">the data file</a>.</p>\n' : '';
    routes.set(articlePath(n), {
      fact: stored,
      handle: html()(() => articleHtml(text(n), articlePath(n), related(n), '', extra)),
    });
  }

  // Hubs: the home page and one listing per section reach every article.
  for (const s of SECTION_NAMES) {
    page(`/s/${s}/`, `${s} stories`, () => {
      const links: { href: string; title: string }[] = [];
      for (let n = 1; n <= pages; n++) {
        const t = text(n);
        if (t.section === s) links.push({ href: articlePath(n), title: t.title });
      }
      return linkList(`${s.charAt(0).toUpperCase()}${s.slice(1)}: all stories`, links);
    });
  }
  const specials: { href: string; title: string }[] = [
    { href: '/private/', title: 'Staff area' },
    { href: '/private/staff-notes', title: 'Staff notes' },
    { href: '/policy/noai-meta', title: 'A column whose author opted out (meta)' },
    { href: '/policy/noai-header', title: 'A column whose author opted out (header)' },
    { href: '/policy/tdm-header', title: 'A feature with TDM rights reserved' },
    { href: '/reserved/', title: 'Reserved archive' },
    { href: '/reserved/annual-report', title: 'Annual report (reserved)' },
    { href: '/slow', title: 'A page on a slow server' },
    { href: '/flaky', title: 'A page that fails once' },
    { href: '/missing', title: 'A story that was removed' },
    { href: '/redirect/1', title: 'A story that moved three times' },
    { href: '/loop/a', title: 'A story lost in a redirect loop' },
    { href: '/downloads', title: 'Downloads' },
    { href: '/syndicated/', title: 'Syndicated copies' },
    { href: '/list?page=2&sort=date', title: 'Archive, page 2' },
  ];
  page('/', 'Home', () => {
    const latest: { href: string; title: string }[] = [];
    for (let n = pages; n > Math.max(0, pages - 10); n--)
      latest.push({ href: articlePath(n), title: text(n).title });
    const sections = SECTION_NAMES.map((s) => ({ href: `/s/${s}/`, title: `All ${s} stories` }));
    return [
      linkList('Latest', latest),
      linkList('Sections', sections),
      linkList('Also on this site', specials),
    ].join('\n');
  });
  page('/about', 'About', () =>
    linkList(
      'About the Gazette',
      [{ href: '/privacy', title: 'Privacy' }],
      'A generated site that Sward uses to test crawling, extraction and consent checks.',
    ),
  );
  page(
    '/privacy',
    'Privacy',
    () =>
      '    <section><h1>Privacy</h1><p>This site keeps a log of requests so tests can check crawler manners.</p></section>',
  );

  // Consent signals.
  const plain = (title: string, body: string) => `    <article><h1>${title}</h1><p>${body}</p></article>`;
  page(
    '/private/',
    'Staff area',
    () => plain('Staff area', 'Robots.txt keeps SwardBot out of this folder.'),
    { kind: 'skipped', reason: 'robots-txt' },
  );
  page('/private/staff-notes', 'Staff notes', () => plain('Staff notes', 'Not for crawlers.'), {
    kind: 'skipped',
    reason: 'robots-txt',
  });
  page(
    '/policy/noai-meta',
    'Opted out (meta)',
    () => articleMain(text(3), []),
    { kind: 'skipped', reason: 'noai-meta' },
    {
      head: '  <meta name="robots" content="noai, noimageai">\n',
    },
  );
  const withHeaders = (path: string, headers: Record<string, string>, reason: SkipReason) =>
    routes.set(path, {
      fact: { kind: 'skipped', reason },
      handle: html(200, headers)(() => articleHtml(text(4), path, [])),
    });
  withHeaders('/policy/noai-header', { 'x-robots-tag': 'noai, noimageai' }, 'noai-header');
  routes.set('/policy/tdm-header', {
    fact: { kind: 'skipped', reason: 'tdm-reservation-header' },
    handle: (req, res) =>
      html(200, { 'tdm-reservation': '1', 'tdm-policy': `${origin}/policies/tdm.json` })(() =>
        articleHtml(text(5), '/policy/tdm-header', []),
      )(req, res),
  });
  page(
    '/reserved/',
    'Reserved archive',
    () => linkList('Reserved archive', [{ href: '/reserved/annual-report', title: 'Annual report' }]),
    {
      kind: 'skipped',
      reason: 'tdmrep-json',
    },
  );
  page('/reserved/annual-report', 'Annual report', () => articleMain(text(6), []), {
    kind: 'skipped',
    reason: 'tdmrep-json',
  });

  // Awkward servers.
  routes.set('/slow', {
    fact: stored,
    handle: (req, res) => {
      const t = setTimeout(() => {
        timers.delete(t);
        html()(() => articleHtml(text(9), '/slow', []))(req, res);
      }, slowMs);
      timers.add(t);
    },
  });
  routes.set('/flaky', {
    fact: stored,
    handle: (req, res) => {
      flakyCount++;
      if (flakyCount === 1)
        send(req, res, { status: 500, type: 'text/plain', body: 'temporary failure, try again\n' });
      else html()(() => articleHtml(text(10), '/flaky', []))(req, res);
    },
  });
  // /missing is simply not a route: the fallback answers 404.
  routes.set('/redirect/1', { handle: (_q, res) => redirect(res, 302, '/redirect/2') });
  routes.set('/redirect/2', { handle: (_q, res) => redirect(res, 301, `${origin}/redirect/3`) });
  routes.set('/redirect/3', { handle: (_q, res) => redirect(res, 307, '/landing') });
  page('/landing', 'Where the moved story lives now', () =>
    articleMain(text(11), [{ href: '/', title: 'Home' }]),
  );
  routes.set('/loop/a', {
    fact: { kind: 'failed', reason: 'redirect-loop' },
    handle: (_q, res) => redirect(res, 302, '/loop/b'),
  });
  routes.set('/loop/b', { handle: (_q, res) => redirect(res, 302, '/loop/a') });

  // Non-HTML.
  page('/downloads', 'Downloads', () =>
    linkList('Downloads', [
      { href: '/data/stats.csv', title: 'Statistics (CSV)' },
      { href: '/files/report.pdf', title: 'Report (PDF)' },
    ]),
  );
  routes.set('/data/stats.csv', {
    fact: stored,
    handle: (req, res) => send(req, res, { type: 'text/csv; charset=utf-8', body: sampleCsv(12) }),
  });
  const pdf = samplePdf('Sward Gazette sample report');
  routes.set('/files/report.pdf', {
    fact: stored,
    handle: (req, res) => send(req, res, { type: 'application/pdf', body: pdf }),
  });

  // Duplicates: exact copies are byte-identical to the source article; near copies are light edits.
  const exactPaths = [1, 2, 3].map((i) => `/syndicated/exact-${i}`);
  const nearPaths = [1, 2, 3].map((i) => `/syndicated/near-${i}`);
  for (const p of exactPaths) {
    routes.set(p, {
      fact: stored,
      handle: html()(() => articleHtml(text(EXACT_SOURCE), articlePath(EXACT_SOURCE), related(EXACT_SOURCE))),
    });
  }
  nearPaths.forEach((p, i) => {
    routes.set(p, {
      fact: stored,
      handle: html()(() => articleHtml(nearCopy(text(NEAR_SOURCE), i + 1), p, [])),
    });
  });
  page('/syndicated/', 'Syndicated copies', () =>
    linkList(
      'Syndicated copies',
      [...exactPaths, ...nearPaths].map((p) => ({ href: p, title: p.split('/').pop() ?? p })),
    ),
  );

  // A listing whose query order varies between links.
  routes.set('/list', {
    fact: stored,
    factPath: '/list?page=2&sort=date',
    handle: (req, res) => {
      const q = new URL(req.url ?? '/', 'http://x').searchParams;
      const pageNo = Number(q.get('page') ?? '1') || 1;
      const first = (pageNo - 1) * 10 + 1;
      const links: { href: string; title: string }[] = [];
      for (let n = first; n < first + 10 && n <= pages; n++)
        links.push({ href: articlePath(n), title: text(n).title });
      html()(() =>
        layout({
          title: `Archive, page ${pageNo}`,
          main: linkList(`Archive, page ${pageNo} (by ${q.get('sort') ?? 'date'})`, links),
        }),
      )(req, res);
    },
  });

  // Many spellings of the same links, for URL normalisation.
  const linkForms = (): { href: string; resolvesTo: string }[] => {
    const u = new URL(origin);
    return [
      { href: '/articles/3#comments', resolvesTo: '/articles/3' },
      { href: '/articles/3/', resolvesTo: '/articles/3' },
      { href: `HTTP://${u.host.toUpperCase()}/articles/4`, resolvesTo: '/articles/4' },
      { href: '/articles/./5', resolvesTo: '/articles/5' },
      { href: '/s/world/../../articles/5', resolvesTo: '/articles/5' },
      { href: '/articles/6?', resolvesTo: '/articles/6' },
      { href: '/articles/%36', resolvesTo: '/articles/6' },
      { href: '/list?sort=date&page=2', resolvesTo: '/list?page=2&sort=date' },
      { href: '/list?page=2&sort=date#top', resolvesTo: '/list?page=2&sort=date' },
      { href: '/s/science', resolvesTo: '/s/science/' },
    ].map((f) => ({ href: f.href, resolvesTo: origin + f.resolvesTo }));
  };
  page('/links', 'Link roundup', () =>
    linkList(
      'Link roundup',
      linkForms().map((f) => ({ href: f.href, title: `Same story, spelt ${f.href}` })),
    ),
  );

  // Policy files.
  const robots = (): string =>
    [
      '# Sample site: SwardBot may crawl everything except /private/.',
      'User-agent: SwardBot',
      'Disallow: /private/',
      ...(crawlDelay === null ? [] : [`Crawl-delay: ${crawlDelay}`]),
      '',
      'User-agent: *',
      'Disallow: /private/',
      'Disallow: /reserved/',
      '',
    ].join('\n');
  routes.set('/robots.txt', {
    handle: (req, res) => send(req, res, { type: 'text/plain; charset=utf-8', body: robots() }),
  });
  routes.set('/.well-known/tdmrep.json', {
    handle: (req, res) =>
      send(req, res, {
        type: 'application/json',
        body: JSON.stringify([
          { location: '/reserved/*', 'tdm-reservation': 1, 'tdm-policy': `${origin}/policies/tdm.json` },
          { location: '/*', 'tdm-reservation': 0 },
        ]),
      }),
  });
  routes.set('/policies/tdm.json', {
    handle: (req, res) =>
      send(req, res, {
        type: 'application/ld+json',
        body: JSON.stringify({
          '@context': ['http://www.w3.org/ns/odrl.jsonld', { tdm: 'http://www.w3.org/ns/tdmrep#' }],
          '@type': 'Offer',
          profile: 'http://www.w3.org/ns/tdmrep',
          uid: `${origin}/policies/tdm.json`,
          assigner: { uid: `${origin}/`, 'vcard:fn': 'The Sward Gazette' },
          permission: [
            { target: `${origin}/reserved/`, action: 'tdm:mine', duty: [{ action: 'compensate' }] },
          ],
        }),
      }),
  });

  const server = createServer((req, res) => {
    if (latencyMs === 0) return answer(req, res);
    const t = setTimeout(() => {
      timers.delete(t);
      answer(req, res);
    }, latencyMs);
    timers.add(t);
  });
  const answer: Handler = (req, res) => {
    hits.record(req, res);
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(req, res, { status: 400, type: 'text/plain', body: 'bad request\n' });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(req, res, {
        status: 405,
        type: 'text/plain',
        body: 'method not allowed\n',
        headers: { allow: 'GET, HEAD' },
      });
    }
    const route = routes.get(pathname);
    if (route) return route.handle(req, res);
    // A folder without its slash, or a page with one, moves to the spelling the site uses.
    const other = pathname.endsWith('/') ? pathname.slice(0, -1) : `${pathname}/`;
    if (other !== '' && routes.has(other)) return redirect(res, 301, other);
    send(req, res, {
      status: 404,
      type: 'text/html; charset=utf-8',
      body: layout({
        title: 'Not found',
        main: '    <section><h1>Not found</h1><p>No story here.</p></section>',
      }),
    });
  };
  origin = await listen(server, opts.port ?? 0, host);

  const stored_: string[] = [];
  const skipped: SampleSiteFacts['skipped'] = [];
  const failed: SampleSiteFacts['failed'] = [{ url: `${origin}/missing`, reason: 'http-404' }];
  for (const [path, r] of routes) {
    const url = origin + (r.factPath ?? path);
    if (r.fact?.kind === 'stored') stored_.push(url);
    else if (r.fact?.kind === 'skipped') skipped.push({ url, reason: r.fact.reason });
    else if (r.fact?.kind === 'failed') failed.push({ url, reason: r.fact.reason });
  }
  const articles = Array.from({ length: pages }, (_, i) => origin + articlePath(i + 1));
  const expected: SampleSiteFacts = {
    origin,
    userAgent: 'SwardBot',
    crawlDelay,
    stored: stored_.sort(),
    skipped: skipped.sort((a, b) => a.url.localeCompare(b.url)),
    failed: failed.sort((a, b) => a.url.localeCompare(b.url)),
    total: stored_.length + skipped.length + failed.length,
    articles,
    redirects: [{ from: `${origin}/redirect/1`, to: `${origin}/landing`, hops: 3 }],
    slow: { url: `${origin}/slow`, delayMs: slowMs },
    flaky: `${origin}/flaky`,
    nonHtml: [
      { url: `${origin}/data/stats.csv`, contentType: 'text/csv; charset=utf-8' },
      { url: `${origin}/files/report.pdf`, contentType: 'application/pdf' },
    ],
    exactDuplicates: [[origin + articlePath(EXACT_SOURCE), ...exactPaths.map((p) => origin + p)]],
    nearDuplicates: [[origin + articlePath(NEAR_SOURCE), ...nearPaths.map((p) => origin + p)]],
    linkForms: linkForms(),
  };

  return {
    url: origin,
    hits,
    expected,
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await closeServer(server);
    },
  };
}
