import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BlobStore } from './blob-store.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('BlobStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'sward-blob-store-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  test('a body is stored under sha256/ab/cd/<hex> and read back; no temporary file stays', async () => {
    const store = new BlobStore(root);
    const body = Buffer.from('<html>one</html>');
    const h = sha(body);
    assert.equal(await store.put(h, body), join('sha256', h.slice(0, 2), h.slice(2, 4), h));
    assert.deepEqual(await store.get(h), body);
    assert.deepEqual(readdirSync(join(root, 'sha256', h.slice(0, 2), h.slice(2, 4))), [h]);
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
    assert.deepEqual(readdirSync(join(root, 'sha256', h.slice(0, 2), h.slice(2, 4))), [h]);
  });

  test('a name that is not a sha256 digest is refused', async () => {
    const store = new BlobStore(root);
    await assert.rejects(store.put('../etc/passwd', Buffer.from('x')), /not a sha256 hex digest/);
  });
});
