import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extract } from '@sward/extract';
import fc from 'fast-check';
import { chunkDocument, chunkMarkdown } from './chunker.js';

const GUIDE = `Intro before any heading.

# Guide

Welcome to the guide.

## Install

Pick your system.

### Linux

Run the installer:

\`\`\`sh
curl -O https://example.org/install.sh
sh install.sh
\`\`\`

### macOS

- Open the package
- Drag it to *Applications*

## Use

| flag | meaning |
| --- | --- |
| -v | verbose |
| -q | quiet |
`;

describe('chunkMarkdown', () => {
  test('each section becomes its own chunk with its heading path and offset', () => {
    const chunks = chunkMarkdown(GUIDE, { size: 500 });
    assert.deepEqual(
      chunks.map((c) => c.headingPath),
      [
        [],
        ['Guide'],
        ['Guide', 'Install'],
        ['Guide', 'Install', 'Linux'],
        ['Guide', 'Install', 'macOS'],
        ['Guide', 'Use'],
      ],
    );
    for (const c of chunks) {
      assert.equal(GUIDE.slice(c.offset, c.end), c.text, 'whole blocks are verbatim source');
      assert.equal(c.size, c.text.length);
    }
    assert.deepEqual(
      chunks.map((c) => c.index),
      chunks.map((_, i) => i),
    );
    const linux = chunks[3];
    assert.ok(linux?.text.includes('```sh') && linux.text.endsWith('```'), 'code block kept whole');
    assert.ok(chunks[5]?.text.startsWith('| flag | meaning |'), 'table kept whole');
  });

  test('headings lose their Markdown and a new heading pops deeper ones', () => {
    const md =
      '# A **bold** [link](https://x.org/)\n\ntext a\n\n### Deep `code`\n\ntext d\n\n## B\\_c\n\ntext b';
    const chunks = chunkMarkdown(md);
    assert.deepEqual(
      chunks.map((c) => c.headingPath),
      [['A bold link'], ['A bold link', 'Deep code'], ['A bold link', 'B_c']],
    );
  });

  test('setext headings count; # inside code does not', () => {
    const md = 'Title\n=====\n\nbody\n\n```\n# not a heading\n```\n\nSub\n---\n\nmore';
    const chunks = chunkMarkdown(md);
    assert.deepEqual(
      chunks.map((c) => [c.headingPath, c.text]),
      [
        [['Title'], 'body\n\n```\n# not a heading\n```'],
        [['Title', 'Sub'], 'more'],
      ],
    );
  });

  test('small blocks of one section are packed together up to the size', () => {
    const md = `# S\n\n${Array.from({ length: 10 }, (_, i) => `Paragraph number ${i} here.`).join('\n\n')}`;
    const chunks = chunkMarkdown(md, { size: 100 });
    assert.ok(chunks.length > 1 && chunks.length < 10);
    for (const c of chunks) {
      assert.ok(c.size <= 100);
      assert.ok(!/number \d+$/.test(c.text), 'paragraphs are never cut');
    }
    assert.equal(chunks.map((c) => c.text).join('\n\n'), md.slice(md.indexOf('Paragraph')));
  });

  test('a long table is split by rows and every piece repeats the header', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `| row ${i} | value ${i} |`);
    const md = `## Data\n\n| name | value |\n| --- | --- |\n${rows.join('\n')}\n`;
    const chunks = chunkMarkdown(md, { size: 200 });
    assert.ok(chunks.length > 2);
    const seen: string[] = [];
    for (const c of chunks) {
      assert.ok(c.size <= 200);
      const lines = c.text.split('\n');
      assert.equal(lines[0], '| name | value |');
      assert.equal(lines[1], '| --- | --- |');
      seen.push(...lines.slice(2));
      assert.deepEqual(c.headingPath, ['Data']);
    }
    assert.deepEqual(seen, rows, 'every row once, none cut');
    assert.equal(chunks[0]?.offset, md.indexOf('| name'));
    assert.equal(
      chunks[1]?.offset,
      md.indexOf(rows[seen.indexOf(chunks[1]?.text.split('\n')[2] ?? '')] ?? ''),
    );
  });

  test('a long list is split between items, nested items stay with their parent', () => {
    const items = Array.from({ length: 12 }, (_, i) => `- item ${i} with some words\n  - child ${i}`);
    const md = `# L\n\n${items.join('\n')}`;
    const chunks = chunkMarkdown(md, { size: 120 });
    assert.ok(chunks.length > 1);
    for (const c of chunks) {
      assert.ok(c.text.startsWith('- item'), c.text);
      assert.ok(c.size <= 120);
      const parents = c.text.match(/- item \d+/g) ?? [];
      const children = c.text.match(/- child \d+/g) ?? [];
      assert.equal(parents.length, children.length);
    }
  });

  test('a long paragraph is split at sentences; a long code block keeps its fence', () => {
    const para = Array.from({ length: 30 }, (_, i) => `Sentence ${i} says something.`).join(' ');
    const code = Array.from({ length: 30 }, (_, i) => `line(${i});`).join('\n');
    const chunks = chunkMarkdown(`${para}\n\n\`\`\`js\n${code}\n\`\`\``, { size: 150 });
    const prose = chunks.filter((c) => c.text.startsWith('Sentence'));
    const codes = chunks.filter((c) => c.text.startsWith('```js'));
    assert.ok(prose.length > 1 && codes.length > 1);
    for (const c of prose) assert.match(c.text, /^Sentence \d+ .*\.$/s);
    for (const c of codes) assert.match(c.text, /^```js\n(line\(\d+\);\n)+```$/);
    for (const c of chunks) assert.ok(c.size <= 150);
  });

  test('overlap repeats the end of the previous prose chunk, whole sentences', () => {
    const para = Array.from({ length: 20 }, (_, i) => `Fact ${i} is true.`).join(' ');
    const chunks = chunkMarkdown(para, { size: 120, overlap: 40 });
    assert.ok(chunks.length > 1);
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1]?.text ?? '';
      const cur = chunks[i] as (typeof chunks)[number];
      const first = cur.text.match(/^Fact \d+ is true\./)?.[0] ?? '';
      assert.ok(prev.includes(first), `chunk ${i} starts with a sentence of chunk ${i - 1}`);
      assert.ok(cur.offset < (chunks[i - 1]?.end ?? 0), 'offset points into the overlap');
      assert.equal(para.slice(cur.offset, cur.end), cur.text);
      assert.ok(cur.size <= 120);
    }
  });

  test('tokens are approximated as four characters', () => {
    const para = 'word '.repeat(400).trim();
    const chunks = chunkMarkdown(para, { size: 50, unit: 'tokens' });
    for (const c of chunks) assert.ok(c.text.length <= 200 && c.size === Math.ceil(c.text.length / 4));
    assert.equal(chunks.map((c) => c.text).join(' '), para);
  });

  test('a single unbreakable token is cut by characters', () => {
    const blob = 'x'.repeat(250);
    const chunks = chunkMarkdown(blob, { size: 100 });
    assert.deepEqual(
      chunks.map((c) => [c.offset, c.text.length]),
      [
        [0, 100],
        [100, 100],
        [200, 50],
      ],
    );
  });

  test('bad options and empty input', () => {
    assert.throws(() => chunkMarkdown('x', { size: 0 }), /size must be positive/);
    assert.throws(() => chunkMarkdown('x', { size: 100, overlap: 50 }), /overlap/);
    assert.deepEqual(chunkMarkdown(''), []);
    assert.deepEqual(chunkMarkdown('# Only a heading\n\n## And another'), []);
  });

  test('chunkDocument falls back to the plain text and roots paths at the title', () => {
    const c = chunkDocument({ markdown: '', text: 'Plain one.\n\nPlain two.', title: 'T' });
    assert.equal(c[0]?.text, 'Plain one.\n\nPlain two.');
    assert.deepEqual(c[0]?.headingPath, ['T']);
    const own = chunkDocument({ markdown: '# Own\n\nx', text: 'x', title: 'T' });
    assert.deepEqual(own[0]?.headingPath, ['Own']);
    assert.deepEqual(chunkMarkdown('## A\n\nx', { rootHeading: 'Root' })[0]?.headingPath, ['Root', 'A']);
  });
});

describe('chunkMarkdown properties', () => {
  const word = fc.stringMatching(/^[a-z]{1,12}$/);
  const words = (min: number, max: number) =>
    fc.array(word, { minLength: min, maxLength: max }).map((w) => w.join(' '));
  const block = fc.oneof(
    words(1, 60).map((s) => `${s}.`),
    fc.tuple(fc.integer({ min: 1, max: 6 }), words(1, 4)).map(([n, s]) => `${'#'.repeat(n)} ${s}`),
    fc
      .array(words(1, 12), { minLength: 1, maxLength: 8 })
      .map((items) => items.map((i) => `- ${i}`).join('\n')),
    fc
      .array(fc.tuple(word, words(1, 6)), { minLength: 1, maxLength: 15 })
      .map((rows) => `| key | value |\n| --- | --- |\n${rows.map(([a, b]) => `| ${a} | ${b} |`).join('\n')}`),
    fc.array(words(0, 10), { minLength: 1, maxLength: 10 }).map((ls) => `\`\`\`\n${ls.join('\n')}\n\`\`\``),
    fc.constant('x'.repeat(300)),
  );
  const doc = fc.array(block, { minLength: 0, maxLength: 25 }).map((bs) => bs.join('\n\n'));

  test('chunks fit the size, point into the source in order, and lose no word', () => {
    fc.assert(
      fc.property(
        doc,
        fc.integer({ min: 40, max: 600 }),
        fc.integer({ min: 0, max: 19 }),
        fc.constantFrom('chars' as const, 'tokens' as const),
        (md, size, overlapPct, unit) => {
          const overlap = Math.floor((size * overlapPct) / 40);
          const chunks = chunkMarkdown(md, { size, overlap, unit });
          let last = 0;
          for (const c of chunks) {
            assert.ok(c.size <= size, `chunk of ${c.size} > ${size}`);
            assert.ok(c.text.trim().length > 0);
            assert.ok(c.offset >= 0 && c.offset < c.end && c.end <= md.length);
            assert.ok(c.offset >= last || overlap > 0, 'offsets move forward');
            last = c.offset;
          }
          const inChunks = new Set(chunks.flatMap((c) => c.text.match(/[a-z]+/g) ?? []));
          const body = md
            .split('\n')
            .filter((l) => !/^#{1,6} /.test(l))
            .join('\n');
          // (a word longer than a chunk is cut by characters, by design)
          for (const w of body.match(/\b[a-z]{1,39}\b/g) ?? []) assert.ok(inChunks.has(w), `lost "${w}"`);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('chunkDocument on extract() output', () => {
  test('headings, list and table of a real page come through with their paths', () => {
    const html = `<html><head><title>Docs</title></head><body><main><article>
      <h1>Guide</h1><p>${'This guide explains the tool in detail. '.repeat(3)}</p>
      <h2>Install</h2><p>${'Installing takes a minute on most machines. '.repeat(3)}</p>
      <h3>Linux</h3><ul><li>Download the archive</li><li>Unpack it into /opt</li></ul>
      <h2>Options</h2><table><tr><th>flag</th><th>meaning</th></tr><tr><td>-v</td><td>verbose output</td></tr></table>
      </article></main></body></html>`;
    const doc = extract(html, { url: 'https://docs.example/guide' });
    const chunks = chunkDocument(doc, { size: 400 });
    const byPath = new Map(chunks.map((c) => [c.headingPath.join(' > '), c.text]));
    // extract() keeps the H1 out of the Markdown: the title roots the paths
    assert.match(byPath.get('Docs') ?? '', /^This guide explains/);
    assert.match(
      byPath.get('Docs > Install > Linux') ?? '',
      /^- Download the archive\n- Unpack it into \/opt$/,
    );
    assert.match(
      byPath.get('Docs > Options') ?? '',
      /^\| flag \| meaning \|\n\| --- \| --- \|\n\| \\-v \| verbose output \|$/,
    );
    for (const c of chunks) assert.equal(doc.markdown.slice(c.offset, c.end), c.text);
  });
});
