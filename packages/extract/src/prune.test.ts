import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

const card = (i: number, cls: string) =>
  `<article class="${cls}"><h2><a href="/p/${i}">Post number ${i} about the week in science</a></h2><p>A short summary of post ${i}, with a sentence or two of what it says.</p></article>`;

const story = (n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `<p>Paragraph ${i} of the story goes on, with commas, clauses and enough words to be the article's text.</p>`,
  ).join('');

test('a blog listing whose cards all carry a boilerplate-looking class ("tag-…") keeps its cards', () => {
  // WordPress gives every post box its tags as classes; each card alone is small, together they are the page
  const cards = Array.from({ length: 10 }, (_, i) =>
    card(i, `post-${i} post type-post status-publish tag-science`),
  ).join('');
  const html = `<html><body><nav><a href="/">Home</a></nav><main><h1>Latest</h1>${cards}</main><footer>© blog</footer></body></html>`;
  const d = extract(html, { url: 'https://blog.example/', secondOpinion: false });
  for (let i = 0; i < 10; i++)
    assert.ok(d.text.includes(`A short summary of post ${i}`), `card ${i} missing: ${d.text}`);
});

test('a few small boxes of a boilerplate kind inside an article are still dropped', () => {
  const paras = story(6);
  const share = '<div class="share">Share on Facebook</div>';
  const html = `<html><body><article>${share}${paras}${share}<div class="share">Share by e-mail</div></article></body></html>`;
  const d = extract(html, { url: 'https://news.example/story', secondOpinion: false });
  assert.ok(d.text.includes('Paragraph 5 of the story'), d.text);
  assert.ok(!d.text.includes('Share on'), d.text);
});

test('"overflow-hidden" (a layout class) does not mark a box as hidden', () => {
  const paras = Array.from(
    { length: 4 },
    (_, i) =>
      `<p>Paragraph ${i} of the service page explains, with commas, what the company does for its clients.</p>`,
  ).join('');
  const html = `<html><body><main><div class="rounded overflow-hidden">${paras}</div><div class="overflow-hidden"><p>Call us today for a free quote on any of the services above.</p></div></main></body></html>`;
  const d = extract(html, { url: 'https://firm.example/services', secondOpinion: false });
  assert.ok(d.text.includes('free quote on any of the services'), d.text);
});

test('a declared article drops a run of teaser widgets inside its box that holds half its text', () => {
  const paras = story(5);
  const widgets = Array.from(
    { length: 5 },
    (_, i) =>
      `<div class="widget">Elsewhere on the site: teaser number ${i}, a summary of another story you may like.</div>`,
  ).join('');
  const html = `<html><head><meta property="og:type" content="article"></head><body><article>${paras}${widgets}</article></body></html>`;
  const d = extract(html, { url: 'https://news.example/2024/05/story', secondOpinion: false });
  assert.equal(d.pageType?.type, 'article', JSON.stringify(d.pageType));
  assert.ok(d.text.includes('Paragraph 4 of the story'), d.text);
  assert.ok(!d.text.includes('teaser number'), d.text);
});
