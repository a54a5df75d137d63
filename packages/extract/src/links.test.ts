import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Element, firstByName, parseHtml } from './dom.js';
import { absolutizeLinks, collectLinks } from './links.js';

const html = `<body><a href="/a#x">A</a><a href="/a">A again</a><a href="https://o.example/b">B</a>
<a href="mailto:x@y.z">mail</a><a href="javascript:void(0)">js</a><a href="#top">top</a><img src="i.png"></body>`;

test('outgoing links are absolute, http(s) only, fragment-free and de-duplicated', () => {
  const body = firstByName(parseHtml(html).doc, 'body');
  assert.deepEqual(collectLinks(body, 'https://s.example/dir/page'), [
    { url: 'https://s.example/a', text: 'A' },
    { url: 'https://o.example/b', text: 'B' },
  ]);
});

test('absolutizeLinks rewrites href/src and drops javascript: URLs', () => {
  const body = firstByName(parseHtml(html).doc, 'body') as Element;
  absolutizeLinks([body], 'https://s.example/dir/page');
  const as = body.children.filter((c): c is Element => c.type === 'tag');
  assert.equal(as[0]?.attribs.href, 'https://s.example/a#x');
  assert.equal(as[4]?.attribs.href, undefined);
  assert.equal(as[6]?.attribs.src, 'https://s.example/dir/i.png');
});
