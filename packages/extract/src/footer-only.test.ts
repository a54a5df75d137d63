import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// A shop's collection page served as an app shell: its products are drawn by scripts, and all the HTML holds
// is the navigation and the footer (a newsletter box, the legal links).
const footer = `<footer class="site"><div class="newsletter"><h2>Subscribe</h2><p>Trade-in offers, repair tips, events,
  original stories and more, in your inbox once a week.</p><p>By opting in, you agree to receive our newsletter and offers
  about our shop. You can unsubscribe at any time; see our Privacy Notice for more information.</p></div>
  <div class="legal"><p>© Example Outfitters, every right reserved, and all of it said at some length.</p></div></footer>`;
const shell = `<html><body><nav><a href="/">Home</a><a href="/collections">Shop</a></nav><div id="app"></div>${footer}</body></html>`;

test('a page whose only text is its footer has no main content, even when Readability picks that footer', () => {
  for (const secondOpinion of [false, true]) {
    const d = extract(shell, { url: 'https://shop.example/collections/down-jackets', secondOpinion });
    assert.equal(d.text, '', `secondOpinion ${secondOpinion}: ${d.text}`);
    assert.equal(d.reason, 'no-main-content');
  }
});

test("a footer is still not the page's content when the page has some elsewhere", () => {
  const prose = [1, 2, 3]
    .map(
      (i) => `<p>Paragraph ${i} of the shop's story tells, with commas and at some length, how it began.</p>`,
    )
    .join('');
  const html = shell.replace('<div id="app"></div>', `<main>${prose}</main>`);
  const d = extract(html, { url: 'https://shop.example/pages/story', secondOpinion: false });
  assert.ok(d.text.includes('Paragraph 3'), d.text);
  assert.ok(!d.text.includes('Subscribe'), d.text);
});
