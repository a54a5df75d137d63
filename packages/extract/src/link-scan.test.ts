import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';
import { scanLinks } from './link-scan.js';

/** What the crawler follows from a full extraction: the reference the scan must match. */
const followed = (html: string, url: string) =>
  extract(html, { url })
    .links.filter((l) => !l.nofollow)
    .map((l) => l.url);

const cases: [string, string][] = [
  [
    'relative, fragment, repeated',
    '<body><a href="/a#x">A</a><a href="/a">A</a><a href="b">B</a><a href="#top">t</a></body>',
  ],
  [
    'schemes other than http(s)',
    '<body><a href="mailto:x@y.z">m</a><a href="javascript:void(0)">j</a><a href="ftp://f/">f</a></body>',
  ],
  [
    'base href, even after the links',
    '<html><body><a href="p">p</a></body><head><base href="https://o.example/d/"></head></html>',
  ],
  ['a bad base href is ignored', '<head><base href="http://[bad"></head><body><a href="p">p</a></body>'],
  [
    'first occurrence decides nofollow',
    '<body><a rel="nofollow" href="/n">n</a><a href="/n">n</a><a href="/f">f</a><a rel="nofollow" href="/f">f</a></body>',
  ],
  [
    "anchors outside the body are not the page's links",
    '<html><head><a href="/head">h</a></head><body><a href="/in">i</a></body></html>',
  ],
  ['no body: the html element', '<html><a href="/x">x</a></html><a href="/after">a</a>'],
  ['a bare fragment', '<a href="/frag">f</a><p><a HREF="/upper">u</a>'],
  ['entities in href', '<body><a href="/q?a=1&amp;b=2">q</a><a href=" /spaced ">s</a></body>'],
];

for (const [name, html] of cases)
  test(`scanLinks matches the extractor: ${name}`, () => {
    const url = 'https://s.example/dir/page';
    assert.deepEqual(scanLinks(html, url).links, followed(html, url));
  });

test('scanLinks reports robots and SwardBot meta tags as the extractor does', () => {
  const html =
    '<head><meta name="robots" content="noai, noimageai"><meta name="SwardBot" content="noindex"><meta name="description" content="d"></head>';
  assert.deepEqual(
    scanLinks(html, 'https://s.example/').metaRobots,
    extract(html, { url: 'https://s.example/' }).metaRobots,
  );
  assert.equal(scanLinks(html, 'https://s.example/').metaRobots.length, 2);
});

test('scanLinks stops at `max` distinct links', () => {
  const html = `<body>${Array.from({ length: 20 }, (_, i) => `<a href="/${i}">${i}</a>`).join('')}</body>`;
  assert.equal(scanLinks(html, 'https://s.example/', 5).links.length, 5);
});
