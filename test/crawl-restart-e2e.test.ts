import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SwardClient } from '@sward/sdk';
import { type Hit, startSampleSite } from '@sward/testsites';
import { run } from './support/cli-run.js';
import { checkOutput } from './support/crawl-checks.js';
import { freePort, type Proc, sward, swardNode } from './support/processes.js';

describe('separate processes, coordinator restart', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-e2e-'));
  const procs: Proc[] = [];
  after(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    rmSync(tmp, { recursive: true, force: true });
  });

  test('separate processes; the coordinator is SIGKILLed mid-crawl and the crawl completes with nothing lost or doubled', async () => {
    const site = await startSampleSite({ pages: 30 });
    after(() => site.close());
    const port = await freePort();
    const db = join(tmp, 'kill', 'sward.db');
    const startCoordinator = () => {
      const p = sward([
        'coordinator',
        '--db',
        db,
        '--port',
        String(port),
        '--lease-ms',
        '3000',
        '--host-delay-ms',
        '0',
      ]);
      procs.push(p);
      return p;
    };
    let coord = startCoordinator();
    const key = (await coord.waitFor(/first API key \(shown once, stored hashed\): (sk_\S+)/))[1] as string;
    await coord.waitFor(/listening on/);
    const url = `http://127.0.0.1:${port}`;
    const nodes = [1, 2].map((i) => {
      const p = swardNode(url, join(tmp, 'kill', `node${i}`));
      procs.push(p);
      return p;
    });
    const crawl = sward([
      'crawl',
      `${site.url}/`,
      '--out',
      join(tmp, 'kill', 'out'),
      '--api-key',
      key,
      '--coordinator',
      url,
      '--warc',
    ]);
    procs.push(crawl);
    const jobId = (await crawl.waitFor(/job (j_\S+) submitted/))[1] as string;
    const client = new SwardClient({ url, apiKey: key });
    for (;;) {
      const j = await client.job(jobId);
      if ((j.progress?.stored ?? 0) >= 15) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await coord.kill('SIGKILL');
    const killedAt = Date.now();
    coord = startCoordinator();
    await coord.waitFor(/listening on/);
    assert.equal(await crawl.exited, 0, crawl.output());
    console.log(`crawl finished ${Date.now() - killedAt} ms after the kill`);
    assert.match(crawl.output(), /pages stored: +\d+/);
    // documents are made off the capture path: the report shows both times, documents ready last
    const times = /captured: +([\d.]+) s[\s\S]*documents ready: +([\d.]+) s/.exec(crawl.output());
    assert.ok(times && Number(times[2]) >= Number(times[1]), crawl.output());
    const job = await client.job(jobId);
    assert.equal(job.progress?.documentsPending, 0);
    assert.ok(job.capturedAt && job.finishedAt && job.finishedAt >= job.capturedAt, JSON.stringify(job));
    checkOutput(join(tmp, 'kill', 'out'), site.expected);
    const verify = sward(['verify', join(tmp, 'kill', 'out')]);
    assert.equal(await verify.exited, 0, verify.output());
    // every node keeps a log its operator can read
    // run() waits for stdout to close, so the JSON document is whole
    const log = await run(['node', 'log', '--log-file', join(tmp, 'kill', 'node1', 'log.jsonl'), '--json']);
    assert.equal(log.code, 0, log.err);
    assert.ok((JSON.parse(log.out) as unknown[]).length > 3, 'node log lists fetches');
    // politeness: one request at a time, never faster than robots.txt's Crawl-delay
    assert.equal(site.hits.maxConcurrent(), 1, 'one request at a time per host');
    const hits = [...site.hits.all].sort((a, b) => a.start - b.start);
    for (let i = 1; i < hits.length; i++) {
      const [a, b] = [hits[i - 1], hits[i]] as [Hit, Hit];
      // A node follows a redirect at once, as part of the same fetch; the delay is between fetches.
      if (a.status >= 300 && a.status < 400) continue;
      const gap = b.start - a.start;
      assert.ok(
        gap >= (site.expected.crawlDelay as number) * 1000 - 1,
        `${gap} ms from ${a.path} to ${b.path}: Crawl-delay not honoured`,
      );
    }
    assert.ok(
      site.hits.all.every((h) => h.userAgent.startsWith('SwardBot/')),
      'every request says who it is',
    );
    await Promise.all([...nodes, coord].map((p) => p.kill()));
  });
});
