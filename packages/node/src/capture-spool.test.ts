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

test('a half-written or altered spool file is removed with the reason, never uploaded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sward-spool-'));
  const s = new CaptureSpool(dir, 1 << 20);
  await s.open(noBad);
  await s.put(capture('l_cut'));
  await s.put(capture('l_edit'));
  await s.put(capture('l_ok'));
  const files = readdirSync(dir);
  // A write cut short by a kill leaves only a temporary, which the next open removes.
  writeFileSync(join(dir, `${files[0]}.123.tmp`), 'partial');
  // A file cut short or edited on disk (the rename makes this impossible for the node itself).
  const byLease = new Map<string, string>();
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'latin1');
    byLease.set(/"leaseId":"(l_\w+)"/.exec(text)?.[1] as string, f);
  }
  const cut = join(dir, byLease.get('l_cut') as string);
  writeFileSync(cut, readFileSync(cut).subarray(0, 60));
  const edited = join(dir, byLease.get('l_edit') as string);
  writeFileSync(
    edited,
    Buffer.from(readFileSync(edited, 'latin1').replace('<p>l_edit', '<p>L_edit'), 'latin1'),
  );

  const bad: string[] = [];
  const again = new CaptureSpool(dir, 1 << 20);
  await again.open((file, why) =>
    bad.push(`${file.endsWith(byLease.get('l_cut') as string) ? 'cut' : 'edit'}: ${why}`),
  );
  assert.deepEqual(again.leaseIds(), ['l_ok']);
  assert.equal(bad.length, 2);
  assert.ok(bad.some((b) => b.startsWith('cut: ')));
  assert.ok(
    bad.some((b) => /^edit: .*sha256/.test(b)),
    bad.join('\n'),
  );
  assert.deepEqual(readdirSync(dir), [byLease.get('l_ok')], 'temporary and bad files are gone');
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
  assert.match(readdirSync(join(dir, 'spool'))[0] as string, /^[0-9a-f]{40}\.capture$/);
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
