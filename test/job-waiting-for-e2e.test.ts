import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startCoordinator } from '@sward/coordinator';
import { type JobInfo, SwardClient } from '@sward/sdk';
import { startSampleSite } from '@sward/testsites';
import { pino } from 'pino';
import { backends } from './support/backends.js';
import { run } from './support/cli-run.js';
import { jobDone } from './support/job-wait.js';
import { loopbackNode } from './support/nodes.js';
import { type Proc, sward } from './support/processes.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the job until `ok` holds for it; the test runner's timeout bounds it. */
async function until(client: SwardClient, id: string, ok: (j: JobInfo) => boolean): Promise<JobInfo> {
  for (;;) {
    const j = await client.job(id);
    if (ok(j)) return j;
    await sleep(100);
  }
}

for (const backend of backends())
  describe(`a job says what it waits for: ${backend.name}`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'sward-waiting-'));
    const procs: Proc[] = [];
    after(async () => {
      await Promise.all(procs.map((p) => p.kill('SIGKILL')));
      await backend.cleanup();
      rmSync(tmp, { recursive: true, force: true });
    });

    test('robots.txt no node fetched, then one a node kept from private addresses refused (no verdict): API, `sward job show`, `sward crawl`', async () => {
      const site = await startSampleSite({ pages: 3, crawlDelay: 0 });
      after(() => site.close());
      const co = await startCoordinator({
        db: await backend.create(),
        dataDir: join(tmp, 'data'),
        collections: { refresh: false },
        scheduler: { hostDelayMs: 0 },
        log: pino({ level: 'silent' }),
      });
      after(() => co.close());
      const key = co.firstApiKey as string;
      const client = new SwardClient({ url: co.url, apiKey: key });
      const remote = ['--coordinator', co.url, '--api-key', key];

      // `sward crawl` with no node at all: it says so on stderr instead of a bare count.
      const crawl = sward(['crawl', `${site.url}/`, '--out', join(tmp, 'out'), ...remote]);
      procs.push(crawl);
      const id = (await crawl.waitFor(/job (j_\S+) submitted/))[1] as string;
      await crawl.waitFor(
        /waiting for robots\.txt of http:\/\/127\.0\.0\.1:\d+: no node has fetched it yet \(no node has been seen/,
      );
      const first = await client.job(id);
      assert.deepEqual(
        first.progress?.waitingFor?.map(({ origin, file, pages, reason }) => ({
          origin,
          file,
          pages,
          reason,
        })),
        [{ origin: site.url, file: 'robots.txt', pages: 1, reason: 'not_fetched' }],
      );

      // A node without --allow-private refuses the site's address (BLOCKED_ADDRESS): its own rule, no answer of
      // the site, so nothing would close it and nothing stands in 10 min. The job says whose node would fetch it.
      const kept = await loopbackNode(co.url, join(tmp, 'kept'), { allowPrivate: false });
      after(() => kept.stop());
      const waiting = await until(client, id, (j) => j.progress?.waitingFor?.[0]?.reason === 'refused');
      const wait = waiting.progress?.waitingFor?.[0];
      assert.equal(waiting.progress?.queued, 1);
      assert.equal(wait?.until, undefined, JSON.stringify(wait));
      assert.equal(
        wait?.message,
        `waiting for robots.txt of ${site.url}: node ${kept.id.slice(0, 12)}… refuses private addresses (BLOCKED_ADDRESS), which says nothing of the site; waiting for a node that may fetch it: a node started with --allow-private can`,
      );
      await crawl.waitFor(/refuses private addresses \(BLOCKED_ADDRESS\)/);
      const shown = await run(['job', 'show', id, ...remote]);
      assert.equal(shown.code, 0, shown.err);
      assert.match(shown.out, new RegExp(`^${id}  running  ${site.url}/  0 pages stored`));
      assert.match(shown.out, /\n {2}queued 1 {2}leased 0 {2}stored 0 /);
      assert.match(
        shown.out,
        /\n {2}waiting for robots\.txt of .*a node started with --allow-private can \(1 page\)\n$/,
      );

      // A node of another operator that may fetch it: the wait ends, the crawl runs to its end. (The first one
      // stops: it would fail the site's pages, refused as its robots.txt was.)
      await kept.stop();
      const helper = await loopbackNode(co.url, join(tmp, 'helper'));
      after(() => helper.stop());
      const done = await jobDone(client, id, Date.now() + 60_000);
      assert.equal(done.state, 'done');
      assert.equal(done.progress?.waitingFor, undefined);
      assert.ok((done.progress?.stored ?? 0) > 0, JSON.stringify(done.progress));
      assert.equal(await crawl.exited, 0, crawl.output());
    });
  });
