import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateIdentity } from '@sward/core/node-side';
import { CaptureSpool, type SpooledCapture } from './capture-spool.js';
import { signedCapture } from './fake-coordinator.js';

const node = generateIdentity();

function capture(leaseId: string, text = `<p>${leaseId}</p>`): SpooledCapture {
  const made = signedCapture(node, { leaseId, jobId: 'j_1', url: 'http://127.0.0.1:1/a' }, Buffer.from(text));
  return { leaseId, ...made };
}

const noBad = (file: string, why: string) => assert.fail(`${file}: ${why}`);

test('a spooled capture reads back whole after a restart, until it is removed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sward-spool-'));
  const a = new CaptureSpool(dir, 1 << 20);
  await a.open(noBad);
  assert.equal(await a.put(capture('l_1')), true);
  assert.equal(await a.put(capture('l_2')), true);
  assert.deepEqual(await a.take(noBad), [], 'both are busy: their uploads are running');
  a.done('l_2');
  assert.deepEqual(
    (await a.take(noBad)).map((c) => c.leaseId),
    ['l_2'],
  );

  // A new process over the same folder: nothing is busy, both come back verified.
  const b = new CaptureSpool(dir, 1 << 20);
  await b.open(noBad);
  assert.deepEqual(b.leaseIds().sort(), ['l_1', 'l_2']);
  const back = await b.take(noBad);
  assert.deepEqual(back.map((c) => c.body.toString()).sort(), ['<p>l_1</p>', '<p>l_2</p>']);
  await b.remove('l_1');
  b.done('l_2');
  assert.deepEqual(b.leaseIds(), ['l_2']);
  assert.equal(b.size, 1);
  assert.equal(readdirSync(dir).length, 1);
});

test('a record cut short by a kill or altered on disk is reported with the reason, never uploaded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sward-spool-'));
  const s = new CaptureSpool(dir, 1 << 20);
  await s.open(noBad);
  await s.put(capture('l_edit'));
  await s.put(capture('l_ok'));
  const [segment] = readdirSync(dir);
  const file = join(dir, segment as string);
  // An altered body (same length), then a kill in the middle of the next record's write.
  const text = readFileSync(file, 'latin1').replace('<p>l_edit', '<p>L_edit');
  const next = capture('l_cut');
  const cut = Buffer.concat([
    Buffer.from(`${JSON.stringify({ leaseId: 'l_cut', ...next.signed, bytes: 999 })}\n`),
    Buffer.from('<p>'),
  ]);
  writeFileSync(file, Buffer.concat([Buffer.from(text, 'latin1'), cut]));
  // A v1 node's temporary (killed before its rename) is removed at the next open.
  writeFileSync(join(dir, 'abc.capture.123.tmp'), 'partial');

  const bad: string[] = [];
  const again = new CaptureSpool(dir, 1 << 20);
  await again.open((f, why) => bad.push(`${f}: ${why}`));
  assert.deepEqual(again.leaseIds(), ['l_ok'], 'only the whole, verifying capture is kept');
  assert.equal(bad.length, 2, bad.join('\n'));
  assert.ok(
    bad.some((b) => /sha256/.test(b)),
    `the altered body is reported: ${bad.join('\n')}`,
  );
  assert.ok(
    bad.some((b) => /cut short/.test(b)),
    `the cut record is reported: ${bad.join('\n')}`,
  );
  assert.deepEqual(
    (await again.take(noBad)).map((c) => c.body.toString()),
    ['<p>l_ok</p>'],
  );
  assert.deepEqual(readdirSync(dir), [segment], 'the temporary is gone');
  await again.remove('l_ok');
  assert.deepEqual(readdirSync(dir), [], 'a segment with nothing left goes');
});

test('a spool file of a node before segments (one capture per file) is read and uploaded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sward-spool-'));
  const c = capture('l_v1');
  const header = JSON.stringify({
    leaseId: 'l_v1',
    capture: c.signed.capture,
    signature: c.signed.signature,
  });
  writeFileSync(
    join(dir, `${'a'.repeat(40)}.capture`),
    Buffer.concat([Buffer.from(`sward-spool v1\n${header}\n`), c.body]),
  );
  const s = new CaptureSpool(dir, 1 << 20);
  await s.open(noBad);
  assert.deepEqual(
    (await s.take(noBad)).map((x) => x.body.toString()),
    ['<p>l_v1</p>'],
  );
  await s.remove('l_v1');
  assert.deepEqual(readdirSync(dir), []);
});

test('pages spooled and accepted one after another share one file, and a restart sees only what is left', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sward-spool-'));
  const s = new CaptureSpool(dir, 1 << 20);
  await s.open(noBad);
  for (let i = 0; i < 20; i++) {
    await s.put(capture(`l_${i}`));
    if (i % 4 !== 3) await s.remove(`l_${i}`); // every fourth stays unaccepted for a while
    if (i % 4 === 3) await s.remove(`l_${i - 4}`);
  }
  assert.equal(readdirSync(dir).length, 1, `one segment file: ${readdirSync(dir).join(', ')}`);
  await s.remove('l_15');
  // emptied in place, then written again: a new process reads the new capture, not a hole or an old one
  assert.equal(s.size, 1);
  await s.put(capture('l_new'));
  const again = new CaptureSpool(dir, 1 << 20);
  await again.open(noBad);
  assert.deepEqual(again.leaseIds().sort(), ['l_19', 'l_new']);
  s.close();
  assert.equal(readdirSync(dir).length, 1, 'close() keeps a segment that still holds captures');
});

test('the spool is bounded: a capture that would pass maxBytes is not written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sward-spool-'));
  const s = new CaptureSpool(dir, 2500);
  await s.open(noBad);
  assert.equal(await s.put(capture('l_a', 'x'.repeat(1000))), true);
  assert.equal(await s.put(capture('l_b', 'y'.repeat(1500))), false);
  assert.deepEqual(s.leaseIds(), ['l_a']);
  assert.ok(s.bytes <= 2500);
  await s.remove('l_a');
  assert.equal(s.bytes, 0);
  assert.equal(await s.put(capture('l_b', 'y'.repeat(1500))), true);
});

test('a lease id from the coordinator never becomes a path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sward-spool-'));
  const s = new CaptureSpool(join(dir, 'spool'), 1 << 20);
  await s.open(noBad);
  await s.put(capture('../../escape'));
  assert.deepEqual(readdirSync(dir), ['spool']);
  assert.match(readdirSync(join(dir, 'spool'))[0] as string, /^[0-9a-z]{9}-\d+-\d+\.spool$/);
});

test('a large capture (written without blocking the event loop) reads back whole and is removed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sward-spool-'));
  const a = new CaptureSpool(dir, 8 << 20);
  await a.open(noBad);
  const big = capture('l_big', `<p>${'x'.repeat(3 << 20)}</p>`);
  const small = capture('l_small');
  assert.equal(await a.put(big), true);
  assert.equal(await a.put(small), true);
  const b = new CaptureSpool(dir, 8 << 20);
  await b.open(noBad);
  const back = await b.take(noBad);
  assert.deepEqual(
    back.map((c) => c.body.length).sort((x, y) => x - y),
    [small.body.length, big.body.length],
  );
  await b.remove('l_big');
  await b.remove('l_small');
  await b.remove('l_small'); // twice is fine
  assert.equal(b.size, 0);
  assert.equal(b.bytes, 0);
  assert.deepEqual(readdirSync(dir), []);
});
