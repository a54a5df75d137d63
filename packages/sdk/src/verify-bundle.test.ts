import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  anchorEntrySigner,
  appendLeaves,
  BundleVerifier,
  type Capture,
  type ComplianceDocument,
  canonicalBytes,
  checkpointHash,
  type FileAnchorEntry,
  formatVerifierKey,
  generateIdentity,
  InMemoryNodeStore,
  leafHash,
  type ManifestFile,
  nextFileAnchorEntry,
  noteSignerFromIdentity,
  type RightsReceipt,
  readConsistencyProof,
  readInclusionProof,
  readRoot,
  responseHeadersSha256,
  sha256Hex,
  signCapture,
  signCheckpoint,
} from '@sward/core';
import { writeTestManifest } from '../../../test/support/bundle-manifest.js';
import { planChunks } from './bundle-chunks.js';
import { verifyBundleDir } from './verify-bundle.js';
import { mergeChunks, verifyChunk } from './verify-chunk.js';
import { checkManifest } from './verify-manifest.js';
import { verifyInWorkers } from './verify-pool.js';
import type { CheckLine } from './verify-report.js';
import { extraChecks, receiptDocuments } from './verify-semantics.js';

const ROWS = 60;
/** Rows below it are proven against a first checkpoint of this size, the rest against the second. */
const FIRST_CHECKPOINT = 25;
const SWARD_BIN = new URL('../../cli/bin/sward.js', import.meta.url).pathname;

const ROBOTS = 'User-agent: *\nAllow: /\n';
const ROBOTS_CAPTURE = `c_${'a'.repeat(32)}`;

/**
 * A rights receipt as a coordinator puts in a leaf: stored for train, its robots.txt (in compliance.json)
 * and the page's own Content-Usage header.
 */
const receiptFor = (url: string): RightsReceipt => ({
  v: 1,
  purpose: 'train',
  documents: [
    {
      kind: 'robots',
      url: 'https://example.org/robots.txt',
      sha256: sha256Hex(ROBOTS),
      captureId: ROBOTS_CAPTURE,
    },
    {
      kind: 'headers',
      url,
      sha256: responseHeadersSha256({ 'content-usage': 'train-ai=y' }),
      captureId: null,
    },
  ],
  decisions: {
    train: { decision: 'allow', reason: 'aipref:train-ai=y' },
    input: { decision: 'allow', reason: 'no-signal' },
    index: { decision: 'allow', reason: 'no-signal' },
  },
});

/**
 * A bundle the way packages/cli/src/crawl-output.ts writes one, two anchored checkpoints, no coordinator;
 * with `receipts`, a rights receipt in every leaf and the compliance.json its robots.txt is named in.
 */
async function writeBundle(
  dir: string,
  { receipts = false } = {},
): Promise<(d: string, edit?: (files: ManifestFile[]) => ManifestFile[]) => void> {
  const nodes = [generateIdentity(), generateIdentity(), generateIdentity()];
  const log = generateIdentity();
  const origin = 'sward.local/log';
  const store = new InMemoryNodeStore();
  const signed = Array.from({ length: ROWS }, (_, i) => {
    const node = nodes[i % nodes.length] as (typeof nodes)[number];
    const body = Buffer.from(`<html><title>Page ${i}</title><p>${'text '.repeat(i)}</p></html>`);
    const capture: Capture = {
      v: 1,
      jobId: 'j_test',
      leaseId: `l_${i}`,
      nodeId: node.id,
      requestedUrl: `https://example.org/${i}`,
      finalUrl: `https://example.org/${i}`,
      redirects: [],
      status: 200,
      headers: receipts
        ? { 'content-type': 'text/html', 'content-usage': 'train-ai=y' }
        : { 'content-type': 'text/html' },
      bodySha256: sha256Hex(body),
      bodyLength: body.length,
      fetchStart: '2026-11-01T00:00:00.000Z',
      fetchEnd: '2026-11-01T00:00:01.000Z',
      tlsCertSha256: null,
      ip: '93.184.215.14',
    };
    const sc = signCapture(node, capture);
    return { sc: receipts ? { ...sc, rights: receiptFor(capture.requestedUrl) } : sc, body };
  });
  await appendLeaves(
    store,
    0,
    signed.map(({ sc }) => leafHash(canonicalBytes(sc))),
  );
  let prev: FileAnchorEntry | null = null;
  const checkpoints = [];
  const chain: FileAnchorEntry[] = [];
  const anchorOpts = { chain: 'c'.repeat(32), sign: anchorEntrySigner(noteSignerFromIdentity(origin, log)) };
  for (const size of [FIRST_CHECKPOINT, ROWS]) {
    const note = signCheckpoint({ origin, size, rootHash: await readRoot(store, size), extensions: [] }, [
      noteSignerFromIdentity(origin, log),
    ]);
    const hash = checkpointHash(note);
    prev = nextFileAnchorEntry(prev, hash, '2026-11-01T00:00:02.000Z', anchorOpts);
    chain.push(prev);
    checkpoints.push({ size, note, hash, anchor: { kind: 'file', ...prev } });
  }
  const consistency = [
    {
      from: FIRST_CHECKPOINT,
      to: ROWS,
      proof: (await readConsistencyProof(store, FIRST_CHECKPOINT, ROWS)).map((h) => h.toString('base64')),
    },
  ];
  mkdirSync(join(dir, 'provenance'), { recursive: true });
  const verifierKey = formatVerifierKey(origin, Buffer.from(log.id, 'hex'));
  writeFileSync(
    join(dir, 'provenance/checkpoints.json'),
    JSON.stringify(
      {
        origin,
        verifierKey,
        checkpoints,
        consistency,
        anchorChains: [{ chain: anchorOpts.chain, entries: chain }],
      },
      null,
      2,
    ),
  );
  const lines: string[] = [];
  for (const [i, { sc, body }] of signed.entries()) {
    const blobPath = join('blobs/sha256', sc.capture.bodySha256.slice(0, 2), sc.capture.bodySha256);
    mkdirSync(dirname(join(dir, blobPath)), { recursive: true });
    writeFileSync(join(dir, blobPath), body);
    const size = i < FIRST_CHECKPOINT ? FIRST_CHECKPOINT : ROWS;
    const proof = await readInclusionProof(store, i, size);
    lines.push(
      JSON.stringify({
        url: sc.capture.requestedUrl,
        finalUrl: sc.capture.finalUrl,
        fetchedAt: sc.capture.fetchEnd,
        status: sc.capture.status,
        contentType: 'text/html',
        bodySha256: sc.capture.bodySha256,
        bodyLength: sc.capture.bodyLength,
        blobPath,
        captureId: `c_${i}`,
        nodeId: sc.capture.nodeId,
        leafIndex: i,
        signedCapture: sc,
        provenance: {
          leafIndex: i,
          checkpointSize: size,
          inclusionProof: proof.map((h) => h.toString('base64')),
        },
      }),
    );
  }
  writeFileSync(join(dir, 'pages.jsonl'), `${lines.join('\n')}\n`);
  if (receipts) {
    const robots = {
      kind: 'robots',
      origin: 'https://example.org',
      url: 'https://example.org/robots.txt',
      captureId: ROBOTS_CAPTURE,
      leafIndex: null,
      status: 200,
      bodySha256: sha256Hex(ROBOTS),
      fetchedAt: '2026-11-01T00:00:00.000Z',
      detail: null,
      text: ROBOTS,
    };
    writeFileSync(join(dir, 'compliance.json'), JSON.stringify({ documents: [robots] }));
  }
  // The coordinator's signed manifest over every file; re-signed after each edit below, as a coordinator
  // that signed a bad bundle would: the row checks must catch row tampering on their own.
  const last = checkpoints[checkpoints.length - 1] as { size: number; hash: string };
  const sign = (d: string, edit?: (files: ManifestFile[]) => ManifestFile[]) =>
    writeTestManifest(d, noteSignerFromIdentity(origin, log), last, edit);
  sign(dir);
  return sign;
}

type Row = Record<string, unknown> & {
  status: number;
  blobPath: string;
  signedCapture: { capture: { fetchEnd: string } };
  provenance: { inclusionProof: string[] };
};

describe('verifyBundleDir in-process, in pieces and on worker threads', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-sdk-verify-'));
  const good = join(tmp, 'good');
  /** The same rows with a rights receipt in every leaf (and compliance.json). */
  const withReceipts = join(tmp, 'receipts');
  type Resign = (dir: string, edit?: (files: ManifestFile[]) => ManifestFile[]) => void;
  let resign: Resign = () => undefined;
  let resignReceipts: Resign = () => undefined;
  before(async () => {
    resign = await writeBundle(good);
    resignReceipts = await writeBundle(withReceipts, { receipts: true });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const tampered = (
    name: string,
    edit: (lines: string[], dir: string) => string[] | undefined,
    from = good,
  ) => {
    const dir = join(tmp, name);
    cpSync(from, dir, { recursive: true });
    const file = join(dir, 'pages.jsonl');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const out = edit(lines, dir) ?? lines;
    writeFileSync(file, `${out.join('\n')}\n`);
    (from === withReceipts ? resignReceipts : resign)(dir);
    return dir;
  };
  /** Edits row `n` (1-based) as parsed JSON. */
  const row = (n: number, f: (r: Row) => void) => (lines: string[]) => {
    const r = JSON.parse(lines[n - 1] as string) as Row;
    f(r);
    lines[n - 1] = JSON.stringify(r);
    return lines;
  };

  /** In one piece and in pieces of one or two rows, on this thread: one report. */
  const verifyHere = async (dir: string) => {
    const whole = await verifyBundleDir(dir, [], { workers: 0 });
    assert.equal(whole.workers, 0);
    const pieces = await verifyBundleDir(dir, [], { workers: 0, chunkBytes: 3000 });
    assert.deepEqual(pieces, whole);
    return whole;
  };
  /** verifyHere, then on worker threads: with this thread helping, and by workers alone. */
  const verifyAllWays = async (dir: string) => {
    const whole = await verifyHere(dir);
    const pooled = await verifyBundleDir(dir, [], { workers: 2, chunkBytes: 3000 });
    assert.deepEqual(pooled, { ...whole, workers: 2 });
    const { ranges } = planChunks(join(dir, 'pages.jsonl'), 3000);
    assert.ok(ranges.length >= 20, `${ranges.length} ranges`);
    const checkpoints = JSON.parse(readFileSync(join(dir, 'provenance/checkpoints.json'), 'utf8'));
    const compliance = await receiptDocuments(dir);
    const job = {
      dir,
      checkpoints,
      trustedKeys: [checkpoints.verifierKey],
      compliance: compliance.documents,
    };
    const { hashed, receipts, ...rows } = mergeChunks(await verifyInWorkers(job, ranges, 2, null));
    const rowFailures = whole.failures.filter((f) => f.row !== null && f.check !== 'rights');
    assert.deepEqual(rows, { rows: whole.rows, rowsOk: whole.rowsOk, failures: rowFailures });
    // Workers alone check the receipts as the report says they were checked.
    assert.deepEqual(
      [...compliance.failures, ...(receipts?.failures ?? [])],
      whole.failures.filter((f) => f.check === 'rights'),
    );
    // The bodies found to match their captures, the same whichever thread read them.
    const v = new BundleVerifier(checkpoints, job.trustedKeys);
    assert.deepEqual(hashed, mergeChunks(ranges.map((r) => verifyChunk(v, dir, r))).hashed);
    return whole;
  };
  const firstFailure = async (dir: string, check: string, row: number) => {
    const r = await verifyHere(dir);
    assert.deepEqual(
      r.failures.slice(0, 1).map((f) => [f.row, f.check]),
      [[row, check]],
      JSON.stringify(r.failures),
    );
    return r;
  };
  const other = Buffer.alloc(32, 7).toString('base64');
  const bodyByte = (n: number) => (lines: string[], dir: string) => {
    const file = join(dir, (JSON.parse(lines[n - 1] as string) as Row).blobPath);
    const bytes = readFileSync(file);
    bytes[5] = (bytes[5] as number) ^ 1;
    writeFileSync(file, bytes);
    return lines;
  };
  const swap = (n: number) => (lines: string[]) => {
    lines.splice(n - 2, 2, lines[n - 1] as string, lines[n - 2] as string);
    return lines;
  };
  const notJson = (n: number) => (lines: string[]) => {
    lines[n - 1] = '{"url":';
    return lines;
  };
  const lastProof = (r: Row) => {
    const p = r.provenance.inclusionProof;
    p[p.length - 1] = other;
  };

  test('the untouched bundle', async () => {
    const r = await verifyAllWays(good);
    assert.deepEqual(r.failures, []);
    assert.deepEqual([r.rows, r.rowsOk, r.checkpoints], [ROWS, ROWS, 2]);
    assert.deepEqual((await verifyBundleDir(`${good}/`, [], { workers: 0 })).failures, []);
  });

  test('a worker that fails rejects the whole run', async () => {
    const job = { dir: join(tmp, 'gone'), checkpoints: {}, trustedKeys: [] };
    await assert.rejects(
      verifyInWorkers(job, [{ start: 0, end: 10 }], 1, null),
      /verify worker failed: ENOENT/,
    );
  });

  test('CRLF line ends and blank lines read as node:readline reads them', async () => {
    const dir = tampered('crlf', (lines) => [lines.join('\r\n'), '', ' ', '\r'].join('\n').split('\n'));
    const r = await verifyHere(dir);
    assert.deepEqual([r.rows, r.rowsOk, r.failures], [ROWS, ROWS, []]);
  });

  test('each kind of tampering is the first failure, named by row and check', async () => {
    await firstFailure(tampered('body', bodyByte(3)), 'body', 3);
    await firstFailure(
      tampered(
        'record',
        row(2, (r) => (r.status = 404)),
      ),
      'record',
      2,
    );
    const signedField = row(5, (r) => (r.signedCapture.capture.fetchEnd = '2020-01-01T00:00:00.000Z'));
    await firstFailure(tampered('signed', signedField), 'signature', 5);
    await firstFailure(tampered('json', notJson(12)), 'format', 12);
    await firstFailure(
      tampered(
        'escape',
        row(7, (r) => (r.blobPath = '../../../../etc/hostname')),
      ),
      'body',
      7,
    );
    const order = await firstFailure(tampered('order', swap(21)), 'order', 21);
    assert.match(order.failures[0]?.message ?? '', /leaf 19 comes after leaf 20/);
    const low = row(31, (r) => (r.provenance.inclusionProof[0] = other));
    await firstFailure(tampered('proof-low', low), 'inclusion', 31);
    // The top element is shared with the row before: a shortcut over shared paths must still compare it.
    await firstFailure(tampered('proof-top', row(33, lastProof)), 'inclusion', 33);
  });

  test('all of them at once: every failure in row order, the same on worker threads', async () => {
    const edits = [
      bodyByte(3),
      row(2, (r) => (r.status = 404)),
      row(5, (r) => (r.signedCapture.capture.fetchEnd = '2020-01-01T00:00:00.000Z')),
      row(7, (r) => (r.blobPath = '../../../../etc/hostname')),
      notJson(12),
      swap(21),
      row(31, (r) => (r.provenance.inclusionProof[0] = other)),
      row(33, lastProof),
      row(40, (r) => {
        r.status = 500;
        r.provenance.inclusionProof[1] = other;
      }),
    ];
    const dir = tampered('all', (lines, d) => {
      for (const edit of edits) edit(lines, d);
      return lines;
    });
    const r = await verifyAllWays(dir);
    assert.deepEqual(
      r.failures.map((f) => `${f.row} ${f.check}`),
      [
        '2 record',
        '3 body',
        '5 signature',
        '7 body',
        '12 format',
        '21 order',
        '31 inclusion',
        '33 inclusion',
      ].concat(['40 record', '40 inclusion']),
    );
    assert.equal(r.rowsOk, ROWS - 9);
  });

  const receiptsLine = (checks: CheckLine[]) => checks.find((l) => l.check === 'rights receipts');
  /** Blank lines before every tenth line: rows and lines are numbered apart. */
  const blankLines = (lines: string[]) => lines.flatMap((l, i) => (i % 10 === 0 ? ['', l] : [l]));

  test('rights receipts are checked on the rows the rows check parsed: the line a pass over pages.jsonl gives', async () => {
    const r = await verifyAllWays(withReceipts);
    assert.deepEqual(r.failures, []);
    const line = receiptsLine(r.checks);
    assert.equal(line?.status, 'checked', JSON.stringify(line));
    assert.match(
      line?.detail ?? '',
      /^60 pages with receipts, allowed for train 60, input 60, index 60; 60 policy documents matched compliance\.json, 60 header sets matched/,
    );
    assert.deepEqual(line, receiptsLine((await extraChecks(withReceipts, {})).lines));
  });

  test('a receipt that refuses its own purpose fails on its row, numbered as the rows check numbers it', async () => {
    const dir = tampered(
      'receipt-skip',
      (lines) =>
        blankLines(
          row(23, (r) => {
            const rights = (r.signedCapture as unknown as { rights: RightsReceipt }).rights;
            rights.decisions.train = { decision: 'skip', reason: 'aipref:train-ai=n' };
          })(lines),
        ),
      withReceipts,
    );
    const r = await verifyAllWays(dir);
    // The receipt is in the leaf: the edit breaks its inclusion too.
    assert.deepEqual(
      r.failures.map((f) => `${f.row} ${f.check}`),
      ['23 inclusion', '23 rights'],
    );
    assert.match(r.failures[1]?.message ?? '', /stored for train, but its receipt says skip/);
    assert.equal(receiptsLine(r.checks)?.status, 'failed');
  });

  test("a compliance.json that is not the receipts' fails every row's receipt, the same on worker threads", async () => {
    const dir = tampered('receipt-compliance', blankLines, withReceipts);
    const file = join(dir, 'compliance.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { documents: ComplianceDocument[] };
    (doc.documents[0] as ComplianceDocument).bodySha256 = sha256Hex('User-agent: *\nDisallow: /\n');
    writeFileSync(file, JSON.stringify(doc));
    resignReceipts(dir);
    const r = await verifyAllWays(dir);
    assert.deepEqual(
      r.failures.map((f) => f.row),
      Array.from({ length: ROWS }, (_, i) => i + 1),
    );
    assert.ok(r.failures.every((f) => f.check === 'rights' && /receipt's robots/.test(f.message)));
    // compliance.json that does not parse: named by each check that reads it, and no row's receipt fails.
    writeFileSync(file, '{"documents": [');
    resignReceipts(dir);
    const bad = await verifyAllWays(dir);
    assert.deepEqual(
      bad.failures.map((f) => `${f.row} ${f.check}`),
      ['null evidence', 'null rights'],
    );
    assert.match(bad.failures[1]?.message ?? '', /^compliance\.json: /);
  });

  test("the rows' body hashes stand in the manifest check only for the same path, hash and size", async () => {
    // The body check already read and hashed every blob: the manifest check takes that hash instead of
    // reading the file a second time, so a blob changed after the rows read it is not seen again.
    const dir = tampered('read-once', (lines) => lines);
    const checkpoints = JSON.parse(readFileSync(join(dir, 'provenance/checkpoints.json'), 'utf8'));
    const v = new BundleVerifier(checkpoints, [checkpoints.verifierKey]);
    const { hashed, failures } = mergeChunks(
      planChunks(join(dir, 'pages.jsonl'), 3000).ranges.map((r) => verifyChunk(v, dir, r)),
    );
    assert.deepEqual(failures, []);
    assert.equal(hashed.size, ROWS);
    const blob = JSON.parse(readFileSync(join(dir, 'pages.jsonl'), 'utf8').split('\n')[2] as string).blobPath;
    const bytes = readFileSync(join(dir, blob));
    writeFileSync(join(dir, blob), Buffer.from(bytes).fill(120, 0, 4));
    const keys = [checkpoints.verifierKey];
    assert.deepEqual((await checkManifest(dir, keys, checkpoints, hashed)).failures, []);
    // Without the rows' hashes the file is read, and its new bytes fail; so they do for a hash the rows
    // found at another path (a row's blobPath that is not the manifest's spelling of the file).
    const unread = await checkManifest(dir, keys, checkpoints);
    assert.match(unread.failures[0]?.message ?? '', new RegExp(`^${blob}: changed`));
    const elsewhere = new Map([...hashed].map(([p, h]) => [`./${p}`, h]));
    const moved = await checkManifest(dir, keys, checkpoints, elsewhere);
    assert.equal(moved.failures.length, 1);
    assert.match(moved.failures[0]?.message ?? '', new RegExp(`^${blob}: changed`));
  });

  test('a blob whose bytes match its capture but not the hash the manifest signs fails the files check', async () => {
    // A coordinator that signed another body's hash for a blob: the rows pass, the manifest must not.
    const dir = tampered('manifest-hash', (lines) => lines);
    const blob = (JSON.parse(readFileSync(join(dir, 'pages.jsonl'), 'utf8').split('\n')[4] as string) as Row)
      .blobPath;
    resign(dir, (files) => files.map((f) => (f.path === blob ? { ...f, sha256: 'a'.repeat(64) } : f)));
    for (const workers of [0, 2]) {
      const r = await verifyBundleDir(dir, [], { workers, chunkBytes: 3000 });
      assert.deepEqual(
        r.failures.map((f) => [f.row, f.check]),
        [[null, 'files']],
      );
      assert.match(
        r.failures[0]?.message ?? '',
        new RegExp(`^${blob}: changed .*sha256 ${'a'.repeat(64)}\\)$`),
      );
      assert.equal(r.rowsOk, ROWS);
    }
  });

  test('`sward verify --workers 2` through the real CLI binary, started from another directory', () => {
    const run = (dir: string, ...flags: string[]) => {
      const p = spawnSync(process.execPath, [SWARD_BIN, 'verify', dir, ...flags], {
        cwd: tmpdir(),
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      return { code: p.status, out: `${p.stdout}${p.stderr}` };
    };
    const ok = run(good, '--workers', '2');
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /rows: 60 \(60 verified\).*\(2 worker threads\)/);
    const bad = run(
      tampered(
        'cli',
        row(3, (r) => (r.blobPath = 'blobs/none')),
      ),
      '--workers',
      '2',
    );
    assert.equal(bad.code, 1, bad.out);
    assert.match(bad.out, /FAIL row 3 \[body\]/);
  });
});
