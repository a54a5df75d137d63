import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// A hand-written board thread (phpBB-like markup, not any real page): replies that quote the post they
// answer, a quote of words found nowhere else on the page, and the board's figures and rank beside each post.

const opening = [
  'We bought an old narrowboat last spring and the engine bay has been flooding after every heavy rain.',
  'The bilge pump runs but never seems to keep up, and the previous owner left no notes at all.',
  'Has anyone traced a leak like this to the stern gland rather than the deck drains?',
];

const count = (hay: string, needle: string) => hay.split(needle).length - 1;

function post(n: number, who: string, body: string, rank: string): string {
  return `<div id="p${n}" class="post has-profile"><div class="inner">
    <dl class="postprofile"><dt><a class="username" href="/u/${n}">${who}</a></dt>
      <dd class="profile-rank">${rank}</dd>
      <dd class="profile-posts"><strong>Posts:</strong> <a href="/search?u=${n}">${n * 137}</a></dd>
      <dd class="profile-joined"><strong>Joined:</strong> March ${n}, 2015</dd></dl>
    <div class="postbody"><div class="content">${body}</div></div></div></div>`;
}

function thread(): string {
  const quoteOfOpening = `<blockquote><div><cite>canalrat wrote:</cite>${opening[0]}<br>${opening[1]}</div></blockquote>`;
  const quoteOfManual = `<blockquote class="quote">Packing should be adjusted so that the gland drips about once every thirty seconds while the shaft turns.</blockquote>`;
  const posts = [
    post(1, 'canalrat', opening.map((s) => `${s}<br>`).join(''), 'Topic Author'),
    post(
      2,
      'lockkeeper',
      `${quoteOfOpening}Check the stern gland first: a dry gland that has been over-tightened wears the shaft and then leaks badly.`,
      'Senior Member',
    ),
    post(
      3,
      'boatwright',
      `The engine manual puts it plainly:${quoteOfManual}Mine was dripping every two seconds until I repacked it last year.`,
      'Veteran Member',
    ),
    post(
      4,
      'canalrat',
      `${quoteOfOpening}Update for anyone searching later: it was the gland, and repacking it stopped the flooding completely.`,
      'Topic Author',
    ),
  ];
  return `<html><head><title>Engine bay flooding - Canal Boards</title></head><body>
    <nav><a href="/">Boards</a></nav>
    <div id="page-body"><h2 class="topic-title">Engine bay flooding</h2>${posts.join('')}</div>
    <footer>Canal Boards</footer></body></html>`;
}

const URL = 'https://canal.example/forum/viewtopic.php?t=4410';

test("a reply's quote of a post the thread shows is read once, as the post; a quote of words not on the page stays", () => {
  const d = extract(thread(), { url: URL });
  assert.equal(d.pageType?.type, 'forum', JSON.stringify(d.pageType));
  assert.equal(count(d.text, opening[0] as string), 1, `the opening post's words once: ${d.text}`);
  assert.equal(count(d.text, opening[1] as string), 1, d.text);
  assert.ok(!d.text.includes('canalrat wrote:'), `the quote's header goes with it: ${d.text}`);
  assert.ok(d.text.includes('Check the stern gland first'), 'the reply itself stays');
  assert.ok(d.text.includes('it was the gland, and repacking it'), 'so does the later reply');
  assert.ok(
    d.text.includes('Packing should be adjusted so that the gland drips'),
    `a quote of the manual, found nowhere else on the page, stays: ${d.text}`,
  );
});

test("a thread drops the board's rank and figures beside each post, not the posts", () => {
  const d = extract(thread(), { url: URL });
  assert.ok(d.text.includes('Mine was dripping every two seconds'), `the posts stay: ${d.text}`);
  for (const s of ['Senior Member', 'Veteran Member', 'Topic Author', 'Posts:', 'Joined:'])
    assert.ok(!d.text.includes(s), `"${s}" is the board's, not the post's: ${d.text}`);
});
