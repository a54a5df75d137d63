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

// An app shell whose footer is a box of <div>s named a footer by its class only, its labels with no space
// between them in the markup ("GET TO KNOW US" then "About the shop"), and no link among them.
const column = (title: string, items: string[]) =>
  `<div class="col"><div class="col-title">${title}</div>${items.map((i) => `<div class="col-item">${i}</div>`).join('')}</div>`;
const namedFooter = `<div class="eve-container-part-footer"><div class="shop-fotter">${column(
  'GET TO KNOW US',
  ['About the shop', 'Contact Us', 'Corporate Responsibility', 'Support Center', 'Patent Notices'],
)}${column('SUPPORT', ['Bulk Orders', 'Buying Guide', 'Track My Order', 'Warranty', 'Shipping Policy'])}${column(
  'PROGRAM',
  ['Affiliate Program', 'Become Our Supplier', 'Student Discount', 'Teacher Discount', 'Military Discount'],
)}<div class="note">Are you fitting out a whole office? Our furniture can help you with your project, and our team answers within a day.</div></div></div>`;
const classShell = `<html><body><div class="top-nav"><a href="/">Home</a></div><div class="listing"><h1 class="listing-title"></h1><div class="sort">Sort: Relevance Latest</div><div class="spin" aria-busy="true">Loading</div></div>${namedFooter}</body></html>`;

test('a footer named by its class only is a footer too: a shell whose only text it is has no main content', () => {
  for (const secondOpinion of [false, true]) {
    const d = extract(classShell, { url: 'https://shop.example/category/desk-converters', secondOpinion });
    assert.equal(d.text, '', `secondOpinion ${secondOpinion}: ${d.text}`);
  }
});

test('a box named for its footer that holds the page heading wraps the page: its content stays', () => {
  const prose = [1, 2, 3]
    .map(
      (i) =>
        `<p>Paragraph ${i} of the guide explains, with commas and at some length, how to set up a desk.</p>`,
    )
    .join('');
  const html = `<html><body><div class="page-with-footer"><h1>Setting up a desk</h1>${prose}${namedFooter}</div></body></html>`;
  const d = extract(html, { url: 'https://shop.example/guides/desk', secondOpinion: false });
  assert.ok(d.text.includes('Paragraph 3'), d.text);
});

test('a box named for its footer that holds the site header wraps the page: a thread with no <h1> keeps its posts', () => {
  const post = (i: number) =>
    `<div class="post"><div class="author"><a href="/u/${i}">user${i}</a></div><div class="body"><p>Reply ${i}: I had the same trouble with the boiler, and after bleeding the radiators, checking the pressure and calling the installer it finally works again.</p></div></div>`;
  const html = `<html><body><div id="page" class="has-footer"><header class="site"><a href="/">Forum</a> <a href="/rules">Rules</a></header><h2>Boiler keeps losing pressure</h2>${[1, 2, 3, 4].map(post).join('')}<div class="footer"><a href="/about">About</a> <a href="/privacy">Privacy</a></div></div></body></html>`;
  for (const secondOpinion of [false, true]) {
    const d = extract(html, { url: 'https://forum.example/t/boiler', secondOpinion });
    assert.ok(d.text.includes('Reply 4'), `secondOpinion ${secondOpinion}: ${d.text}`);
  }
});
