// Markdown conversion (issue 18 point 5): the repository's own pages in testdata/markdown/ with the
// Markdown they must give. Exact comparison per page, and the share of pages that match is printed.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { extract } from '@sward/extract';

const DIR = join(fileURLToPath(new URL('..', import.meta.url)), 'testdata', 'markdown');
const pages = readdirSync(DIR)
  .filter((f) => f.endsWith('.html'))
  .map((f) => f.slice(0, -'.html'.length))
  .sort();

test('the Markdown set is present', () => {
  assert.ok(pages.length >= 3, `pages in ${DIR}: ${pages.join(', ')}`);
});

let matched = 0;
for (const name of pages) {
  test(`${name}.html gives ${name}.md (GFM tables, fenced code with language, nested lists)`, () => {
    const html = readFileSync(join(DIR, `${name}.html`), 'utf8');
    const want = readFileSync(join(DIR, `${name}.md`), 'utf8');
    const got = `${extract(html, { url: `https://example.org/${name}` }).markdown}\n`;
    assert.equal(got, want);
    matched++;
  });
}

test('share of pages whose Markdown matches', () => {
  console.log(`markdown set: ${matched}/${pages.length} pages match exactly`);
  assert.equal(matched, pages.length);
});
