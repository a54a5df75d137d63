import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { WARCParser } from 'warcio';
import { createWarcWriter, type WarcResponse } from './warc.js';

const pages: WarcResponse[] = [
  {
    url: 'http://example.com/',
    fetchedAt: '2026-01-02T03:04:05.678Z',
    status: 200,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Encoding': 'gzip',
      'Content-Length': '9',
    },
    body: new TextEncoder().encode('<html><body>hello</body></html>'),
    ip: '127.0.0.1',
    captureId: 'cap-1',
  },
  {
    url: 'http://example.com/a?x=1',
    fetchedAt: '2026-01-02T03:04:06Z',
    status: 404,
    headers: { 'content-type': 'text/plain' },
    body: new TextEncoder().encode('not here'),
  },
  {
    url: 'http://example.com/data.bin',
    fetchedAt: '2026-01-02T03:04:07Z',
    status: 200,
    statusText: 'Fine',
    headers: { 'content-type': 'application/octet-stream' },
    body: Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 256),
  },
];

// warcio writes digests as `sha256:<hex>`.
const sha256Label = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function roundTrip(name: string) {
  const dir = await mkdtemp(join(tmpdir(), 'sward-warc-'));
  try {
    const path = join(dir, name);
    const w = createWarcWriter(path, { software: 'sward-test/1' });
    const ids = await Promise.all(pages.map((p) => w.writeResponse(p)));
    await w.close();
    const records = [];
    for await (const rec of new WARCParser(createReadStream(path))) {
      const payload = await rec.readFully(false);
      records.push({ rec, payload: Uint8Array.from(payload) });
    }
    return { ids, records, raw: await readFile(path) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

for (const name of ['out.warc', 'out.warc.gz']) {
  test(`${name}: warcinfo then one response record per page, read back by warcio's parser`, async () => {
    const { ids, records, raw } = await roundTrip(name);
    if (name.endsWith('.gz')) {
      assert.equal(raw[0], 0x1f);
      assert.match(gunzipSync(raw).toString('latin1'), /^WARC\/1\.1\r\n/);
    } else assert.match(raw.toString('latin1'), /^WARC\/1\.1\r\nWARC-Filename: out\.warc\r\n/);

    assert.equal(records.length, 4);
    const [info, ...responses] = records;
    assert.equal(info?.rec.warcType, 'warcinfo');
    assert.match(new TextDecoder().decode(info?.payload), /software: sward-test\/1/);
    const infoId = info?.rec.warcHeader('WARC-Record-ID');

    responses.forEach(({ rec, payload }, i) => {
      const page = pages[i];
      assert.ok(page);
      assert.equal(rec.warcHeaders.statusline, 'WARC/1.1');
      assert.equal(rec.warcType, 'response');
      assert.equal(rec.warcTargetURI, page.url);
      assert.equal(rec.warcHeader('WARC-Record-ID'), ids[i]);
      assert.match(ids[i] ?? '', /^<urn:uuid:[0-9a-f-]{36}>$/);
      assert.equal(rec.warcHeader('WARC-Warcinfo-ID'), infoId);
      assert.equal(rec.warcDate, new Date(page.fetchedAt).toISOString());
      assert.equal(rec.warcHeader('WARC-IP-Address'), page.ip ?? null);
      assert.equal(rec.warcHeader('WARC-Sward-Capture-ID'), page.captureId ?? null);
      assert.equal(rec.httpHeaders?.statusCode, page.status);
      assert.deepEqual(payload, page.body);
      assert.equal(rec.warcPayloadDigest, sha256Label(page.body));
      assert.equal(rec.httpHeaders?.headers.get('Content-Length'), String(page.body.length));
    });
    assert.equal(responses[0]?.rec.httpHeaders?.headers.get('Content-Encoding'), null);
    assert.equal(responses[0]?.rec.httpHeaders?.headers.get('X-Sward-Original-Content-Encoding'), 'gzip');
    assert.equal(responses[1]?.rec.httpHeaders?.statusline, 'HTTP/1.1 404 Not Found');
    assert.equal(responses[2]?.rec.httpHeaders?.statusline, 'HTTP/1.1 200 Fine');
  });
}

test('block digest covers the HTTP header block and the body', async () => {
  const { raw } = await roundTrip('digest.warc');
  const text = raw.toString('latin1');
  // Split records by hand so the check does not rely on the library that wrote them.
  let pos = 0;
  let checked = 0;
  while (pos < raw.length) {
    const headEnd = text.indexOf('\r\n\r\n', pos);
    const head = text.slice(pos, headEnd);
    const len = Number(/\r\nContent-Length: (\d+)/i.exec(head)?.[1]);
    const block = raw.subarray(headEnd + 4, headEnd + 4 + len);
    const digest = /\r\nWARC-Block-Digest: (\S+)/i.exec(head)?.[1];
    if (/WARC-Type: response/.test(head)) {
      assert.equal(digest, sha256Label(block));
      checked++;
    }
    pos = headEnd + 4 + len + 4; // record ends with CRLF CRLF
  }
  assert.equal(checked, 3);
});

test('writing after close is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sward-warc-'));
  try {
    const w = createWarcWriter(join(dir, 'x.warc'));
    await w.close();
    await assert.rejects(w.writeResponse(pages[1] as WarcResponse), /closed/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an unwritable path surfaces as a rejected close, not a hang', async () => {
  const w = createWarcWriter(join(tmpdir(), 'sward-no-such-dir', 'x', 'out.warc'));
  await assert.rejects(
    (async () => {
      await w.writeResponse(pages[1] as WarcResponse);
      await w.close();
    })(),
    /ENOENT/,
  );
});
