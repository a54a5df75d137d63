import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// A hand-written blog page: the post marked with microdata (BlogPosting) and, in the same column, more posts
// printed in full ("you may also like"), each longer than the post itself.

const para = (topic: string, n: number) =>
  `<p>${topic} is a habit worth keeping for ${n} weeks, because it changes how the mornings feel, how the evenings end, and how the small plans of a day hold together when the weather turns.</p>`;

function page(marked: boolean): string {
  const post = (id: number, topic: string, paras: number) =>
    `<article class="postbox post-${id}">${Array.from({ length: paras }, (_, i) => para(`${topic} ${i}`, i + 2)).join('')}</article>`;
  return `<html><head><title>Walking to work</title></head><body>
    <nav><a href="/">Home</a> <a href="/habits">Habits</a></nav>
    <div id="primary" class="columns">
      <article class="articlebox"${marked ? ' itemscope itemtype="http://schema.org/BlogPosting"' : ''}><h1>Walking to work</h1>
        ${Array.from({ length: 3 }, (_, i) => para(`Walking to work ${i}`, i + 3)).join('')}
      </article>
      <h3>You may also like</h3>
      ${post(2, 'Reading before sleep', 3)}${post(3, 'Cooking on Sundays', 3)}${post(4, 'Cycling in the rain', 3)}
    </div>
    <footer>© A small blog</footer></body></html>`;
}

test('a post the page marks as a BlogPosting is the content, not the column of full posts below it', () => {
  const d = extract(page(true), { url: 'https://blog.example/walking-to-work' });
  assert.ok(
    d.text.includes('Walking to work 0 is a habit'),
    `the marked post is missing: ${d.text.slice(0, 200)}`,
  );
  assert.ok(!d.text.includes('Cooking on Sundays'), 'a post printed below the marked one was kept');
});

test('without the microdata mark the column is left as the scorer chose it', () => {
  const d = extract(page(false), { url: 'https://blog.example/walking-to-work' });
  assert.ok(
    d.text.includes('Cooking on Sundays'),
    'the unmarked page lost its column (the rule must need the mark)',
  );
});
