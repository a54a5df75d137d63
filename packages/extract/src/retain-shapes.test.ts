import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseHtml } from './dom.js';
import { extract } from './extract.js';
import { scanLinks } from './link-scan.js';
import { retainedKinds } from './retain-shapes.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Whether `ref`'s object survives a full collection (run after this job: a WeakRef holds its target until then). */
async function survives(ref: WeakRef<object>): Promise<boolean> {
  await new Promise((r) => setImmediate(r));
  gc();
  return ref.deref() !== undefined;
}

const page = (n: number, pad = '') =>
  `<html><head><title>Page ${n}</title></head><body><article><h1>Page ${n}</h1>` +
  `<p>${'A paragraph of plain words about the page. '.repeat(12)}${pad}</p>` +
  `<p><a href="/next-${n}">next</a> and <em>more</em> text.</p></article></body></html>`;

test('the last small page parsed stays held until the next, and only it', async () => {
  const first = new WeakRef(parseHtml(page(1)).doc);
  assert.equal(await survives(first), true, 'the last small tree is held');
  const second = new WeakRef(parseHtml(page(2)).doc);
  assert.equal(await survives(first), false, 'an older tree is let go');
  assert.equal(await survives(second), true);
  // a big page is not held, and the one before it is let go
  const big = new WeakRef(parseHtml(page(3, ' word'.repeat(60_000))).doc);
  assert.equal(await survives(big), false);
  assert.equal(await survives(second), false);
});

test('extraction and the link scan each hold their last small parse', () => {
  scanLinks(page(4), 'https://example.org/4');
  extract(page(5), { url: 'https://example.org/5' });
  const held = (kind: string) => retainedKinds().includes(kind);
  assert.deepEqual([held('links'), held('tree'), held('markdown')], [true, true, true]);
  scanLinks(page(6, ' word'.repeat(60_000)), 'https://example.org/6');
  assert.deepEqual([held('links'), held('tree'), held('markdown')], [false, true, true]);
});
