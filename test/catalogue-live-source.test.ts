// A new catalogue version of a live source (issue #16 point 4): a dataset built from a collection, published,
// the served news site changed (one article edited, one added), the collection refreshed, built and published
// again; the second version records the edited page as changed and the new one as added, the rest unchanged.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import type { RunningNode } from '@sward/node';
import { type SwardApiError, SwardClient } from '@sward/sdk';
import { type NewsSite, startNewsSite } from '@sward/testsites';
import { pino } from 'pino';
import { refreshAfter } from './support/live.js';
import { loopbackNode } from './support/nodes.js';

const tmp = mkdtempSync(join(tmpdir(), 'sward-catalogue-live-'));
let site: NewsSite | undefined;
let co: RunningCoordinator | undefined;
let node: RunningNode | undefined;
after(async () => {
  await node?.stop();
  await co?.close();
  await site?.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('a dataset version built from a collection after the site changed records what changed', async () => {
  site = await startNewsSite({ articles: 2 });
  co = await startCoordinator({
    db: join(tmp, 'sward.db'),
    dataDir: tmp,
    log: pino({ level: 'silent' }),
    scheduler: { hostDelayMs: 20, leaseMs: 10_000 },
    // refreshed when asked only (every hour): the test decides when the site has changed
    collections: { minIntervalMs: 1000, tickMs: 100 },
  });
  node = await loopbackNode(co.url, tmp);
  const c = co;
  const client = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
  const [kept, edited] = site.articles();
  assert.ok(kept && edited);

  const { id } = await client.createCollection({
    name: 'daily',
    sources: [`${site.url}/feed.xml`],
    every: '1h',
  });
  await refreshAfter(c, id, 0);
  const version = async (v: string) => {
    const b = await client.createDatasetBuild({ from: { collection: id }, dedup: 1 });
    const done = await client.waitForDatasetBuild(b.id, undefined, 100);
    assert.equal(done.state, 'done', JSON.stringify(done));
    return client.publishDataset({ build: b.id, name: 'daily', version: v });
  };
  const v1 = await version('1');
  assert.equal(v1.changes, null);

  site.editArticle(edited.id, {
    text: 'A correction was published.\n\nThe figures in the first report were wrong.',
  });
  const added = site.addArticle({ title: 'Late news', text: 'Something else happened later that day.' });
  const t = Date.now();
  await client.refreshCollection(id);
  await refreshAfter(c, id, t);
  const v2 = await version('2');

  const ch = v2.changes;
  assert.ok(ch, 'the second version records what changed');
  assert.equal(ch.previous, '1');
  const of = (url: string) => ch.rows.find((r) => r.url === url)?.change ?? 'unchanged';
  assert.deepEqual(
    [of(kept.url), of(edited.url), of(added.url)],
    ['unchanged', 'changed', 'added'],
    JSON.stringify(ch.rows),
  );
  // the edited page keeps its first body beside the new one: both versions' rows are the collection's
  const editedRow = ch.rows.find((r) => r.url === edited.url);
  assert.equal(editedRow?.before.length, 1);
  assert.equal(editedRow?.after.length, 2);
  assert.equal(ch.removed, 0);

  // a name holds one kind: a labelling project's export is not a new version of a crawl dataset
  const r = await fetch(`${c.url}/v1/labelling/projects`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.firstApiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'p',
      type: 'pairwise',
      items: JSON.stringify({ id: 'i0', prompt: 'q', responses: ['a', 'b'] }),
      payPerTask: 1,
      goldShare: 0,
    }),
  });
  const text = await r.text();
  assert.equal(r.status, 201, text);
  await assert.rejects(
    client.publishDataset({ project: JSON.parse(text).id, name: 'daily', version: '3' }),
    (e: SwardApiError) => e.code === 'CONFLICT' && /another name/.test(e.message),
  );
});
