import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

const words = (i: number) =>
  `Post number ${i} says the longer chain can still be requested, with the preferred chain option, and explains why.`;

test('a thread served to crawlers inside <noscript> (Discourse) is extracted, not the empty app shell', () => {
  const posts = Array.from({ length: 5 }, (_, i) => `<div class="topic-body"><p>${words(i)}</p></div>`).join(
    '',
  );
  const html = `<html><head><title>Thread</title></head><body><div id="app">Loading…</div>
    <noscript data-path="/t/x/1"><div id="main-outlet">${posts}</div></noscript>
    <noscript>Enable JavaScript.</noscript></body></html>`;
  const d = extract(html, { url: 'https://forum.example/t/x/1' });
  for (let i = 0; i < 5; i++)
    assert.ok(d.text.includes(`Post number ${i} says`), `post ${i} missing: ${d.text}`);
  assert.ok(!d.text.includes('Enable JavaScript'));
  // a small <noscript> (tracking pixel text) beside real content stays out
  const small = extract(
    `<html><body><article>${Array.from({ length: 5 }, (_, i) => `<p>${words(i)}</p>`).join('')}</article><noscript>Please enable JavaScript to view the comments powered by Disqus.</noscript></body></html>`,
  );
  assert.ok(!small.text.includes('Disqus'));
});

test('on a forum thread every post in <main> is kept, replies box included, not only the highest-scoring post', () => {
  const post = (i: number, long: boolean) =>
    `<article class="message message--post${long ? ' message--first' : ''}"><div class="message-userDetails"><a href="/u/${i}">user${i}</a></div><div class="bbWrapper">${
      long
        ? [1, 2, 3, 4, 5, 6].map((k) => `<p>${words(i)} ${words(k)}</p>`).join('')
        : `Thanks, reply ${i} here: that worked for me too.`
    }</div></article>`;
  const html = `<html><body><nav><a href="/">Home</a></nav><main><h1>Chains after February</h1>${post(0, true)}<div class="replies">${post(1, false)}${post(2, false)}${post(3, false)}</div></main><footer>© forum</footer></body></html>`;
  const d = extract(html, { url: 'https://forums.example/threads/chains.1/' });
  assert.equal(d.pageType?.type, 'forum');
  for (let i = 1; i < 4; i++) assert.ok(d.text.includes(`reply ${i} here`), `reply ${i} missing: ${d.text}`);
  assert.ok(!d.text.includes('© forum'));
});

test('a page that does not declare itself an article (a service page) keeps every section of <main>', () => {
  const section = (h: string, p: string) =>
    `<section class="block-${h.length}"><div class="row"><div class="col"><h2>${h}</h2><div class="txt">${p}</div></div><div class="col"><a href="/q">Prices</a></div></div></section>`;
  const long = [1, 2, 3].map((k) => `<p>${words(k)} ${words(k + 1)}</p>`).join('');
  const main = [
    section('Residential moving', long),
    section(
      'Packing',
      'We pack fragile items in double-walled boxes, label every room, and unpack on arrival.',
    ),
    section(
      'Storage room',
      'Climate-controlled storage by the month, with pick-up and delivery included in the price.',
    ),
  ].join('');
  const html = `<html><body><header><a href="/">Movers</a></header><main>${main}</main><footer>Call us</footer></body></html>`;
  const d = extract(html, { url: 'https://movers.example/residential-movers/', secondOpinion: false });
  assert.equal(d.pageType?.type, 'article');
  assert.ok((d.pageType?.confidence ?? 1) < 0.75);
  assert.ok(d.text.includes('double-walled boxes'), d.text);
  assert.ok(d.text.includes('Climate-controlled storage'), d.text);
  assert.ok(!d.text.includes('Call us'));
});
