import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeHtml } from './decode.js';

test('the Content-Type charset wins over the default', () => {
  const d = decodeHtml(Uint8Array.from([0x63, 0x61, 0x66, 0xe9]), 'text/html; charset=windows-1252');
  assert.equal(d.text, 'café');
  assert.equal(d.source, 'header');
});

test('<meta charset> is used when the header has none (Shift_JIS, GBK via http-equiv)', () => {
  const sjis = Buffer.from(
    `<meta charset="shift_jis">${String.fromCharCode(0x93, 0x8c, 0x8b, 0x9e)}`,
    'latin1',
  );
  assert.equal(decodeHtml(sjis, 'text/html').text, '<meta charset="shift_jis">東京');
  const gb = Buffer.from(
    `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">${String.fromCharCode(0xd6, 0xd0, 0xce, 0xc4)}`,
    'latin1',
  );
  const d = decodeHtml(gb);
  assert.ok(d.text.endsWith('中文'));
  assert.equal(d.source, 'meta');
});

test('a BOM beats the header; no hint at all means UTF-8', () => {
  assert.equal(decodeHtml(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41]), 'text/html; charset=latin1').text, 'A');
  const d = decodeHtml(Buffer.from('héllo'));
  assert.equal(d.text, 'héllo');
  assert.equal(d.source, 'default');
});

test('invalid UTF-8 and unknown labels do not throw', () => {
  const d = decodeHtml(Uint8Array.from([0xff, 0xfe, 0xfd].reverse()), 'text/html; charset=x-nonsense');
  assert.ok(d.warnings.includes('unknown-charset-in-header'));
  assert.equal(typeof d.text, 'string');
});
