import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startCoordinator } from '@sward/coordinator';
import { crawlRequestSchema } from '@sward/core';
import { SwardClient } from '@sward/sdk';
import { pino } from 'pino';
import { writeCrawlOutput } from '../packages/cli/src/crawl-output.js';
import { rederiveDocuments } from '../packages/cli/src/rederive.js';
import { loopbackNode } from './support/nodes.js';

// Issue 18 point 4: which kinds of personal data a job keeps is its crawl request's `keepPii`, stored with
// the job, applied to its documents, named in the bundle's signed manifest and used by --rederive.

const PAGE = `<html><head><title>Contact</title></head><body><article><h1>Contact the office</h1>
<p>Write to jane.doe@example.org about the survey, or call +44 20 7946 0958 on weekdays, and mention that
the office moved to a new building, with a new entrance, on the north side of the square last spring.</p>
<p>The survey asks about commuting, working hours, and the lunch options near the building, in some detail.</p>
</article></body></html>`;

describe('personal data kept or redacted per job', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-pii-job-'));
  let server: Server;
  let client: SwardClient;
  let siteUrl = '';
  let close: () => Promise<void> = async () => undefined;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/contact') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(PAGE);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    siteUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const c = await startCoordinator({
      db: join(tmp, 'db.sqlite'),
      dataDir: join(tmp, 'data'),
      log: pino({ level: 'warn' }),
      scheduler: { hostDelayMs: 0 },
    });
    const node = await loopbackNode(c.url, tmp);
    client = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
    close = async () => {
      await node.stop();
      await c.close();
      await new Promise((r) => server.close(r));
    };
  });
  after(async () => {
    await close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const crawl = async (name: string, keepPii?: boolean | Record<string, boolean>) => {
    const job = await client.createCrawl({
      seed: `${siteUrl}/contact`,
      maxPages: 1,
      maxDepth: 0,
      ...(keepPii === undefined ? {} : { keepPii }),
    });
    await client.waitForJob(job.id, undefined, 100);
    const dir = join(tmp, name);
    await writeCrawlOutput(client, job.id, dir);
    const docs = readFileSync(join(dir, 'documents.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(docs.length, 1, `${name}: one document`);
    return { dir, doc: docs[0] };
  };

  test('a job that keeps emails gets them in its documents, its other kinds redacted, and rederive agrees', async () => {
    const { dir, doc } = await crawl('keep-email', { email: true });
    const text: string = doc.document?.text ?? doc.text;
    assert.ok(text.includes('jane.doe@example.org'), text);
    assert.ok(!text.includes('7946'), text);
    assert.ok(text.includes('[PHONE]'), text);
    const manifest = readFileSync(join(dir, 'provenance/manifest.note'), 'utf8');
    assert.match(manifest, /"keepPii":\{"email":true\}/);
    const r = await rederiveDocuments(dir);
    assert.deepEqual(r.failures, []);
    assert.equal(r.identical, 1);

    // an attacker who redacts the kept emails after the fact (or a row made without the job's choice) fails
    const forged = join(tmp, 'keep-email-forged');
    cpSync(dir, forged, { recursive: true });
    const line = readFileSync(join(forged, 'documents.jsonl'), 'utf8');
    writeFileSync(join(forged, 'documents.jsonl'), line.replaceAll('jane.doe@example.org', '[EMAIL]'));
    const f = await rederiveDocuments(forged);
    assert.equal(f.identical, 0);
    assert.match(f.failures[0]?.message ?? '', /gives a different document/);
  });

  test('a job that says nothing redacts every kind, as before; keepPii: true keeps them all', async () => {
    const plain = await crawl('default');
    const text: string = plain.doc.document?.text ?? plain.doc.text;
    assert.ok(text.includes('[EMAIL]') && text.includes('[PHONE]'), text);
    assert.equal((await rederiveDocuments(plain.dir)).identical, 1);
    const all = await crawl('keep-all', true);
    const kept: string = all.doc.document?.text ?? all.doc.text;
    assert.ok(kept.includes('jane.doe@example.org') && kept.includes('+44 20 7946 0958'), kept);
    assert.equal((await rederiveDocuments(all.dir)).identical, 1);
  });

  test('the crawl request refuses an unknown kind or a non-boolean choice', () => {
    const seed = 'https://example.org/';
    assert.equal(crawlRequestSchema.safeParse({ seed, keepPii: { address: true } }).success, false);
    assert.equal(crawlRequestSchema.safeParse({ seed, keepPii: { email: 'yes' } }).success, false);
    assert.equal(crawlRequestSchema.safeParse({ seed, keepPii: 'all' }).success, false);
    assert.deepEqual(crawlRequestSchema.parse({ seed, keepPii: { ip: true } }).keepPii, { ip: true });
  });
});
