import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RewardsService, startCoordinator } from '@sward/coordinator';
import {
  canonicalBytes,
  canonicalJson,
  generateNoteKeys,
  leafHash,
  parseCheckpoint,
  parseNote,
  verifyInclusion,
} from '@sward/core';
import { type CheckLine, type RowProof, SwardApiError, SwardClient, verifyBundleDir } from '@sward/sdk';
import { startSampleSite } from '@sward/testsites';
import { pino } from 'pino';
import { writeCrawlOutput } from '../packages/cli/src/crawl-output.js';
import { loopbackNode } from './support/nodes.js';
import { sward } from './support/processes.js';

/** A real crawl's proof bundle, then one kind of tampering per test: each must be caught and named. */
describe('sward verify catches tampering', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-verify-'));
  const good = join(tmp, 'good');
  const proofs: RowProof[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: raw JSON answers of the public log API
  const logApi: Record<string, any> = {};
  // biome-ignore lint/suspicious/noExplicitAny: the same answers read through the SDK
  const sdk: Record<string, any> = {};
  let status: Awaited<ReturnType<RewardsService['nodeStatus']>> | null = null;
  before(async () => {
    const quiet = pino({ level: 'warn' });
    const site = await startSampleSite({ pages: 10, crawlDelay: 0 });
    const c = await startCoordinator({
      db: join(tmp, 'db.sqlite'),
      dataDir: join(tmp, 'data'),
      log: quiet,
      scheduler: { hostDelayMs: 0 },
    });
    const node = await loopbackNode(c.url, tmp);
    const client = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
    const job = await client.createCrawl({ seed: `${site.url}/`, maxPages: 12 });
    await client.waitForJob(job.id, undefined, 100);
    await writeCrawlOutput(client, job.id, good);
    const first = JSON.parse(readFileSync(join(good, 'pages.jsonl'), 'utf8').split('\n')[0] as string);
    proofs.push(await client.proof({ captureId: first.captureId }), await client.proof({ url: first.url }));
    status = await c.rewards.nodeStatus(node.id);
    const get = async (path: string) => (await fetch(`${c.url}/v1/log${path}`)).json();
    logApi.latest = await get('/checkpoint');
    logApi.leaf = await get(`/leaves/${first.provenance.leafIndex}`);
    logApi.consistency = await get(`/proof/consistency?from=1&to=${logApi.latest.size}`);
    logApi.inclusion = await get(
      `/proof/inclusion?index=${first.provenance.leafIndex}&size=${logApi.latest.size}`,
    );
    // The same reads through the SDK, and another tenant asking for this tenant's capture.
    sdk.capture = await client.capture(first.captureId);
    sdk.leaf = await client.logLeaf(first.provenance.leafIndex);
    sdk.inclusion = await client.inclusionProof(first.provenance.leafIndex, logApi.latest.size);
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'served',
        (e) => (e instanceof SwardApiError ? e.code : String(e)),
      );
    const other = await c.store.auth.createApiKey({
      name: 'globex',
      tenant: 'globex',
      role: 'customer',
      scopes: ['crawl'],
    });
    sdk.theirs = await codeOf(new SwardClient({ url: c.url, apiKey: other.key }).capture(first.captureId));
    sdk.pastEnd = await codeOf(client.logLeaf(logApi.latest.size + 5));
    await node.stop();
    await c.close();
    await site.close();
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const tampered = (name: string, edit: (dir: string) => void) => {
    const dir = join(tmp, name);
    cpSync(good, dir, { recursive: true });
    edit(dir);
    return dir;
  };
  const editPages = (dir: string, f: (rows: Record<string, unknown>[]) => void) => {
    const file = join(dir, 'pages.jsonl');
    const rows = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    f(rows);
    writeFileSync(file, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  };
  const expectFailure = async (dir: string, check: string, row: number | null) => {
    const r = await verifyBundleDir(dir);
    assert.ok(
      r.failures.some((f) => f.check === check && (row === null || f.row === row)),
      `expected a ${check} failure on row ${row}, got ${JSON.stringify(r.failures)}`,
    );
  };

  const statusOf = (checks: CheckLine[]) => Object.fromEntries(checks.map((l) => [l.check, l.status]));

  test('the untouched bundle verifies, from the CLI too', async () => {
    const r = await verifyBundleDir(good);
    assert.deepEqual(r.failures, []);
    assert.ok(r.rows >= 10 && r.rowsOk === r.rows);
    const cli = sward(['verify', good]);
    assert.equal(await cli.exited, 0, cli.output());
  });

  test('the report says what was checked and what was not, file by file', async () => {
    const r = await verifyBundleDir(good);
    const status = statusOf(r.checks);
    for (const check of [
      'rows',
      'signatures',
      'records',
      'bodies',
      'log order',
      'inclusion proofs',
      'checkpoints',
      'anchors',
      'anchor chain',
    ])
      assert.equal(status[check], 'checked', `${check}: ${JSON.stringify(r.checks)}`);
    assert.match(r.checks.find((l) => l.check === 'signatures')?.detail ?? '', new RegExp(`^${r.rows} rows`));
    assert.match(r.checks.find((l) => l.check === 'anchors')?.detail ?? '', /file: .*signed by the log key/);
    // Every file of the bundle is checked against the signed manifest; none is passed over in silence.
    assert.equal(status.manifest, 'checked');
    assert.equal(status.files, 'checked');
    for (const file of ['documents.jsonl', 'documents-dropped.jsonl', 'skipped.jsonl'])
      assert.equal(status[file], undefined, file);
    assert.equal(status.rederive, 'not_checked', 'documents are re-extracted only with --rederive');
    assert.equal(status['log key'], 'not_checked', 'no --trusted-key: the origin of the log is not checked');
    const own = JSON.parse(readFileSync(join(good, 'provenance', 'checkpoints.json'), 'utf8')).verifierKey;
    assert.equal(statusOf((await verifyBundleDir(good, [own])).checks)['log key'], 'checked');
    const cli = sward(['verify', good]);
    assert.equal(await cli.exited, 0, cli.output());
    const out = cli.output();
    assert.match(out, new RegExp(`^signatures: checked \\(${r.rows} rows`, 'm'));
    assert.match(out, /^inclusion proofs: checked \(/m);
    assert.match(out, /^files: checked \(/m);
    assert.match(out, /^rederive: not checked \(/m);
    assert.doesNotMatch(out, /every check passed/);
    assert.match(out, /^OK: \d+ checks passed; not checked: .*log key.*rederive/m);
    const json = sward(['verify', good, '--json']);
    assert.equal(await json.exited, 0, json.output());
    const parsed = JSON.parse(json.output());
    assert.equal(parsed.ok, true);
    assert.deepEqual(parsed.checks, r.checks);
  });

  test('a file the signed manifest does not list fails, named', async () => {
    const dir = tampered('extra', (d) => {
      writeFileSync(join(d, 'notes.txt'), 'added after the crawl');
      writeFileSync(join(d, 'provenance', 'extra.json'), '{}');
      // A second pack beside the signed one, or a body file as format 1 kept them.
      writeFileSync(join(d, 'bodies-2.pack'), readFileSync(join(d, 'bodies.pack')));
      mkdirSync(join(d, 'blobs', 'sha256', 'ab'), { recursive: true });
      writeFileSync(join(d, 'blobs', 'sha256', 'ab', 'abcd'), 'a body');
    });
    const r = await verifyBundleDir(dir);
    assert.deepEqual(
      r.failures.map((f) => [f.check, f.message.split(':')[0]]),
      [
        ['files', 'blobs/sha256/ab/abcd'],
        ['files', 'bodies-2.pack'],
        ['files', 'notes.txt'],
        ['files', 'provenance/extra.json'],
      ],
    );
    const status = statusOf(r.checks);
    assert.equal(status.files, 'failed');
    assert.equal(status['provenance/checkpoints.json'], undefined, 'the checkpoints file is covered');
  });

  test("a row's proof can be fetched from the API by capture id or URL, and it verifies", () => {
    for (const p of proofs) {
      const root = parseCheckpoint(parseNote(p.checkpoint.note).text).rootHash;
      const leaf = leafHash(canonicalBytes(p.record));
      verifyInclusion(
        leaf,
        p.leafIndex,
        p.checkpoint.size,
        p.inclusionProof.map((h) => Buffer.from(h, 'base64')),
        root,
      );
    }
    assert.equal(proofs[0]?.captureId, proofs[1]?.captureId);
  });

  test('the public log API serves the latest checkpoint, records by leaf index, and both kinds of proof', () => {
    const root = parseCheckpoint(parseNote(logApi.latest.note).text).rootHash;
    assert.equal(logApi.leaf.captureId, proofs[0]?.captureId);
    const leaf = leafHash(canonicalBytes(logApi.leaf.record));
    const b = (hs: string[]) => hs.map((h) => Buffer.from(h, 'base64'));
    verifyInclusion(leaf, logApi.inclusion.leafIndex, logApi.latest.size, b(logApi.inclusion.hashes), root);
    assert.equal(logApi.consistency.to, logApi.latest.size);
    assert.ok(Array.isArray(logApi.consistency.hashes));
  });

  test("the SDK reads a capture, a leaf and one leaf's inclusion proof; another tenant's key gets NOT_FOUND", () => {
    assert.equal(sdk.capture.id, proofs[0]?.captureId);
    assert.deepEqual(sdk.capture.signed, proofs[0]?.record, 'the capture carries the record the log proves');
    assert.deepEqual(sdk.leaf, logApi.leaf);
    assert.deepEqual(sdk.inclusion, logApi.inclusion);
    const root = parseCheckpoint(parseNote(logApi.latest.note).text).rootHash;
    const b = (hs: string[]) => hs.map((h) => Buffer.from(h, 'base64'));
    verifyInclusion(
      leafHash(canonicalBytes(sdk.leaf.record)),
      sdk.inclusion.leafIndex,
      sdk.inclusion.treeSize,
      b(sdk.inclusion.hashes),
      root,
    );
    assert.equal(sdk.theirs, 'NOT_FOUND', "another tenant's key: as if there were no such capture");
    assert.equal(sdk.pastEnd, 'NOT_FOUND', 'a leaf past the end of the log');
  });

  test('the crawl paid its node work points through the ledger, per stored page', () => {
    const pages = readFileSync(join(good, 'pages.jsonl'), 'utf8').trim().split('\n').length;
    assert.ok(status && status.pending.work > 0, JSON.stringify(status?.pending));
    assert.equal(status?.epochs[0]?.pagesStored, pages);
  });

  /** Row n's (1-based) body: where it is in the pack and how long it is. */
  const bodyOf = (d: string, n: number) => {
    const row = JSON.parse(readFileSync(join(d, 'pages.jsonl'), 'utf8').split('\n')[n - 1] as string);
    return { offset: row.bodyOffset as number, length: row.bodyLength as number, sha256: row.bodySha256 };
  };
  const PACK = 'bodies.pack';

  test('one byte of a body', async () => {
    const dir = tampered('body', (d) => {
      const { offset, length } = bodyOf(d, 3);
      const bytes = readFileSync(join(d, PACK));
      const at = offset + Math.floor(length / 2);
      bytes[at] = (bytes[at] as number) ^ 1;
      writeFileSync(join(d, PACK), bytes);
    });
    await expectFailure(dir, 'body', 3);
    const status = statusOf((await verifyBundleDir(dir)).checks);
    assert.equal(status.bodies, 'failed');
    assert.equal(status.signatures, 'checked', 'the other checks still ran and say so');
    const cli = sward(['verify', dir]);
    assert.equal(await cli.exited, 1);
    assert.match(cli.output(), /FAIL row 3 \[body\]/);
    assert.match(cli.output(), /^bodies: FAILED \(1 of \d+ rows failed; first: row 3: /m);
    // The changed pack also differs from the signed manifest: the files check names it too.
    assert.match(cli.output(), /FAIL bundle \[files\]: bodies\.pack: changed/);
    assert.match(cli.output(), /^FAILED: 2 problems \(2 of \d+ checks failed\)/m);
  });

  test('format 3: bodies in one pack, captures in canonical key order, the format named', () => {
    const cps = JSON.parse(readFileSync(join(good, 'provenance', 'checkpoints.json'), 'utf8'));
    assert.equal(cps.bundleFormat, 3);
    assert.ok(!readdirSync(good).includes('blobs'), 'no folder of blobs');
    const lines = readFileSync(join(good, 'pages.jsonl'), 'utf8').trim().split('\n');
    for (const line of lines) {
      const row = JSON.parse(line);
      assert.equal(row.blobPath, PACK);
      assert.equal(JSON.stringify(row.signedCapture), canonicalJson(row.signedCapture));
    }
  });

  test('a forged pack offset: the row points at another body', async () => {
    const dir = tampered('pack-offset', (d) =>
      editPages(d, (rows) => {
        (rows[2] as { bodyOffset: number }).bodyOffset = (rows[3] as { bodyOffset: number }).bodyOffset;
      }),
    );
    const r = await verifyBundleDir(dir);
    assert.deepEqual(
      r.failures.map((f) => [f.row, f.check, f.message.split(':')[0]]),
      [
        [3, 'body', r.failures[0]?.message.split(':')[0]],
        [null, 'files', 'pages.jsonl'],
      ],
    );
    assert.match(r.failures[0]?.message ?? '', /does not match capture|bytes, capture says/);
    // An offset past the end of the pack, or a row pointing outside it, fails that row too.
    const far = await verifyBundleDir(
      tampered('pack-offset-far', (d) =>
        editPages(d, (rows) => {
          (rows[1] as { bodyOffset: number }).bodyOffset = 2 ** 40;
          (rows[4] as { blobPath: string }).blobPath = '../../../../etc/hostname';
        }),
      ),
    );
    assert.match(far.failures.find((f) => f.row === 2)?.message ?? '', /^body is 0 bytes, capture says/);
    assert.deepEqual(
      far.failures.filter((f) => f.row === 5).map((f) => [f.check, f.message]),
      [['format', 'blobPath: expected bodies.pack (format 2 keeps every body in it)']],
    );
  });

  test('two bodies swapped inside the pack', async () => {
    const dir = tampered('pack-swap', (d) => {
      const a = bodyOf(d, 2);
      const b = bodyOf(d, 3);
      assert.notEqual(a.sha256, b.sha256);
      const [first, second] = a.offset < b.offset ? [a, b] : [b, a];
      const pack = readFileSync(join(d, PACK));
      const part = (s: number, e: number) => pack.subarray(s, e);
      writeFileSync(
        join(d, PACK),
        Buffer.concat([
          part(0, first.offset),
          part(second.offset, second.offset + second.length),
          part(first.offset + first.length, second.offset),
          part(first.offset, first.offset + first.length),
          part(second.offset + second.length, pack.length),
        ]),
      );
    });
    const r = await verifyBundleDir(dir);
    for (const row of [2, 3])
      assert.ok(
        r.failures.some((f) => f.row === row && f.check === 'body'),
        `row ${row}: ${JSON.stringify(r.failures)}`,
      );
    assert.ok(r.failures.some((f) => f.check === 'files' && /^bodies\.pack: changed/.test(f.message)));
    assert.ok(!r.failures.some((f) => f.check === 'signature' || f.check === 'inclusion'));
  });

  test('a truncated pack', async () => {
    const dir = tampered('pack-cut', (d) => {
      const { offset, length } = bodyOf(d, 4);
      const pack = readFileSync(join(d, PACK));
      writeFileSync(join(d, PACK), pack.subarray(0, offset + Math.floor(length / 2)));
    });
    const r = await verifyBundleDir(dir);
    const cut = r.failures.find((f) => f.row === 4);
    assert.equal(cut?.check, 'body');
    assert.match(cut?.message ?? '', /^body is \d+ bytes, capture says \d+/);
    assert.ok(r.failures.some((f) => f.check === 'files' && /^bodies\.pack: changed/.test(f.message)));
    assert.ok(!r.failures.some((f) => f.row !== null && f.row < 4), 'rows before the cut still verify');
    // No pack at all: every row's body is missing, and the manifest names the file.
    const none = await verifyBundleDir(tampered('pack-gone', (d) => rmSync(join(d, PACK))));
    assert.equal(none.failures.filter((f) => f.check === 'body').length, none.rows);
    assert.ok(none.failures.some((f) => f.check === 'files' && /^bodies\.pack: missing/.test(f.message)));
  });

  test('a capture written out of canonical key order still verifies its signature (and changes pages.jsonl)', async () => {
    const dir = tampered('key-order', (d) =>
      editPages(d, (rows) => {
        const sc = (rows[1] as { signedCapture: { capture: Record<string, unknown> } }).signedCapture;
        sc.capture = Object.fromEntries(Object.entries(sc.capture).reverse());
      }),
    );
    const r = await verifyBundleDir(dir);
    assert.deepEqual(
      r.failures.map((f) => [f.row, f.check, f.message.split(':')[0]]),
      [[null, 'files', 'pages.jsonl']],
    );
  });

  test('a bundle format this verifier does not read is refused, named', async () => {
    const dir = tampered('format-4', (d) => {
      const file = join(d, 'provenance', 'checkpoints.json');
      const cp = JSON.parse(readFileSync(file, 'utf8'));
      cp.bundleFormat = 4;
      writeFileSync(file, JSON.stringify(cp));
    });
    const r = await verifyBundleDir(dir);
    assert.ok(
      r.failures.some(
        (f) =>
          f.check === 'format' &&
          f.message ===
            'checkpoints file: bundle format 4 is not one this verifier reads (1, 2, 3): a newer sward wrote it',
      ),
      JSON.stringify(r.failures),
    );
    assert.equal(r.rowsOk, 0);
  });

  test('one field of a record (outside and inside the signed capture)', async () => {
    await expectFailure(
      tampered('field', (d) =>
        editPages(d, (rows) => {
          (rows[1] as { status: number }).status = 404;
        }),
      ),
      'record',
      2,
    );
    await expectFailure(
      tampered('signed-field', (d) =>
        editPages(d, (rows) => {
          const sc = (rows[4] as { signedCapture: { capture: { fetchEnd: string } } }).signedCapture;
          sc.capture.fetchEnd = '2020-01-01T00:00:00.000Z';
        }),
      ),
      'signature',
      5,
    );
  });

  test('the order of rows', async () => {
    await expectFailure(
      tampered('order', (d) => editPages(d, (rows) => rows.splice(1, 2, rows[2] as never, rows[1] as never))),
      'order',
      3,
    );
  });

  test('a proof', async () => {
    await expectFailure(
      tampered('proof', (d) =>
        editPages(d, (rows) => {
          const p = (rows[6] as { provenance: { inclusionProof: string[] } }).provenance.inclusionProof;
          p[0] = Buffer.alloc(32, 7).toString('base64');
        }),
      ),
      'inclusion',
      7,
    );
  });

  test('a checkpoint', async () => {
    const dir = tampered('checkpoint', (d) => {
      const file = join(d, 'provenance', 'checkpoints.json');
      const cp = JSON.parse(readFileSync(file, 'utf8'));
      const last = cp.checkpoints[cp.checkpoints.length - 1];
      const lines = last.note.split('\n');
      lines[1] = String(Number(lines[1]) + 1);
      last.note = lines.join('\n');
      writeFileSync(file, JSON.stringify(cp));
    });
    await expectFailure(dir, 'checkpoint', null);
    // with the checkpoint gone, every row's proof to it fails too
    await expectFailure(dir, 'inclusion', 1);
    const status = statusOf((await verifyBundleDir(dir)).checks);
    assert.equal(status.checkpoints, 'failed');
    assert.equal(status['inclusion proofs'], 'failed');
  });

  test('checkpoints signed by a key the auditor does not trust', async () => {
    const other = generateNoteKeys('sward.local/log').verifierKey;
    const r = await verifyBundleDir(good, [other]);
    assert.ok(
      r.failures.some((f) => f.check === 'checkpoint'),
      JSON.stringify(r.failures.slice(0, 2)),
    );
    const own = JSON.parse(readFileSync(join(good, 'provenance', 'checkpoints.json'), 'utf8')).verifierKey;
    assert.deepEqual((await verifyBundleDir(good, [own])).failures, []);
  });

  test('an anchor', async () => {
    const dir = tampered('anchor', (d) => {
      const file = join(d, 'provenance', 'checkpoints.json');
      const cp = JSON.parse(readFileSync(file, 'utf8'));
      cp.checkpoints[0].anchor = null;
      writeFileSync(file, JSON.stringify(cp));
    });
    await expectFailure(dir, 'anchor', null);
    assert.ok(readdirSync(dir).includes('pages.jsonl'));
  });
});
