import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import {
  BUNDLE_MANIFEST_FILE,
  BUNDLE_MANIFEST_TYPE,
  type BundleManifest,
  generateNoteKeys,
  parseNote,
  parseSignerKey,
  sha256Hex,
  signBundleManifest,
} from '@sward/core';
import { type CheckLine, SwardClient, verifyBundleDir } from '@sward/sdk';
import { startSampleSite } from '@sward/testsites';
import { pino } from 'pino';
import { writeCrawlOutput } from '../packages/cli/src/crawl-output.js';
import { rederiveDocuments } from '../packages/cli/src/rederive.js';
import { BlobStore } from '../packages/coordinator/src/blob/blob-store.js';
import { loopbackNode } from './support/nodes.js';
import { sward } from './support/processes.js';

// biome-ignore lint/suspicious/noExplicitAny: rows of the bundle's JSONL files, edited as an attacker would
type Row = any;

/**
 * Every file of a bundle is covered by the coordinator's signed manifest, documents are bound to their
 * captures and rebuilt by --rederive, and skip reasons carry signed evidence. One real crawl, then one
 * attack per test: each must fail, naming the file and the check.
 */
describe('signed manifest, rederive and skip evidence', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-manifest-'));
  const good = join(tmp, 'good');
  let jobId = '';
  let logKey = '';
  let sealedSize = 0;
  let apiKey = '';
  let coordinatorUrl = '';
  let close: () => Promise<void> = async () => undefined;
  let coordinator: RunningCoordinator;
  before(async () => {
    const site = await startSampleSite({ pages: 12, crawlDelay: 0 });
    const c = await startCoordinator({
      db: join(tmp, 'db.sqlite'),
      dataDir: join(tmp, 'data'),
      log: pino({ level: 'warn' }),
      scheduler: { hostDelayMs: 0 },
    });
    coordinator = c;
    const node = await loopbackNode(c.url, tmp);
    apiKey = c.firstApiKey as string;
    coordinatorUrl = c.url;
    const client = new SwardClient({ url: c.url, apiKey });
    const job = await client.createCrawl({ seed: `${site.url}/`, maxPages: 60 });
    jobId = job.id;
    await client.waitForJob(job.id, undefined, 100);
    await writeCrawlOutput(client, job.id, good);
    sealedSize = (await client.seal(job.id)).size;
    logKey = await client.logKey();
    close = async () => {
      await node.stop();
      await c.close();
      await site.close();
    };
  });
  after(async () => {
    await close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const tampered = (name: string, edit: (dir: string) => void) => {
    const dir = join(tmp, name);
    cpSync(good, dir, { recursive: true });
    edit(dir);
    return dir;
  };
  const readRows = (dir: string, file: string): Row[] =>
    readFileSync(join(dir, file), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
  const writeRows = (dir: string, file: string, rows: Row[]) =>
    writeFileSync(join(dir, file), `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const statusOf = (checks: CheckLine[]) => Object.fromEntries(checks.map((l) => [l.check, l.status]));
  const failureOf = async (dir: string, check: string, file: RegExp, keys: string[] = []) => {
    const r = await verifyBundleDir(dir, keys, { rederive: rederiveDocuments });
    const f = r.failures.find((x) => x.check === check && file.test(x.message));
    assert.ok(f, `expected a ${check} failure naming ${file}, got ${JSON.stringify(r.failures)}`);
    assert.equal(statusOf(r.checks)[check === 'evidence' ? 'skip evidence' : check], 'failed');
    return r;
  };

  test('the untouched bundle verifies: manifest, every file, skip evidence, rederive', async () => {
    const r = await verifyBundleDir(good, [logKey], { rederive: rederiveDocuments });
    assert.deepEqual(r.failures, []);
    const status = statusOf(r.checks);
    for (const check of ['manifest', 'files', 'skip evidence', 'rederive'])
      assert.equal(status[check], 'checked', `${check}: ${JSON.stringify(r.checks)}`);
    // Every file is covered by the manifest: none is listed as unread any more.
    for (const file of ['documents.jsonl', 'skipped.jsonl', 'compliance.json'])
      assert.equal(status[file], undefined, file);
    const manifest = JSON.parse(parseNote(readFileSync(join(good, BUNDLE_MANIFEST_FILE), 'utf8')).text);
    assert.equal(manifest.jobId, jobId);
    assert.equal(manifest.checkpoint.size, sealedSize);
    assert.equal(manifest.parameters.job.maxPages, 60);
    const paths = manifest.files.map((f: { path: string }) => f.path);
    for (const p of [
      'pages.jsonl',
      'documents.jsonl',
      'documents-dropped.jsonl',
      'skipped.jsonl',
      'compliance.json',
    ])
      assert.ok(paths.includes(p), p);
    // Format 2: the bodies are one pack file, listed once, not one entry per body.
    assert.ok(paths.includes('bodies.pack'));
    assert.ok(!paths.some((p: string) => p.startsWith('blobs/')));
    const rederive = r.checks.find((l) => l.check === 'rederive');
    assert.match(rederive?.detail ?? '', /^\d+ documents? re-extracted/);
    const cli = sward(['verify', good, '--rederive', '--trusted-key', logKey]);
    assert.equal(await cli.exited, 0, cli.output());
    assert.match(cli.output(), /^manifest: checked \(/m);
    assert.match(cli.output(), /^rederive: checked \(/m);
    const plain = sward(['verify', good]);
    assert.equal(await plain.exited, 0, plain.output());
    assert.match(plain.output(), /^rederive: not checked \(.*--rederive/m);
  });

  test('documents are bound to captures: capture id, body hash, extractor name and version', () => {
    const pages = new Map(readRows(good, 'pages.jsonl').map((p) => [p.captureId, p]));
    const docs = readRows(good, 'documents.jsonl');
    assert.ok(docs.length >= 5);
    for (const d of docs) {
      assert.equal(d.bodySha256, pages.get(d.captureId)?.bodySha256, d.captureId);
      assert.deepEqual(d.extractor, { name: '@sward/extract', version: '0.14.1' });
    }
  });

  test('every skipped row carries evidence; signed ones are checked against their reason', async () => {
    const rows = readRows(good, 'skipped.jsonl');
    const byReason = (reason: string) => rows.find((r) => r.reason === reason);
    assert.ok(
      rows.every((r) => ['capture', 'policy', 'none'].includes(r.evidence?.kind)),
      JSON.stringify(rows),
    );
    assert.equal(byReason('robots')?.evidence.kind, 'policy');
    assert.equal(byReason('robots')?.evidence.policy, 'robots');
    assert.equal(byReason('http_404')?.evidence.kind, 'capture');
    assert.equal(byReason('noai')?.evidence.kind, 'capture');
    const r = await verifyBundleDir(good);
    assert.match(
      r.checks.find((l) => l.check === 'skip evidence')?.detail ?? '',
      /supported by signed answers/,
    );
    // robots.txt and tdmrep.json travel in compliance.json with their text, whose hash is the signed body's.
    const docs = JSON.parse(readFileSync(join(good, 'compliance.json'), 'utf8')).documents;
    const robots = docs.find((d: Row) => d.kind === 'robots' && d.captureId);
    assert.equal(sha256Hex(Buffer.from(robots.text, 'utf8')), robots.signedCapture.capture.bodySha256);
  });

  test('a skip the signed robots.txt or tdmrep.json does not give fails the evidence check', async () => {
    const rows = readRows(good, 'skipped.jsonl');
    const allowed = readRows(good, 'pages.jsonl')[0].url;
    for (const reason of ['robots', 'tdmrep']) {
      const i = rows.findIndex((r) => r.reason === reason && r.evidence.kind === 'policy');
      assert.ok(i >= 0, `a ${reason} row with policy evidence: ${JSON.stringify(rows)}`);
      const dir = tampered(`skip-${reason}`, (d) => {
        const edited = readRows(d, 'skipped.jsonl');
        edited[i].url = allowed; // a page the site let us fetch, claimed as closed to us
        writeRows(d, 'skipped.jsonl', edited);
      });
      await failureOf(dir, 'evidence', new RegExp(`row ${i + 1} .*${reason}.*(allows|does not reserve)`));
    }
  });

  test("rewriting a document's text fails the files check on documents.jsonl, and rederive on its row", async () => {
    const dir = tampered('doc-text', (d) => {
      const rows = readRows(d, 'documents.jsonl');
      rows[0].text = `${rows[0].text} Buy our product.`;
      writeRows(d, 'documents.jsonl', rows);
    });
    await failureOf(dir, 'files', /^documents\.jsonl: changed/);
    await failureOf(dir, 'rederive', /^documents\.jsonl row 1: re-extracting/);
  });

  test('a document moved onto another capture fails rederive', async () => {
    const dir = tampered('doc-rebind', (d) => {
      const rows = readRows(d, 'documents.jsonl');
      [rows[0].captureId, rows[1].captureId] = [rows[1].captureId, rows[0].captureId];
      writeRows(d, 'documents.jsonl', rows);
    });
    await failureOf(dir, 'rederive', /^documents\.jsonl row 1: body .* is not capture/);
  });

  test('rewriting a skip reason fails the files check on skipped.jsonl and the evidence check', async () => {
    const dir = tampered('skip-reason', (d) => {
      const rows = readRows(d, 'skipped.jsonl');
      const row = rows.find((r) => r.reason === 'http_404');
      row.reason = 'http_451';
      writeRows(d, 'skipped.jsonl', rows);
    });
    await failureOf(dir, 'files', /^skipped\.jsonl: changed/);
    await failureOf(dir, 'evidence', /skipped\.jsonl row \d+ .*http_451.*status is 404/);
  });

  test("a skip evidence capture that is not the URL's, or forged, fails", async () => {
    const dir = tampered('skip-evidence', (d) => {
      const rows = readRows(d, 'skipped.jsonl');
      const a = rows.find((r) => r.reason === 'http_404');
      const b = rows.find((r) => r.evidence.kind === 'capture' && r !== a);
      a.evidence = b.evidence;
      b.evidence.signedCapture.capture.status = 200;
      writeRows(d, 'skipped.jsonl', rows);
    });
    const r = await failureOf(dir, 'evidence', /signed capture is of|signature does not verify/);
    assert.ok(r.failures.filter((f) => f.check === 'evidence').length >= 1);
  });

  test('dropping a file fails, naming it', async () => {
    const dir = tampered('drop', (d) => unlinkSync(join(d, 'documents-dropped.jsonl')));
    await failureOf(dir, 'files', /^documents-dropped\.jsonl: missing/);
    const blob = readRows(good, 'pages.jsonl')[0].blobPath;
    const noBlob = tampered('drop-blob', (d) => unlinkSync(join(d, blob)));
    await failureOf(noBlob, 'files', new RegExp(`^${blob}: missing`));
  });

  test('adding a file fails, naming it', async () => {
    const dir = tampered('add', (d) => {
      writeFileSync(join(d, 'notes.txt'), 'added after the crawl');
      writeFileSync(join(d, 'provenance', 'extra.json'), '{}');
    });
    await failureOf(dir, 'files', /^notes\.txt: extra/);
    await failureOf(dir, 'files', /^provenance\/extra\.json: extra/);
  });

  test('a missing manifest fails; so does one re-signed with another key after editing a file', async () => {
    const none = tampered('no-manifest', (d) => unlinkSync(join(d, BUNDLE_MANIFEST_FILE)));
    await failureOf(none, 'manifest', /manifest\.note is missing/);
    // The forger edits documents.jsonl, recomputes every hash and signs with a key of the same name.
    const forged = tampered('resigned', (d) => {
      const rows = readRows(d, 'documents.jsonl');
      rows[0].text = 'forged';
      writeRows(d, 'documents.jsonl', rows);
      const m = JSON.parse(
        parseNote(readFileSync(join(d, BUNDLE_MANIFEST_FILE), 'utf8')).text,
      ) as BundleManifest;
      assert.equal(m.type, BUNDLE_MANIFEST_TYPE);
      const bytes = readFileSync(join(d, 'documents.jsonl'));
      m.files = m.files.map((f) =>
        f.path === 'documents.jsonl' ? { ...f, sha256: sha256Hex(bytes), size: bytes.length } : f,
      );
      const origin = logKey.split('+')[0] as string;
      const signer = parseSignerKey(generateNoteKeys(origin).signerKey);
      writeFileSync(join(d, BUNDLE_MANIFEST_FILE), signBundleManifest(m, [signer]));
    });
    await failureOf(forged, 'manifest', /manifest\.note: note is not signed by any trusted key/);
    await failureOf(forged, 'manifest', /manifest\.note/, [logKey]);
  });

  test("the manifest route is the job owner's, checks its query, and signs only what the coordinator made", async () => {
    const get = (path: string, key = apiKey) =>
      fetch(`${coordinatorUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
    const ok = await get(`/v1/jobs/${jobId}/manifest?size=${sealedSize}`);
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), readFileSync(join(good, BUNDLE_MANIFEST_FILE), 'utf8'));
    const badSize = await get(`/v1/jobs/${jobId}/manifest?size=1`);
    assert.equal(badSize.status, 400);
    assert.match(await badSize.text(), /size/);
    const badQuality = await get(`/v1/jobs/${jobId}/manifest?size=${sealedSize}&quality=best`);
    assert.equal(badQuality.status, 400);
    assert.match(await badQuality.text(), /quality/);
  });

  test('sward crawl refuses to write a manifest over bytes the coordinator did not sign', async () => {
    // A man in the middle (or a buggy client) changes one document on its way: the CLI's documents.jsonl
    // then differs from what the coordinator hashed, and writing the bundle fails naming the file.
    const proxy: Server = createServer(async (req, res) => {
      const body = await new Promise<Buffer>((ok) => {
        const parts: Buffer[] = [];
        req.on('data', (p) => parts.push(p));
        req.on('end', () => ok(Buffer.concat(parts)));
      });
      const up = await fetch(`${coordinatorUrl}${req.url}`, {
        method: req.method,
        headers: {
          authorization: String(req.headers.authorization ?? ''),
          'content-type': 'application/json',
        },
        ...(body.length ? { body } : {}),
      });
      let out = Buffer.from(await up.arrayBuffer());
      if (/\/documents\?/.test(req.url ?? '')) {
        const j = JSON.parse(out.toString('utf8'));
        if (j.documents[0]) j.documents[0].document.text += ' (edited in transit)';
        out = Buffer.from(JSON.stringify(j));
      }
      res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' });
      res.end(out);
    });
    await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
    const port = (proxy.address() as { port: number }).port;
    try {
      const client = new SwardClient({ url: `http://127.0.0.1:${port}`, apiKey });
      await assert.rejects(
        writeCrawlOutput(client, jobId, join(tmp, 'mitm')),
        /does not match the coordinator's signed manifest: documents\.jsonl: wrote/,
      );
    } finally {
      await new Promise((ok) => proxy.close(ok));
    }
  });

  test('the manifest route reads the bodies once per job and body list; a changed page list is read again', async () => {
    // Every body read of the coordinator's blob store (the tests run the sources: the route's class).
    let reads = 0;
    const get = BlobStore.prototype.get;
    BlobStore.prototype.get = function (this: BlobStore, sha: string) {
      reads++;
      return get.call(this, sha);
    };
    const manifest = async () => {
      reads = 0;
      const r = await fetch(`${coordinatorUrl}/v1/jobs/${jobId}/manifest?size=${sealedSize}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      assert.equal(r.status, 200);
      return { note: await r.text(), reads };
    };
    const pack = (note: string) =>
      (JSON.parse(parseNote(note).text) as BundleManifest).files.find((f) => f.path === 'bodies.pack');
    const rows = readRows(good, 'pages.jsonl');
    const bodies = new Set(rows.map((r) => r.bodySha256)).size;
    // The last page whose body no other page shares: refuting it takes its body out of the pack.
    const victim = rows.findLast((r) => rows.filter((o) => o.bodySha256 === r.bodySha256).length === 1);
    const setOutcome = (outcome: string) =>
      coordinator.store.db.run('UPDATE captures SET outcome = ? WHERE id = ?', [outcome, victim.captureId]);
    try {
      const first = await manifest();
      assert.equal(first.note, readFileSync(join(good, BUNDLE_MANIFEST_FILE), 'utf8'));
      const again = await manifest();
      assert.deepEqual(again, { note: first.note, reads: 0 }, 'asked again: the same note, no body read');
      // A spot check refutes a page after the job is done: it leaves the outputs, and the pack changes.
      await setOutcome('refuted');
      const refuted = await manifest();
      assert.equal(refuted.reads, bodies - 1, 'the new pack is read and hashed');
      assert.notDeepEqual(pack(refuted.note), pack(first.note));
      assert.equal(pack(refuted.note)?.size, (pack(first.note)?.size ?? 0) - victim.bodyLength);
      assert.deepEqual(await manifest(), { note: refuted.note, reads: 0 });
      // Back as it was: the first pack again, hashed again (the entry was replaced), never the stale one.
      await setOutcome('stored');
      assert.deepEqual(await manifest(), { note: first.note, reads: bodies });
    } finally {
      BlobStore.prototype.get = get;
      await setOutcome('stored');
    }
  });
});
