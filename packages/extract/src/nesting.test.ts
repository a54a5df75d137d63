import assert from 'node:assert/strict';
import { test } from 'node:test';
import { limitNesting } from './nesting.js';

test('shallow pages come back untouched (same string)', () => {
  const html =
    '<html><body><div><p>a<p>b<ul><li>x<li>y</ul></div><script>if (a < b) {}</script></body></html>';
  const r = limitNesting(html, 10);
  assert.equal(r.limited, false);
  assert.equal(r.html, html);
});

test('tags deeper than the limit are dropped, their text kept', () => {
  const r = limitNesting(`${'<div>'.repeat(6)}deep text${'</div>'.repeat(6)}`, 3);
  assert.equal(r.limited, true);
  assert.equal(r.html, '<div><div><div>deep text</div></div></div>');
});

test('tag names are read as before the scan without strings: case, length, where the name ends', () => {
  // void and raw-text names in upper case still do not nest; a longer name that starts like one does
  const voids = `<div>${'<BR><Img src=x><INPUT\u00a0type=text>'.repeat(4)}<div>x</div></div>`;
  assert.equal(limitNesting(voids, 2).limited, false);
  assert.equal(limitNesting(`${'<brx>'.repeat(3)}x`, 2).limited, true);
  assert.equal(limitNesting(`${'<inputs>'.repeat(3)}x`, 2).limited, true);
  // a raw-text element's content is skipped whatever its case; its end tag is found case-insensitively
  assert.equal(limitNesting(`<SCRIPT>${'<div>'.repeat(5)}</script><p>x`, 2).limited, false);
  assert.equal(limitNesting(`<NoScript>${'<div>'.repeat(5)}</NOSCRIPT><p>x`, 2).limited, false);
  // a name ended by a non-ASCII space (\s has it), and one that lower-cases to a void name (KELVIN SIGN → k)
  assert.equal(limitNesting(`${'<hr\u3000class=a>'.repeat(3)}x`, 2).limited, false);
  assert.equal(limitNesting(`${'<lin\u212a rel=x>'.repeat(3)}x`, 2).limited, false);
  assert.equal(limitNesting(`${'<lin\u00e9>'.repeat(3)}x`, 2).limited, true);
  // names of nine letters and more, digits, dashes: counted
  assert.equal(limitNesting(`${'<textareas>'.repeat(3)}x`, 2).limited, true);
  assert.equal(limitNesting(`${'<h1><my-box>'.repeat(2)}x`, 2).limited, true);
});
