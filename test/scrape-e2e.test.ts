import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import {
  leafHash,
  openCheckpoint,
  parseVerifierKey,
  sha256Hex,
  verifyInclusion,
  verifySignedCaptureLeaf,
} from '@sward/core';
import type { RunningNode } from '@sward/node';
import { type ScrapeAnswer, type SwardApiError, SwardClient } from '@sward/sdk';
import { type SampleSite, startSampleSite } from '@sward/testsites';
import { pino } from 'pino';
import { loopbackNode } from './support/nodes.js';

/** POST /v1/scrape through a real coordinator, a real node and the sample site on loopback (issue #17 point 5). */
describe('POST /v1/scrape: one URL through a node, answered at once', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-scrape-'));
  let c: RunningCoordinator;
  let node: RunningNode;
  let client: SwardClient;
  let site: SampleSite;
  before(async () => {
    site = await startSampleSite({ pages: 6, politeness: false, slowMs: 30_000 });
    c = await startCoordinator({
      db: join(tmp, 'db.sqlite'),
      dataDir: join(tmp, 'data'),
      log: pino({ level: 'warn' }),
      scheduler: { hostDelayMs: 0 },
    });
    node = await loopbackNode(c.url, tmp);
    client = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
  });
  after(async () => {
    await node.stop();
    await c.close();
    await site.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('a page comes back with its document, Markdown, signed capture and a proof that verifies offline', async () => {
    const url = `${site.url}/articles/1`;
    const r = await client.scrape(url);
    assert.equal(r.state, 'stored', JSON.stringify(r));
    const got = r as Extract<ScrapeAnswer, { state: 'stored' }>;
    assert.equal(got.url, url);
    assert.equal(got.page.finalUrl, url);
    assert.equal(got.page.status, 200);
    const doc = got.document as { text: string; markdown: string; title: string | null };
    assert.ok(doc.text.length > 50, 'the cleaned text');
    assert.match(doc.markdown, /\S/, 'Markdown');
    // The body the node signed is the page the site serves.
    const body = Buffer.from(await (await fetch(url)).arrayBuffer());
    assert.equal(got.page.bodySha256, sha256Hex(body));
    // The proof, checked with nothing but the log's public key: signature, leaf, inclusion, checkpoint.
    const { signed, leafBytes } = verifySignedCaptureLeaf(got.proof.record);
    assert.equal(signed.capture.bodySha256, got.page.bodySha256);
    const verifier = parseVerifierKey(await client.logKey());
    const { checkpoint } = openCheckpoint(got.proof.checkpoint.note, [verifier]);
    verifyInclusion(
      leafHash(leafBytes),
      got.proof.leafIndex,
      checkpoint.size,
      got.proof.inclusionProof.map((h) => Buffer.from(h, 'base64')),
      checkpoint.rootHash,
    );
    // A forged proof (one sibling changed) does not verify: the check above is a real one.
    const forged = got.proof.inclusionProof.map((h, i) =>
      i === 0 ? Buffer.alloc(32, 7) : Buffer.from(h, 'base64'),
    );
    if (forged.length)
      assert.throws(() =>
        verifyInclusion(
          leafHash(leafBytes),
          got.proof.leafIndex,
          checkpoint.size,
          forged,
          checkpoint.rootHash,
        ),
      );
    // The scrape is a one-page job of the caller's: the same page is in its output.
    const job = await client.job(got.jobId);
    assert.equal(job.state, 'done');
    assert.equal(job.progress?.stored, 1);
  });

  test('a page robots.txt disallows is refused with the reason, and nothing of it is stored', async () => {
    const r = await client.scrape(`${site.url}/private/staff-notes`);
    assert.equal(r.state, 'skipped', JSON.stringify(r));
    assert.match((r as { reason: string }).reason, /robots/);
    const pages = [];
    for await (const p of client.pages(r.jobId)) pages.push(p);
    assert.equal(pages.length, 0);
  });

  test('a noai page is refused with its reason and its body never served', async () => {
    const r = await client.scrape(`${site.url}/policy/noai-header`);
    assert.equal(r.state, 'skipped', JSON.stringify(r));
    assert.match((r as { reason: string }).reason, /noai/);
    const body = Buffer.from(await (await fetch(`${site.url}/policy/noai-header`)).arrayBuffer());
    await assert.rejects(client.blob(sha256Hex(body)), (e: SwardApiError) => e.status === 404);
  });

  test('a page not fetched in time answers 504 TIMEOUT naming the job to follow', async () => {
    await assert.rejects(client.scrape(`${site.url}/slow`, { timeoutMs: 1000 }), (e: SwardApiError) => {
      assert.equal(e.status, 504);
      assert.equal(e.code, 'TIMEOUT');
      assert.match(e.message, /GET \/v1\/jobs\/\S+/);
      return true;
    });
  });

  test('bad input is refused with the field named, and no job is made', async () => {
    const before = (await client.jobs()).jobs.length;
    for (const body of [
      { url: 'http:///etc/passwd' },
      { url: `${site.url}/articles/1`, timeoutMs: 10 },
      { url: `${site.url}/articles/1`, extra: true },
    ]) {
      const res = await fetch(`${c.url}/v1/scrape`, {
        method: 'POST',
        headers: { authorization: `Bearer ${c.firstApiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    assert.equal((await client.jobs()).jobs.length, before);
  });
});
