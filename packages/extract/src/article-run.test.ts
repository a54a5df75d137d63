import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// A hand-written comparison post built with a page builder: the page says it is an article (Open Graph), and
// the builder puts each part of it in its own section, each section's text six boxes deep. One section (the
// ranking) holds more paragraphs than any other, and the scorer credits no box holding all the sections.

const para = (topic: string, n: number) =>
  `<p>${topic}, tried for ${n} weeks, fits learners who like short daily lessons, clear reviews, and a plan that grows with them, though the free tier is small.</p>`;

const nested = (inner: string) =>
  `<div class="b-container"><div class="b-column"><div class="b-wrap"><div class="b-widget"><div class="b-widget-inner">${inner}</div></div></div></div></div>`;

const section = (id: number, html: string) =>
  `<section class="b-section b-top-section b-el-${id.toString(16)}a">${nested(html)}</section>`;

function page(after: string): string {
  const ranking = section(
    1,
    `<h2>My ranking</h2>${Array.from({ length: 9 }, (_, i) => para(`Ranked app ${i}`, i + 2)).join('')}`,
  );
  const apps = ['Lingo', 'Verba', 'Parla', 'Sprak', 'Talka', 'Wordy', 'Dicto', 'Voxly'].map((name, i) =>
    section(
      i + 2,
      `<h2>${i + 1}. ${name}</h2>${para(`${name} review`, i + 3)}${para(`${name} pricing`, i + 4)}`,
    ),
  );
  return `<html><head><title>Eight language apps compared</title>
    <meta property="og:type" content="article"><meta property="og:title" content="Eight language apps compared">
    </head><body>
    <nav><a href="/">Home</a> <a href="/apps">Apps</a> <a href="/about">About</a></nav>
    <main><article class="page"><div class="entry-content"><div class="b-page">
      ${ranking}${apps.join('')}
    </div></div></article>${after}</main>
    <footer>© A language blog</footer></body></html>`;
}

test("an article a page builder cut into sections is all of its sections, not the scorer's one", () => {
  const d = extract(page(''), { url: 'https://apps.example/language-apps-compared/' });
  assert.ok(
    d.text.includes('Ranked app 0, tried for 2 weeks'),
    `the ranking is missing: ${d.text.slice(0, 200)}`,
  );
  for (const name of ['Lingo', 'Parla', 'Voxly'])
    assert.ok(
      d.text.includes(`${name} review, tried`),
      `the ${name} section is missing: ${d.text.slice(0, 300)}`,
    );
});

test('the wider box is not taken when what it adds is a grid of linked teasers (related posts)', () => {
  const related = Array.from(
    { length: 16 },
    (_, i) =>
      `<div class="b-card"><a href="/post-${i}">Related post ${i}: learning languages</a><p>A short summary of another post on this blog, number ${i}.</p></div>`,
  ).join('');
  const html = page('').replace(/<div class="b-page">[\s\S]*<\/div><\/div><\/article>/, (m) =>
    m.replace(/<section class="b-section b-top-section b-el-[2-9]a">[\s\S]*?<\/section>/g, ''),
  );
  const withGrid = html.replace('</article>', `<div class="b-related">${related}</div></article>`);
  const d = extract(withGrid, { url: 'https://apps.example/language-apps-compared/' });
  assert.ok(d.text.includes('Ranked app 0, tried'), `the ranking is missing: ${d.text.slice(0, 200)}`);
  assert.ok(
    !d.text.includes('A short summary of another post'),
    'a grid of related posts was taken as the article',
  );
});
