import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type Element, firstByName, parseHtml } from './dom.js';
import { renderBlocks } from './render.js';

/** A paragraph's text as the block rendering has always made it: whitespace runs of each text node to one
 * space, then runs of spaces (and tabs, CR, form feed, no-break space) to one, spaces around a newline dropped. */
const BR = null;
const expected = (parts: (string | null)[]) =>
  parts
    .map((p) => (p === BR ? '\n' : p.replace(/\s+/g, ' ')))
    .join('')
    .replace(/[ \t\r\f\u00a0]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .trim();

const unit = fc.constantFrom('a', 'b', ' ', '  ', '\n', '\t', '\u00a0', '\u3000', 'é', ',');

test('a paragraph of text nodes and line breaks renders as the whitespace rules say', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit, maxLength: 12 }), { minLength: 1, maxLength: 6 }), (texts) => {
      // text nodes split by <b> (joined in the paragraph) and <br> (a newline)
      const parts: (string | null)[] = [];
      let html = '<p>';
      texts.forEach((t, i) => {
        const br = i % 2 === 1;
        if (i > 0) {
          html += br ? '<br>' : '<b></b>';
          if (br) parts.push(BR);
        }
        html += t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
        parts.push(t);
      });
      html += '</p>';
      const p = firstByName(parseHtml(html).doc, 'p') as Element;
      const text = renderBlocks([p]).map((b) => b.text)[0] ?? '';
      assert.equal(text, expected(parts));
    }),
  );
});
