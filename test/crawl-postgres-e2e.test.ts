import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openStore } from '@sward/coordinator';
import { startSampleSite } from '@sward/testsites';
import { backends } from './support/backends.js';
import { checkOutput } from './support/crawl-checks.js';
import { freePort, type Proc, sward, swardNode } from './support/processes.js';

describe('PostgreSQL scale-out', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-e2e-'));
  const procs: Proc[] = [];
  after(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    rmSync(tmp, { recursive: true, force: true });
  });

  const pg = backends().find((b) => b.name === 'postgres');
  test('PostgreSQL: two coordinators serve one crawl from one database and no URL is fetched twice', {
    skip: !pg,
  }, async () => {
    const b = pg as NonNullable<typeof pg>;
    after(() => b.cleanup());
    const dbUrl = await b.create();
    const site = await startSampleSite({ pages: 20 });
    after(() => site.close());
    const ports = [await freePort(), await freePort()];
    const dataDir = join(tmp, 'pg-data');
    const coords = ports.map((port, i) => {
      const p = sward([
        'coordinator',
        '--db',
        dbUrl,
        '--port',
        String(port),
        '--data-dir',
        dataDir,
        '--anchor-file',
        join(tmp, `anchors-${i}.jsonl`),
      ]);
      procs.push(p);
      return p;
    });
    for (const c of coords) await c.waitFor(/listening on/);
    const key = (
      await Promise.race(
        coords.map((c) =>
          c
            .waitFor(/first API key \(shown once, stored hashed\): (sk_\S+)/, 10_000)
            .catch(() => new Promise<never>(() => {})),
        ),
      )
    )[1] as string;
    const nodes = ports.map((port, i) => {
      const p = swardNode(`http://127.0.0.1:${port}`, join(tmp, 'pg', `node${i}`));
      procs.push(p);
      return p;
    });
    const crawl = sward([
      'crawl',
      `${site.url}/`,
      '--out',
      join(tmp, 'pg', 'out'),
      '--api-key',
      key,
      '--coordinator',
      `http://127.0.0.1:${ports[0]}`,
    ]);
    procs.push(crawl);
    assert.equal(await crawl.exited, 0, crawl.output());
    checkOutput(join(tmp, 'pg', 'out'), site.expected);
    const store = await openStore(dbUrl);
    // A policy file's first answer waits for a node of another operator to confirm it (each node here is its
    // own operator): that fetch is the protocol's, not a URL handed out twice.
    const twice = await store.db.all(
      `SELECT url_id, count(*) AS n FROM captures
       WHERE outcome <> 'retry' AND COALESCE(reason, '') <> 'awaiting_confirmation'
       GROUP BY url_id HAVING count(*) > 1`,
    );
    assert.deepEqual(twice, [], 'each URL was answered once');
    const byNode = await store.db.all<{ node_id: string }>(
      "SELECT DISTINCT node_id FROM captures WHERE outcome = 'stored'",
    );
    assert.equal(byNode.length, 2, 'both coordinators handed out work');
    await store.close();
    assert.equal(site.hits.maxConcurrent(), 1, 'one request at a time per host, across both coordinators');
    // Two coordinators commit captures in another order than they took their seqs: the rows must still be
    // in log order, and the real verify must pass.
    const verify = sward(['verify', join(tmp, 'pg', 'out')]);
    assert.equal(await verify.exited, 0, verify.output());
    for (const re of [
      /^signatures: checked \(\d+ rows/m,
      /^log order: checked \(/m,
      /^inclusion proofs: checked \(/m,
      /^checkpoints: checked \(/m,
      /^anchors: checked \(\d+ file: /m,
      // The manifest one coordinator signed covers what the CLI fetched through the other's store.
      /^manifest: checked \(/m,
      /^files: checked \(/m,
      /^skip evidence: checked \(/m,
      /^OK: \d+ checks passed; not checked: /m,
    ])
      assert.match(verify.output(), re);
    await Promise.all([...nodes, ...coords].map((p) => p.kill()));
  });
});
