import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanTree } from './clean.js';
import { type Element, firstByName, parseHtml, textOf } from './dom.js';

const table = (rows: number, extra = '') =>
  `<html><body><table>${Array.from({ length: rows }, (_, r) => `<tr><td>row ${r}</td><td>cell</td></tr>`).join('')}</table>${extra}</body></html>`;

test('cleanTree keeps every child list of a tree it removes nothing from, and says so', () => {
  const body = firstByName(parseHtml(table(50)).doc, 'body') as Element;
  const before = [body, ...body.children].map((n) => ('children' in n ? n.children : null));
  assert.equal(cleanTree(body), false);
  assert.equal(
    cleanTree(body, () => false),
    false,
  );
  const after = [body, ...body.children].map((n) => ('children' in n ? n.children : null));
  // the same arrays, not copies: a huge table's 300k nodes get no new lists to collect
  for (const [i, a] of after.entries()) assert.equal(a, before[i]);
});

test('cleanTree says when it removed something, and removes only that', () => {
  const body = firstByName(
    parseHtml(table(3, '<!-- note --><script>x()</script><div class="sidebar">side</div><p>kept</p>')).doc,
    'body',
  ) as Element;
  assert.equal(cleanTree(body), true);
  assert.deepEqual(
    body.children.map((c) => ('name' in c ? c.name : c.type)),
    ['table', 'div', 'p'],
  );
  assert.equal(
    cleanTree(body, () => false),
    true,
  );
  assert.deepEqual(
    body.children.map((c) => ('name' in c ? c.name : c.type)),
    ['table', 'p'],
  );
  assert.equal(
    cleanTree(body, () => false),
    false,
  );
});

/** The <body> of `html` after the strict pass. */
function strictlyCleaned(html: string): Element {
  const body = firstByName(parseHtml(html).doc, 'body') as Element;
  cleanTree(body, () => false);
  return body;
}

test('the strict pass reads "section-with-header" and "has-sidebar" as what a box holds, not what it is', () => {
  const body = strictlyCleaned(
    '<html><body><div class="site-header">logo</div><div class="section-with-header">posts</div><div class="layout has-sidebar">more posts</div></body></html>',
  );
  assert.deepEqual(
    body.children.map((c) => ('attribs' in c ? c.attribs.class : c.type)),
    ['section-with-header', 'layout has-sidebar'],
  );
});

test("the strict pass keeps a page's hero banner (its lead section) and still drops other banners", () => {
  const text = textOf(
    strictlyCleaned(
      '<html><body><div class="site-banner">Free shipping over $50</div><div class="experience-component experience-commerce_assets-heroBanner"><h2>A Legacy of Boldness</h2><p>Celebrating 150 years of watchmaking.</p></div><div class="hero-banner"><p>Our new collection.</p></div><div class="top-banner">Sign in</div></body></html>',
    ),
  );
  assert.ok(text.includes('A Legacy of Boldness') && text.includes('Our new collection.'), text);
  assert.ok(!text.includes('Free shipping') && !text.includes('Sign in'), text);
});
