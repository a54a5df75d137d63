import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cleanTree } from './clean.js';
import { type AnyNode, type Element, firstByName, parseHtml } from './dom.js';
import { computeStats, restats, type StatsMap } from './score.js';

/** The entries of a statistics map in order, each its element and a copy of its counts. */
const entries = (m: StatsMap) => [...m].map(([e, s]) => [e, { ...s }] as const);

/** restats after the strict cleaning is computeStats over the cleaned tree: same elements, order, counts. */
function check(html: string, keep: (e: Element) => boolean = () => false): boolean {
  const body = firstByName(parseHtml(html).doc, 'body') as Element;
  const pre = computeStats(body);
  const touched: AnyNode[] = [];
  const changed = cleanTree(body, keep, undefined, undefined, undefined, touched);
  assert.equal(changed, touched.length > 0);
  const got = entries(restats(body, pre, touched));
  const want = entries(computeStats(body));
  assert.equal(got.length, want.length);
  got.forEach(([e, s], i) => {
    assert.equal(e, want[i]?.[0], `element ${i}`);
    assert.deepEqual(s, want[i]?.[1], `counts of element ${i}`);
  });
  return changed;
}

test('statistics counted again after the cleaning only where it removed something equal a full count', () => {
  assert.equal(
    check(
      '<body><div class="main"><p>One, two, three, four and five words here.</p>' +
        '<div class="share">Share, tweet <a href="/x">this link text here</a></div>' +
        '<section><div><div class="sidebar">Side, side, side text of the box</div>' +
        '<p>A paragraph of <a href="/y">linked words</a>, with a comma.</p></div></section></div>' +
        '<footer><p>Footer text, long enough to be a paragraph.</p></footer></body>',
    ),
    true,
  );
  // nothing removed: no node touched
  assert.equal(check('<body><div><p>Only text, kept, as it is, all of it.</p></div></body>'), false);
  // a box that would go, kept by the caller
  check('<body><div class="menu"><p>Kept menu text, long enough, with commas.</p></div></body>', () => true);
});

const text = fc.constantFrom('', ' ', 'Words, words, and more words of a paragraph here.', 'x', ' a, b ');
const cls = fc.constantFrom('', 'footer', 'sidebar', 'content', 'share', 'menu', 'post');
const tag = fc.constantFrom('div', 'p', 'section', 'a', 'span', 'ul', 'li', 'aside', 'td');
const { tree } = fc.letrec((t) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc
      .tuple(tag, cls, fc.array(t('tree'), { maxLength: 4 }))
      .map(([name, c, kids]) => `<${name}${c ? ` class="${c}"` : ''}>${kids.join('')}</${name}>`),
  ),
}));

test('restats equals computeStats over random trees the strict cleaning cuts', () => {
  fc.assert(
    fc.property(fc.array(tree, { maxLength: 5 }), (parts) => {
      check(`<body>${parts.join('')}</body>`);
    }),
    { numRuns: 400, seed: 18 },
  );
});
