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
