import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import { sha256Hex, verifySignedCapture } from '@sward/core';
import type { RunningNode } from '@sward/node';
import {
  type JobCompliance,
  type RobotsDecision,
  SwardClient,
  type TdmRepDecision,
  verifyBundleDir,
} from '@sward/sdk';
import { startSampleSite } from '@sward/testsites';
import { pino } from 'pino';
import { writeCrawlOutput } from '../packages/cli/src/crawl-output.js';
import { readJsonl } from './support/crawl-checks.js';
import { loopbackNode } from './support/nodes.js';
import { freePort, sward, swardNode } from './support/processes.js';

/** compliance.json of real crawls of the sample site, checked against the site's own robots.txt and tdmrep.json. */
describe('compliance.json', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-compliance-'));
  let c: RunningCoordinator;
  let node: RunningNode;
  let client: SwardClient;
  before(async () => {
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
    rmSync(tmp, { recursive: true, force: true });
  });

  const crawl = async (site: { url: string }, out: string) => {
    const job = await client.createCrawl({ seed: `${site.url}/`, maxPages: 500 });
    await client.waitForJob(job.id, undefined, 100);
    await writeCrawlOutput(client, job.id, out);
    return JSON.parse(readFileSync(join(out, 'compliance.json'), 'utf8')) as JobCompliance;
  };

  test("names the site's robots.txt and tdmrep.json, their captures, and what each decided", async () => {
    const site = await startSampleSite({ pages: 10, crawlDelay: 0.01 });
    after(() => site.close());
    const out = join(tmp, 'sample');
    const compliance = await crawl(site, out);
    const robotsTxt = await (await fetch(`${site.url}/robots.txt`)).text();
    const tdmrepJson = await (await fetch(`${site.url}/.well-known/tdmrep.json`)).text();
    assert.deepEqual(
      compliance.documents.map((d) => [d.kind, d.url, d.status]),
      [
        ['robots', `${site.url}/robots.txt`, 200],
        ['tdmrep', `${site.url}/.well-known/tdmrep.json`, 200],
      ],
    );
    const [robots, tdmrep] = compliance.documents as [
      (typeof compliance.documents)[0],
      (typeof compliance.documents)[0],
    ];
    for (const [d, body] of [
      [robots, robotsTxt],
      [tdmrep, tdmrepJson],
    ] as const) {
      assert.equal(d.bodySha256, sha256Hex(Buffer.from(body)), `${d.kind}: the hash of what the site serves`);
      const signed = verifySignedCapture(d.signedCapture as never);
      assert.equal(signed.capture.bodySha256, d.bodySha256, 'the node signed that body');
      assert.equal(signed.capture.requestedUrl, d.url);
      assert.match(d.captureId ?? '', /^c_/);
      assert.equal(typeof d.leafIndex, 'number', 'the policy answer is in the log');
      assert.ok(!Number.isNaN(Date.parse(d.fetchedAt)));
    }
    const skipped = readJsonl(join(out, 'skipped.jsonl'));
    const pages = readJsonl(join(out, 'pages.jsonl'));
    const expectedRobots = site.expected.skipped.filter((s) => s.reason === 'robots-txt').length;
    const expectedTdm = site.expected.skipped.filter((s) => s.reason === 'tdmrep-json').length;
    const rd = robots.decision as RobotsDecision;
    assert.equal(rd.rule, 'fetched');
    assert.equal(rd.disallowed, expectedRobots, 'the /private/ pages');
    assert.equal(rd.disallowed, skipped.filter((s) => s.reason === 'robots').length);
    assert.equal(rd.crawlDelayTooLong, 0);
    assert.equal(rd.crawlDelaySeconds, 0.01, 'Crawl-delay for SwardBot as the site wrote it');
    assert.ok(rd.allowed >= pages.length, `${rd.allowed} allowed, ${pages.length} stored`);
    const td = tdmrep.decision as TdmRepDecision;
    assert.deepEqual(
      td.reservations,
      JSON.parse(tdmrepJson).map((r: Record<string, unknown>) => r),
      "the site's reservations",
    );
    assert.equal(td.reserved, expectedTdm, 'the /reserved/ pages');
    assert.equal(
      td.reserved + td.notReserved,
      rd.allowed,
      'every URL robots.txt allowed was checked against it',
    );
    // The route answers the same; verify checks the file against the signed manifest, and each skip's
    // evidence against the signed answers compliance.json holds.
    assert.deepEqual(await client.compliance(compliance.jobId), compliance);
    const report = await verifyBundleDir(out);
    assert.deepEqual(report.failures, []);
    const status = Object.fromEntries(report.checks.map((l) => [l.check, l.status]));
    assert.equal(status['compliance.json'], undefined);
    assert.equal(status.files, 'checked');
    assert.equal(status['skip evidence'], 'checked');
  });

  test('a Crawl-delay longer than the coordinator waits: nothing but robots.txt is fetched, every URL says why', async () => {
    const site = await startSampleSite({ pages: 10, crawlDelay: 120 });
    after(() => site.close());
    // a delay past the limit closes the origin: a node of a second operator (its own key) must confirm it
    const second = await loopbackNode(c.url, join(tmp, 'second-node'));
    const out = join(tmp, 'slow');
    const compliance = await crawl(site, out).finally(() => second.stop());
    assert.deepEqual(
      site.hits.all.map((h) => h.path),
      ['/robots.txt', '/robots.txt'],
      'robots.txt by two operators, not even tdmrep.json: no page will be fetched',
    );
    const skipped = readJsonl(join(out, 'skipped.jsonl'));
    assert.deepEqual(
      skipped.map((s) => [s.url, s.reason]),
      [[`${site.url}/`, 'crawl_delay_too_long']],
    );
    assert.match(skipped[0].detail, /Crawl-delay: 120 s; this coordinator waits at most 60 s/);
    assert.equal(readFileSync(join(out, 'pages.jsonl'), 'utf8'), '');
    assert.deepEqual(
      compliance.documents.map((d) => [d.kind, d.decision]),
      [
        [
          'robots',
          { rule: 'fetched', allowed: 0, disallowed: 0, crawlDelayTooLong: 1, crawlDelaySeconds: 120 },
        ],
      ],
    );
  });

  test('sward coordinator --max-crawl-delay sets the limit; a bad value is refused by name', async () => {
    const bad = sward(['coordinator', '--max-crawl-delay', 'soon', '--db', join(tmp, 'bad.db')]);
    assert.notEqual(await bad.exited, 0);
    assert.match(bad.output(), /--max-crawl-delay.*expected a number of seconds, got "soon"/);
    const site = await startSampleSite({ pages: 10, crawlDelay: 10 });
    after(() => site.close());
    const port = await freePort();
    const coord = sward([
      'coordinator',
      '--db',
      join(tmp, 'cli', 'db.sqlite'),
      '--port',
      String(port),
      '--max-crawl-delay',
      '5',
    ]);
    after(() => coord.kill('SIGKILL'));
    const key = (await coord.waitFor(/first API key \(shown once, stored hashed\): (sk_\S+)/))[1] as string;
    const n = swardNode(`http://127.0.0.1:${port}`, join(tmp, 'cli', 'node'));
    after(() => n.kill('SIGKILL'));
    // a second operator's node (its own key) confirms the closing Crawl-delay
    const n2 = swardNode(`http://127.0.0.1:${port}`, join(tmp, 'cli', 'node2'));
    after(() => n2.kill('SIGKILL'));
    const out = join(tmp, 'cli', 'out');
    const crawlProc = sward([
      'crawl',
      `${site.url}/`,
      '--out',
      out,
      '--api-key',
      key,
      '--coordinator',
      `http://127.0.0.1:${port}`,
    ]);
    assert.equal(await crawlProc.exited, 0, crawlProc.output());
    const skipped = readJsonl(join(out, 'skipped.jsonl'));
    assert.deepEqual(
      skipped.map((s) => s.reason),
      ['crawl_delay_too_long'],
    );
    assert.match(skipped[0].detail, /Crawl-delay: 10 s; this coordinator waits at most 5 s/);
    assert.deepEqual(
      site.hits.all.map((h) => h.path),
      ['/robots.txt', '/robots.txt'],
    );
  });

  test('an unknown job has no compliance', async () => {
    await assert.rejects(client.compliance('j_nope'), /no job j_nope/);
  });
});
