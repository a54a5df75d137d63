import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  type FileAnchorEntry,
  generateNoteKeys,
  nextFileAnchorEntry,
  parseSignerKey,
  parseVerifierKey,
  sha256Hex,
  verifyAnchorChainSegment,
  verifyAnchorFileText,
  verifyAnchorRef,
} from '@sward/core';
import { AnchorError } from './anchor-error.js';
import { FileAnchor } from './file-anchor.js';

const dir = await mkdtemp(join(tmpdir(), 'sward-anchor-'));
after(() => rm(dir, { recursive: true, force: true }));
const h = (i: number) => sha256Hex(`checkpoint ${i}`);
const corrupt = (e: unknown) => e instanceof AnchorError && e.code === 'CORRUPT_FILE';

async function anchored(name: string, n: number): Promise<string> {
  const path = join(dir, name);
  const a = await FileAnchor.open(path);
  for (let i = 0; i < n; i++) await a.anchor(h(i));
  await a.close();
  return path;
}

test('the chain survives a reopen and every ref verifies against the copied file', async () => {
  const path = join(dir, 'reopen.jsonl');
  const a = await FileAnchor.open(path);
  const refs = [await a.anchor(h(0)), await a.anchor(h(1))];
  await a.close();
  const b = await FileAnchor.open(path);
  assert.equal(b.length, 2);
  refs.push(await b.anchor(h(2)));
  await b.close();
  assert.deepEqual(
    refs.map((r) => [r.seq, r.checkpointHash]),
    [0, 1, 2].map((i) => [i, h(i)]),
  );
  assert.equal(refs[2]?.prevHash, refs[1]?.entryHash);
  const chain = verifyAnchorFileText(await readFile(path, 'utf8'));
  for (const [i, r] of refs.entries())
    verifyAnchorRef(JSON.parse(JSON.stringify(r)), h(i), { fileChain: chain });
});

test('concurrent anchor() calls are serialised into one chain', async () => {
  const path = join(dir, 'concurrent.jsonl');
  const a = await FileAnchor.open(path);
  const refs = await Promise.all(Array.from({ length: 10 }, (_, i) => a.anchor(h(i))));
  await a.close();
  assert.deepEqual(
    refs.map((r) => r.seq),
    [...Array(10).keys()],
  );
  assert.equal(verifyAnchorFileText(await readFile(path, 'utf8')).length, 10);
});

test('an edited entry is refused on open, naming the line', async () => {
  const path = await anchored('edited.jsonl', 3);
  const lines = (await readFile(path, 'utf8')).split('\n');
  lines[1] = (lines[1] as string).replace(h(1), h(9));
  await writeFile(path, lines.join('\n'));
  await assert.rejects(
    FileAnchor.open(path),
    (e) => corrupt(e) && /line 2: .*does not recompute/.test(String(e)),
  );
});

test('a deleted entry breaks the link and is refused', async () => {
  const path = await anchored('deleted.jsonl', 3);
  const lines = (await readFile(path, 'utf8')).split('\n');
  await writeFile(path, [lines[0], lines[2], ''].join('\n'));
  await assert.rejects(
    FileAnchor.open(path),
    (e) => corrupt(e) && /line 2: anchor entry has seq 2/.test(String(e)),
  );
});

test('a torn last line is refused unless repair is asked for, then the chain goes on', async () => {
  const path = await anchored('torn.jsonl', 2);
  await appendFile(path, '{"seq":2,"time":"2026');
  await assert.rejects(FileAnchor.open(path), (e) => corrupt(e) && /line 3 is unterminated/.test(String(e)));
  const a = await FileAnchor.open(path, { repairTornTail: true });
  assert.equal(a.length, 2);
  await a.anchor(h(2));
  await a.close();
  assert.equal(verifyAnchorFileText(await readFile(path, 'utf8')).length, 3);
});

test('a bad checkpoint hash is refused before anything is written, and a closed anchor refuses', async () => {
  const path = join(dir, 'input.jsonl');
  const a = await FileAnchor.open(path, { now: () => new Date('2026-01-01T00:00:00Z') });
  await assert.rejects(a.anchor('ABC'), (e) => e instanceof AnchorError && e.code === 'BAD_INPUT');
  const ref = await a.anchor(h(0));
  assert.equal(ref.time, '2026-01-01T00:00:00.000Z');
  await a.close();
  await assert.rejects(a.anchor(h(1)), (e) => e instanceof AnchorError && e.code === 'CLOSED');
  assert.equal((await readFile(path, 'utf8')).split('\n').length, 2);
});

test('with the log key every entry is signed, one chain id holds across reopens, entries() reads a range', async () => {
  const keys = generateNoteKeys('sward.local/log');
  const signer = parseSignerKey(keys.signerKey);
  const path = join(dir, 'signed.jsonl');
  const a = await FileAnchor.open(path, { signer });
  assert.equal(a.chain, null);
  await a.anchor(h(0));
  const chain = a.chain;
  assert.match(chain ?? '', /^[0-9a-f]{32}$/);
  await a.close();
  const b = await FileAnchor.open(path, { signer });
  for (let i = 1; i < 5; i++) await b.anchor(h(i));
  assert.equal(b.chain, chain);
  const some = await b.entries(1, 3);
  assert.deepEqual(
    some.map((e) => e.seq),
    [1, 2, 3],
  );
  assert.deepEqual(await b.entries(4, 99).then((es) => es.map((e) => e.seq)), [4]);
  assert.deepEqual(await b.entries(7, 9), []);
  await b.close();
  const all = verifyAnchorChainSegment(
    (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)),
    [parseVerifierKey(keys.verifierKey)],
  );
  assert.equal(all.length, 5);
  assert.ok(all.every((e) => e.chain === chain));
  // A segment from the middle checks too; under another key it does not.
  assert.equal(verifyAnchorChainSegment(some, [parseVerifierKey(keys.verifierKey)]).length, 3);
  const stranger = parseVerifierKey(generateNoteKeys('sward.local/log').verifierKey);
  assert.throws(() => verifyAnchorChainSegment(some, [stranger]), /entry 1: .*not a trusted log key/);
});

test('a file written before chain ids and signatures still opens, and goes on signed under a chain id', async () => {
  const path = join(dir, 'old.jsonl');
  let prev: FileAnchorEntry | null = null;
  const old: FileAnchorEntry[] = [];
  for (let i = 0; i < 2; i++) {
    prev = nextFileAnchorEntry(prev, h(i), '2026-01-01T00:00:00Z');
    old.push(prev);
  }
  await writeFile(path, old.map((e) => `${JSON.stringify(e)}\n`).join(''));
  const keys = generateNoteKeys('sward.local/log');
  const a = await FileAnchor.open(path, { signer: parseSignerKey(keys.signerKey) });
  await a.anchor(h(2));
  await a.anchor(h(3));
  const chain = a.chain;
  assert.match(chain ?? '', /^[0-9a-f]{32}$/);
  const fresh = await a.entries(2, 3);
  await a.close();
  assert.ok(fresh.every((e) => e.chain === chain && e.sig));
  assert.equal(verifyAnchorFileText(await readFile(path, 'utf8')).length, 4);
  assert.equal(verifyAnchorChainSegment(fresh, [parseVerifierKey(keys.verifierKey)]).length, 2);
  // The old entries carry no signature: a bundle shipping them fails rather than trusting them.
  assert.throws(
    () => verifyAnchorChainSegment(old, [parseVerifierKey(keys.verifierKey)]),
    /entry 1: anchor entry 0 is not signed/,
  );
});
