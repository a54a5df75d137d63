import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import { SwardClient } from '@sward/sdk';
import { startSampleSite } from '@sward/testsites';
import { pino } from 'pino';
import { jobDone } from './support/job-wait.js';
import { loopbackNode } from './support/nodes.js';

/** The longest a node waits between calls to a coordinator that does not answer (daemon.ts RETRY_MAX_MS). */
const CAP_MS = 5000;

describe('a node and a coordinator restarted on the same port', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-reconnect-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('the node retries at most every few seconds while the coordinator is down, and resumes after', async () => {
    const site = await startSampleSite({ pages: 3, crawlDelay: 0 });
    after(() => site.close());
    const db = join(tmp, 'sward.db');
    const quiet = pino({ level: 'silent' });
    const start = (port = 0): Promise<RunningCoordinator> =>
      startCoordinator({
        db,
        dataDir: join(tmp, 'data'),
        port,
        collections: { refresh: false },
        scheduler: { hostDelayMs: 0 },
        log: quiet,
      });
    let co = await start();
    const port = Number(new URL(co.url).port);
    const key = co.firstApiKey as string;
    // The node's warnings, as its operator reads them: each failed coordinator call says when it retries.
    const retries: number[] = [];
    // Other calls to the coordinator once the lease loop found it down (the heartbeat's, at debug level).
    const others: string[] = [];
    const logger = pino(
      { level: 'debug' },
      {
        write(line: string) {
          const entry = JSON.parse(line) as { msg?: string; retryInMs?: number };
          if (entry.msg === 'coordinator call failed') retries.push(entry.retryInMs as number);
          else if (retries.length > 0 && /heartbeat failed|spool upload postponed/.test(entry.msg ?? ''))
            others.push(entry.msg as string);
        },
      },
    );
    // A heartbeat every 200 ms: without the lease loop's say it would call a coordinator that is down 5 times a second.
    const node = await loopbackNode(co.url, join(tmp, 'node'), { heartbeatMs: 200 }, { logger });
    after(() => node.stop());
    const client = new SwardClient({ url: co.url, apiKey: key });
    const first = await client.createCrawl({ seed: `${site.url}/`, maxPages: 2 });
    await jobDone(client, first.id, Date.now() + 60_000);

    await co.close();
    // Down long enough for the old doubling to pass 8 s (0.5-1, 1-2, 2-4, 4-8, then 8-16 s: a restart of
    // ten seconds left the node idle for up to a minute more). Each retry is checked as it comes.
    while (retries.length < 6) {
      for (const ms of retries)
        assert.ok(ms <= CAP_MS, `a retry ${ms} ms away, over ${CAP_MS} ms: ${retries.join(', ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const ms of retries) assert.ok(ms <= CAP_MS, `retries: ${retries.join(', ')}`);
    // Jittered: a network of nodes does not come back at one instant.
    assert.ok(new Set(retries).size > 1, `retries: ${retries.join(', ')}`);
    // The lease loop's retries are the node's only calls while the coordinator is down (a heartbeat already
    // on its way when the first retry was logged may fail after it).
    assert.ok(others.length <= 1, `calls besides the lease loop's: ${others.join(', ')}`);

    co = await start(port);
    after(() => co.close());
    const second = await client.createCrawl({ seed: `${site.url}/`, maxPages: 3 });
    const done = await jobDone(client, second.id, Date.now() + 60_000);
    assert.equal(done.state, 'done');
    assert.ok((done.progress?.stored ?? 0) >= 1, JSON.stringify(done));
  });
});
