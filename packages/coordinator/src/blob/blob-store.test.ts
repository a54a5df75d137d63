import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BLOB_LAYOUT_FILE } from './blob-layout.js';
import { BlobStore } from './blob-store.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('BlobStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'sward-blob-store-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  test('a new store keeps a body under sha256/ab/<hex>, says so in its layout file, reads it back; no temporary file stays', async () => {
    const reader = new BlobStore(root); // made before the store has a body or a layout file
    const store = new BlobStore(root);
    const body = Buffer.from('<html>one</html>');
    const h = sha(body);
    assert.equal(await store.put(h, body), join('sha256', h.slice(0, 2), h));
    assert.deepEqual(await store.get(h), body);
    assert.deepEqual(readdirSync(join(root, 'sha256', h.slice(0, 2))), [h]);
    assert.equal(readFileSync(join(root, BLOB_LAYOUT_FILE), 'utf8'), 'sha256/ab/<sha256>\n');
    assert.deepEqual(readdirSync(root).sort(), ['sha256', BLOB_LAYOUT_FILE]);
    // every reader, made before or after, finds it at the same place
    assert.deepEqual(await reader.get(h), body);
    assert.equal(new BlobStore(root).pathOf(h), join(root, 'sha256', h.slice(0, 2), h));
  });

  test('a store made before the layout file keeps sha256/ab/cd/<hex>: its bodies are found, new ones go beside them', async () => {
    const old = mkdtempSync(join(tmpdir(), 'sward-blob-store-old-'));
    try {
      const before = Buffer.from('<html>stored by an older coordinator</html>');
      const hb = sha(before);
      mkdirSync(join(old, 'sha256', hb.slice(0, 2), hb.slice(2, 4)), { recursive: true });
      writeFileSync(join(old, 'sha256', hb.slice(0, 2), hb.slice(2, 4), hb), before);
      const store = new BlobStore(old);
      assert.deepEqual(await store.get(hb), before);
      const after = Buffer.from('<html>stored now</html>');
      const ha = sha(after);
      assert.equal(await store.put(ha, after), join('sha256', ha.slice(0, 2), ha.slice(2, 4), ha));
      assert.deepEqual(await new BlobStore(old).get(ha), after);
      assert.deepEqual(readdirSync(old), ['sha256'], 'no layout file is written into an older store');
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
  });

  test('bodies an older coordinator stored after this store was opened, before its first body: two levels kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sward-blob-store-late-'));
    try {
      const store = new BlobStore(dir); // an empty folder: a new store, so far
      const before = Buffer.from('<html>stored by an older peer meanwhile</html>');
      const hb = sha(before);
      mkdirSync(join(dir, 'sha256', hb.slice(0, 2), hb.slice(2, 4)), { recursive: true });
      writeFileSync(join(dir, 'sha256', hb.slice(0, 2), hb.slice(2, 4), hb), before);
      const body = Buffer.from('<html>this one</html>');
      const h = sha(body);
      assert.equal(await store.put(h, body), join('sha256', h.slice(0, 2), h.slice(2, 4), h));
      assert.deepEqual(await store.get(hb), before);
      assert.deepEqual(readdirSync(dir), ['sha256'], 'no layout file written over an older store');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the layout file decides, and one naming no known layout is refused, not guessed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sward-blob-store-file-'));
    try {
      writeFileSync(join(dir, BLOB_LAYOUT_FILE), 'sha256/ab/cd/<sha256>\n');
      const body = Buffer.from('<html>two levels by the file</html>');
      const h = sha(body);
      assert.equal(await new BlobStore(dir).put(h, body), join('sha256', h.slice(0, 2), h.slice(2, 4), h));
      writeFileSync(join(dir, BLOB_LAYOUT_FILE), 'sha256/<sha256>\n');
      assert.throws(() => new BlobStore(dir), /names no layout this coordinator knows/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a folder removed behind its back (blobs pruned) is made again', async () => {
    const store = new BlobStore(root);
    const first = Buffer.from('<html>three</html>');
    await store.put(sha(first), first);
    rmSync(join(root, 'sha256'), { recursive: true });
    // the same folder, known to the store as made
    let second = Buffer.from('');
    for (let i = 0; ; i++) {
      second = Buffer.from(`<html>three ${i}</html>`);
      if (sha(second).slice(0, 4) === sha(first).slice(0, 4)) break;
    }
    await store.put(sha(second), second);
    assert.deepEqual(await store.get(sha(second)), second);
  });

  test('the same body twice at once, and a large one, end as one complete file each', async () => {
    const store = new BlobStore(root);
    const body = Buffer.alloc(600 * 1024, 7);
    const h = sha(body);
    await Promise.all([store.put(h, body), store.put(h, body), new BlobStore(root).put(h, body)]);
    assert.deepEqual(await store.get(h), body);
    assert.deepEqual(
      readdirSync(join(root, 'sha256', h.slice(0, 2))).filter((f) => f.startsWith(h)),
      [h],
    );
  });

  test('a name that is not a sha256 digest is refused', async () => {
    const store = new BlobStore(root);
    await assert.rejects(store.put('../etc/passwd', Buffer.from('x')), /not a sha256 hex digest/);
  });
});
