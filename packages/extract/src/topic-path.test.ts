import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// "/topic/" in a path is a forum thread when the thread is numbered (Invision "/topic/188682-title/",
// NodeBB "/topic/18427/title"), and a news site's index of stories on one subject when it is a plain
// word ("/topic/headphones"): that page lists stories, it is no thread.

const story = (i: number) =>
  `<article class="river-article"><h2><a href="/2026/03/0${i}/headphones-story-${i}">Headphones story ${i}: what the new noise cancelling does</a></h2><p>A short summary of story ${i}, with the price and the battery life.</p></article>`;

test("a news site's /topic/<subject> page of story cards is a listing, not a forum thread", () => {
  const stories = Array.from({ length: 12 }, (_, i) => story(i)).join('');
  const html = `<html><body><header><a href="/">Apple news</a></header><main><h1>Headphones</h1>${stories}</main></body></html>`;
  const d = extract(html, { url: 'https://news.example/topic/headphones' });
  assert.equal(d.pageType?.type, 'listing', JSON.stringify(d.pageType));
  for (const i of [0, 11]) assert.ok(d.text.includes(`Headphones story ${i}:`), d.text);
});

const post = `<html><body><main><h1>Catering tips</h1><p>Has anyone catered a wedding for two hundred people? I am planning the smoker schedule and would like advice.</p></main></body></html>`;

test('a numbered /topic/ path is a forum thread, on any host', () => {
  const d = extract(post, { url: 'https://talk.example.com/topic/18427/catering-tips' });
  assert.equal(d.pageType?.type, 'forum', JSON.stringify(d.pageType));
});

test("an unnumbered /topic/ path on a forum's own host is still one of its topics", () => {
  const d = extract(post, { url: 'https://forum.example.com/topic/catering-tips' });
  assert.equal(d.pageType?.type, 'forum', JSON.stringify(d.pageType));
});
