import assert from 'node:assert/strict';
import { test } from 'node:test';
import { elements, parseHtml, textOf } from './dom.js';
import { extract } from './extract.js';
import { itemRows } from './item-rows.js';
import { work } from './work.js';

// Index pages without headings or cards: a link aggregator's table of stories, a preprint server's
// definition list of papers. Each row is a short line whose link leads to its own page, and the rows are most
// of the page; an article's table of links (its references) is a part of the article. Hand-written pages.

const TITLES = [
  'A compiler for tiny machines written in a weekend',
  'Why our database stopped fsyncing on Tuesdays',
  'The history of the humble spreadsheet cell',
  'Show: a terminal music player in 400 lines',
  'Measuring the speed of light with a microwave oven',
  'What we learned running a mail server for ten years',
  'Notes on rewriting a game engine in a safer language',
  'A field guide to the birds of the city parking lot',
  'How a text editor draws a cursor, step by step',
  'An interview with the author of a famous shell',
  'Reading old manuals: the printer that knew too much',
  'The small web is bigger than you think',
];

const page = (body: string, title = 'Newest stories') =>
  `<html><head><title>${title}</title></head><body><div class="top"><a href="/">Front</a> | <a href="/newest">new</a> | <a href="/login">login</a></div>${body}<div class="foot"><a href="/faq">FAQ</a> | <a href="/legal">Legal</a></div></body></html>`;

const storyTable = (n: number, sub = true) =>
  `<table class="itemlist"><tbody>${TITLES.slice(0, n)
    .map(
      (t, i) =>
        `<tr class="story"><td class="rank">${i + 1}.</td><td><a href="https://site${i}.example/post/${i}">${t}</a> (site${i}.example)</td></tr>${
          sub
            ? `<tr><td></td><td class="sub">${10 + i} points by user${i} ${i + 1} hours ago | <a href="item?id=${900 + i}">${i} comments</a></td></tr>`
            : ''
        }`,
    )
    .join('')}</tbody></table>`;

const paperList = (n: number) =>
  `<h3>New submissions (showing ${n} of ${n} entries)</h3><dl id="papers">${TITLES.slice(0, n)
    .map(
      (t, i) =>
        `<dt>[${i + 1}] <a href="/abs/2612.${1000 + i}">pre:2612.${1000 + i}</a> [<a href="/pdf/2612.${1000 + i}">pdf</a>]</dt>
         <dd><div class="title">Title: ${t}</div><div class="authors"><a href="/a/${i}">A. Author</a>, <a href="/a/${i + 50}">B. Writer</a></div></dd>`,
    )
    .join('')}</dl>`;

test("a link aggregator's table of stories makes an index page a listing", () => {
  // each story's two lines link elsewhere (its page, its comments): 24 rows
  const d = extract(page(storyTable(12)), { url: 'https://news.example/newest' });
  assert.equal(d.pageType?.type, 'listing', JSON.stringify(d.pageType));
  assert.ok(d.pageType?.signals.includes('item-rows:24'), JSON.stringify(d.pageType));
});

test("a preprint server's definition list of papers makes an index page a listing", () => {
  const d = extract(page(paperList(12), 'Artificial Intelligence: new submissions'), {
    url: 'https://preprints.example/list/cs.AI/new',
  });
  assert.equal(d.pageType?.type, 'listing', JSON.stringify(d.pageType));
  assert.ok(d.pageType?.signals.includes('item-rows:12'), JSON.stringify(d.pageType));
});

test('fewer rows than an index shows are no evidence', () => {
  const d = extract(page(storyTable(9, false)), { url: 'https://news.example/newest' });
  assert.equal(d.pageType?.type, 'article', JSON.stringify(d.pageType));
  assert.ok(!d.pageType?.signals.some((s) => s.startsWith('item-rows')), JSON.stringify(d.pageType));
});

const prose = Array.from(
  { length: 14 },
  (_, i) =>
    `<p>Paragraph ${i + 1} of the essay goes on about spreadsheets, their cells, the people who filled them in offices for forty years, and what the software that replaced ledgers changed about the work of keeping accounts, one row at a time.</p>`,
).join('');

test("an article's table of links (its references) is a part of the article, not an index", () => {
  const d = extract(
    page(
      `<article><h1>The humble spreadsheet cell</h1>${prose}<h2>References</h2>${storyTable(12)}</article>`,
      'The humble spreadsheet cell',
    ),
    {
      url: 'https://essays.example/spreadsheet-cell',
    },
  );
  assert.equal(d.pageType?.type, 'article', JSON.stringify(d.pageType));
  assert.ok(!d.pageType?.signals.some((s) => s.startsWith('item-rows')), JSON.stringify(d.pageType));
});

test('rows of data, rows all linking to one page, and long rows are not item rows', () => {
  const data = `<table>${TITLES.map((t, i) => `<tr><td>${t}</td><td>${i * 3}</td></tr>`).join('')}</table>`;
  const oneLink = `<table>${TITLES.map((t) => `<tr><td>${t}</td><td><a href="/signup">Sign up to read</a></td></tr>`).join('')}</table>`;
  const long = `<table>${TITLES.map((t, i) => `<tr><td><a href="/s/${i}">${t}</a> ${prose.slice(0, 400)}</td></tr>`).join('')}</table>`;
  for (const body of [data, oneLink, long]) {
    const d = extract(page(body), { url: 'https://news.example/newest' });
    assert.ok(!d.pageType?.signals.some((s) => s.startsWith('item-rows')), JSON.stringify(d.pageType));
  }
});

test('tables nested in their first rows are read once, not once per table above them', () => {
  // each table's first row holds the next table: reading every row whole would read the innermost tables
  // 45 times; an item row is read only as far as a line goes
  let t = `<p>${'The innermost row, with commas, and words enough to be text. '.repeat(8)}</p>`;
  for (let d = 0; d < 45; d++)
    t = `<table><tr><td><a href="/n/${d}">Level ${d}</a>${t}</td></tr>${Array.from({ length: 60 }, (_, i) => `<tr><td><a href="/r/${d}/${i}">Row ${i}</a></td></tr>`).join('')}</table>`;
  const { doc } = parseHtml(`<html><body>${t}</body></html>`);
  const tables = [...elements(doc)].filter((e) => e.name === 'table');
  // a walk of the page is one step a node (element or text): the share test reads it twice
  const before = work.steps;
  textOf(doc);
  const nodes = work.steps - before;
  work.steps = 0;
  const rows = itemRows(doc, tables);
  assert.ok(work.steps <= nodes * 4, `${work.steps} steps for ${nodes} nodes`);
  assert.equal(rows, 60);
});
