import { createServer } from 'node:http';
import { HitLog } from './hit-log.js';
import { closeServer, listen, send } from './http-util.js';

/**
 * A loopback site that states its terms of use through every mechanism SwardBot reads (docs/PUBLISHERS.md):
 * robots.txt Content-Usage and Content-Signal rules and a `License:` line, the Content-Usage, Content-Signal
 * and `Link: rel="license"` response headers, HTML `<link>` and inline `<script type="application/rsl+xml">`
 * licences, RSL payment terms, X-Robots-Tag noai and the TDMRep header. `expected` says, per purpose, what a
 * crawler must make of each page: `stored`, or the reason it is skipped.
 */

export type UsagePurposeName = 'train' | 'input' | 'index';
/** Per purpose: `stored`, or the skip reason the coordinator gives. */
export type UsageExpectation = Record<UsagePurposeName, string>;

export interface UsagePolicySite {
  url: string;
  hits: HitLog;
  /** Absolute URL of each page (the seed `/` included) and what each purpose must do with it. */
  expected: Map<string, UsageExpectation>;
  close(): Promise<void>;
}

const RSL_NS = 'https://rslstandard.org/rsl';
const rsl = (contents: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rsl xmlns="${RSL_NS}">
${contents}
</rsl>
`;

/** robots.txt's licence: everything is free to use, but /rsl/paid/ asks to be paid per crawl. */
const SITE_LICENSE = rsl(`  <content url="/">
    <license><permits type="usage">all</permits></license>
  </content>
  <content url="/rsl/paid/">
    <license>
      <permits type="usage">all</permits>
      <payment type="crawl"><amount currency="USD">0.015</amount></payment>
    </license>
  </content>
  <content url="/rsl/no-input/">
    <license><prohibits type="usage">ai-input</prohibits></license>
  </content>`);

/** Named by a page's Link header or HTML <link>: no training on this page. */
const NO_TRAIN_LICENSE = rsl(`  <content url="">
    <license><prohibits type="usage">ai-train</prohibits></license>
  </content>`);

const all = (v: string): UsageExpectation => ({ train: v, input: v, index: v });

interface PageSpec {
  headers?: Record<string, string>;
  head?: string;
  expect: UsageExpectation;
}

export async function startUsagePolicySite(
  opts: { port?: number; host?: string } = {},
): Promise<UsagePolicySite> {
  const hits = new HitLog();
  let origin = '';
  const pages = new Map<string, PageSpec>([
    ['/open', { expect: all('stored') }],
    ['/aipref/robots-rule', { expect: { train: 'aipref:train-ai=n', input: 'stored', index: 'stored' } }],
    [
      '/signals/robots-rule',
      { expect: { train: 'content-signal:ai-train=no', input: 'stored', index: 'stored' } },
    ],
    [
      '/header/content-usage',
      {
        headers: { 'content-usage': 'train-ai=n, search=y' },
        expect: { train: 'aipref:train-ai=n', input: 'stored', index: 'stored' },
      },
    ],
    [
      '/header/content-signal',
      {
        headers: { 'content-signal': 'search=yes, ai-input=no, ai-train=no' },
        expect: { train: 'content-signal:ai-train=no', input: 'content-signal:ai-input=no', index: 'stored' },
      },
    ],
    [
      '/header/rsl-link',
      {
        // RSL 1.0 §4.5: the target is an absolute URL (filled in once the origin is known)
        headers: { link: '<ORIGIN/licenses/no-train.xml>; rel="license"; type="application/rsl+xml"' },
        expect: { train: 'rsl:prohibits ai-train', input: 'stored', index: 'stored' },
      },
    ],
    [
      '/html/rsl-link',
      {
        head: '  <link rel="license" type="application/rsl+xml" href="/licenses/no-train.xml">\n',
        expect: { train: 'rsl:prohibits ai-train', input: 'stored', index: 'stored' },
      },
    ],
    [
      '/html/rsl-script',
      {
        head: `  <script type="application/rsl+xml">${NO_TRAIN_LICENSE.replace(/<\?xml[^>]*\?>\s*/, '')}</script>\n`,
        expect: { train: 'rsl:prohibits ai-train', input: 'stored', index: 'stored' },
      },
    ],
    ['/rsl/paid/page', { expect: all('rsl:payment-required') }],
    ['/rsl/no-input/page', { expect: { train: 'stored', input: 'rsl:prohibits ai-input', index: 'stored' } }],
    [
      '/noai',
      {
        headers: { 'x-robots-tag': 'noai' },
        expect: { train: 'noai', input: 'noai', index: 'stored' },
      },
    ],
    ['/tdm', { headers: { 'tdm-reservation': '1' }, expect: all('tdmrep') }],
  ]);

  const robots = () => `User-agent: *
Allow: /
Content-Usage: /aipref/ train-ai=n
Content-Signal: /signals/ search=yes, ai-input=yes, ai-train=no
License: ${origin}/license.xml
`;
  const html = (title: string, head: string, body: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${title}</title>
${head}</head>
<body>
  <main><h1>${title}</h1>
${body}
  </main>
</body>
</html>
`;
  const paragraph = (path: string) =>
    `    <p>This page, ${path}, states its terms of use in its own way; a crawler reads them for the purpose of its job before it keeps a word of it.</p>`;

  const server = createServer((req, res) => {
    hits.record(req, res);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/robots.txt') return send(req, res, { type: 'text/plain; charset=utf-8', body: robots() });
    if (path === '/license.xml') return send(req, res, { type: 'application/rsl+xml', body: SITE_LICENSE });
    if (path === '/licenses/no-train.xml')
      return send(req, res, { type: 'application/rsl+xml', body: NO_TRAIN_LICENSE });
    if (path === '/') {
      const links = [...pages.keys()].map((p) => `    <p><a href="${p}">${p}</a></p>`).join('\n');
      return send(req, res, {
        type: 'text/html; charset=utf-8',
        body: html('Terms of use, every way', '', `${paragraph('/')}\n${links}`),
      });
    }
    const spec = pages.get(path);
    if (!spec) return send(req, res, { status: 404, type: 'text/plain', body: 'not found\n' });
    send(req, res, {
      type: 'text/html; charset=utf-8',
      body: html(path, spec.head ?? '', paragraph(path)),
      ...(spec.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(spec.headers).map(([k, v]) => [k, v.replace('ORIGIN', origin)]),
            ),
          }
        : {}),
    });
  });
  origin = await listen(server, opts.port ?? 0, opts.host ?? '127.0.0.1');
  const expected = new Map<string, UsageExpectation>([[`${origin}/`, all('stored')]]);
  for (const [p, spec] of pages) expected.set(origin + p, spec.expect);
  return { url: origin, hits, expected, close: () => closeServer(server) };
}
