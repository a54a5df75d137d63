import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  BlobStore,
  ChunkIndex,
  CollectionIngest,
  CoordinatorError,
  openStore,
  RewardsService,
  type Store,
} from '@sward/coordinator';
import { generateIdentity } from '@sward/core';
import { Ingest } from '../packages/coordinator/src/ingest/ingest.js';
import { defaultSpotCheckConfig, SpotChecks } from '../packages/coordinator/src/spot-check/index.js';
import { backends } from './support/backends.js';
import { captureUpload } from './support/capture-maker.js';

/** One contract, every backend: the same assertions run on SQLite and PostgreSQL. */
for (const backend of backends()) {
  describe(`storage contract: ${backend.name}`, () => {
    after(() => backend.cleanup());

    const setup = async (cfg = {}) => {
      const store = await openStore(await backend.create(), { hostDelayMs: 0, backoffMs: 1, ...cfg });
      const blobs = new BlobStore(mkdtempSync(join(tmpdir(), 'sward-blobs-')));
      const ingest = new Ingest(
        store,
        blobs,
        new SpotChecks(blobs, store.captures, { ...defaultSpotCheckConfig, rate: 0 }),
        new RewardsService(store.db),
        new CollectionIngest(store.frontier, new ChunkIndex(store.db)),
      );
      const node = generateIdentity();
      await store.auth.upsertNode({ id: node.id });
      return { store, ingest, node };
    };
    const robotsAndTdm = async (
      store: Store,
      ingest: Ingest,
      node: ReturnType<typeof generateIdentity>,
      robots = '',
    ) => {
      const [r] = await store.frontier.claim(node.id, 1);
      assert.equal(r?.kind, 'robots');
      await ingest.acceptCapture(
        node.id,
        captureUpload(node, r as never, { body: robots, headers: { 'content-type': 'text/plain' } }),
      );
      const [t] = await store.frontier.claim(node.id, 1);
      assert.equal(t?.kind, 'tdmrep');
      await ingest.acceptCapture(node.id, captureUpload(node, t as never, { status: 404, body: 'nope' }));
    };

    test('API keys are stored hashed and checked', async () => {
      const { store } = await setup();
      const { key } = await store.auth.createApiKey({
        name: 'test',
        tenant: 'default',
        role: 'customer',
        scopes: ['crawl'],
      });
      assert.ok(await store.auth.checkApiKey(key));
      assert.equal(await store.auth.checkApiKey(`${key}x`), null);
      const raw = await store.db.all<{ key_hash: string }>('SELECT key_hash FROM api_keys');
      assert.ok(raw.every((r) => r.key_hash !== key && /^[0-9a-f]{64}$/.test(r.key_hash)));
      await store.close();
    });

    test('a challenge answers one session only', async () => {
      const { store, node } = await setup();
      const { nonce } = await store.auth.createChallenge(node.id);
      assert.equal(await store.auth.consumeChallenge(node.id, nonce), true);
      assert.equal(await store.auth.consumeChallenge(node.id, nonce), false);
      await store.close();
    });

    test('policy first, then one page at a time per origin; duplicates enqueued once', async () => {
      const { store, ingest, node } = await setup();
      const job = await store.frontier.createJob(
        { tenant: 'default' },
        {
          seed: 'http://site.test/',
          maxPages: 10,
          maxDepth: 3,
          include: [],
          exclude: [],
        },
      );
      await robotsAndTdm(store, ingest, node, 'User-agent: *\nDisallow: /private/\n');
      const [p] = await store.frontier.claim(node.id, 4);
      assert.equal(p?.url, 'http://site.test/');
      assert.deepEqual(await store.frontier.claim(node.id, 4), [], 'origin is busy while a lease is out');
      const html =
        '<a href="/a">a</a><a href="/a#x">a again</a><a href="/private/p">p</a><a href="http://other.test/">o</a>';
      const res = await ingest.acceptCapture(node.id, captureUpload(node, p as never, { body: html }));
      assert.equal(res.outcome, 'stored');
      const next = await store.frontier.claim(node.id, 4);
      assert.deepEqual(
        next.map((l) => l.url),
        ['http://site.test/a'],
      );
      await ingest.acceptCapture(node.id, captureUpload(node, next[0] as never, { body: 'a' }));
      assert.deepEqual(await store.frontier.claim(node.id, 4), [], '/private/p is never leased');
      const prog = await store.frontier.progress(job.id);
      assert.equal(prog.skippedByReason.robots, 1, 'disallowed folder is skipped with its reason');
      assert.equal(
        prog.stored + prog.leased + prog.skipped + prog.queued,
        3,
        'a and a#x are one URL; other.test is out of scope',
      );
      await store.close();
    });

    test('5xx is retried with backoff, 4xx is not, an expired lease goes to another node', async () => {
      const { store, ingest, node } = await setup({ leaseMs: 1500 });
      const other = generateIdentity();
      await store.auth.upsertNode({ id: other.id });
      const job = await store.frontier.createJob(
        { tenant: 'default' },
        {
          seed: 'http://r.test/',
          maxPages: 10,
          maxDepth: 1,
          include: [],
          exclude: [],
        },
      );
      await robotsAndTdm(store, ingest, node);
      const [a] = await store.frontier.claim(node.id, 1);
      assert.equal(
        (await ingest.acceptCapture(node.id, captureUpload(node, a as never, { status: 503 }))).outcome,
        'retry',
      );
      await new Promise((r) => setTimeout(r, 20));
      const [b] = await store.frontier.claim(node.id, 1);
      assert.equal(b?.url, 'http://r.test/', 'retried');
      // node never answers: after the deadline the URL goes to the other node
      await new Promise((r) => setTimeout(r, 1600));
      const [c] = await store.frontier.claim(other.id, 1);
      assert.equal(c?.url, 'http://r.test/');
      await assert.rejects(
        ingest.acceptCapture(node.id, captureUpload(node, b as never, {})),
        (e: unknown) => e instanceof CoordinatorError && e.code === 'LEASE_NOT_HELD',
      );
      assert.equal(
        (await ingest.acceptCapture(other.id, captureUpload(other, c as never, { status: 404 }))).outcome,
        'failed',
      );
      const prog = await store.frontier.progress(job.id);
      assert.equal(prog.failedByReason.http_404, 1);
      assert.equal((await store.frontier.getJob(job.id))?.state, 'done');
      await store.close();
    });

    test('bad captures are rejected and nothing is stored', async () => {
      const { store, ingest, node } = await setup();
      await store.frontier.createJob(
        { tenant: 'default' },
        {
          seed: 'http://b.test/',
          maxPages: 10,
          maxDepth: 1,
          include: [],
          exclude: [],
        },
      );
      await robotsAndTdm(store, ingest, node);
      const [l] = await store.frontier.claim(node.id, 1);
      const good = captureUpload(node, l as never, {});
      const stranger = generateIdentity();
      const cases: [string, unknown, string][] = [
        ['bad signature', { ...good, capture: { ...good.capture, status: 201 } }, 'BAD_SIGNATURE'],
        ['body mismatch', { ...good, body: Buffer.from('other').toString('base64') }, 'HASH_MISMATCH'],
        [
          'wrong job',
          captureUpload(node, { ...(l as never as object), jobId: 'j_other' } as never, {}),
          'LEASE_NOT_HELD',
        ],
      ];
      for (const [name, input, code] of cases) {
        await assert.rejects(
          ingest.acceptCapture(node.id, input),
          (e: unknown) => e instanceof CoordinatorError && e.code === code,
          name,
        );
      }
      await assert.rejects(
        ingest.acceptCapture(stranger.id, captureUpload(stranger, l as never, {})),
        (e: unknown) => e instanceof CoordinatorError && e.code === 'NODE_UNKNOWN',
      );
      await store.auth.revokeNode(node.id);
      await assert.rejects(
        ingest.acceptCapture(node.id, good),
        (e: unknown) => e instanceof CoordinatorError && e.code === 'NODE_REVOKED',
      );
      const n = await store.db.get<{ n: number }>(
        "SELECT count(*) AS n FROM captures WHERE outcome <> 'policy'",
      );
      assert.equal(Number(n?.n), 0);
      await store.close();
    });

    test('robots.txt answering 5xx means disallow-all; 4xx means allow-all (RFC 9309)', async () => {
      const { store, ingest, node } = await setup();
      const job = await store.frontier.createJob(
        { tenant: 'default' },
        {
          seed: 'http://down.test/',
          maxPages: 10,
          maxDepth: 1,
          include: [],
          exclude: [],
        },
      );
      const [r] = await store.frontier.claim(node.id, 1);
      assert.equal(r?.kind, 'robots');
      await ingest.acceptCapture(node.id, captureUpload(node, r as never, { status: 503, body: 'busy' }));
      const [t] = await store.frontier.claim(node.id, 1);
      await ingest.acceptCapture(node.id, captureUpload(node, t as never, { status: 404, body: '' }));
      assert.deepEqual(await store.frontier.claim(node.id, 1), []);
      assert.equal((await store.frontier.progress(job.id)).skippedByReason.robots_unavailable, 1);
      assert.equal((await store.frontier.getJob(job.id))?.state, 'done');
      const job2 = await store.frontier.createJob(
        { tenant: 'default' },
        {
          seed: 'http://gone.test/',
          maxPages: 10,
          maxDepth: 1,
          include: [],
          exclude: [],
        },
      );
      const [r2] = await store.frontier.claim(node.id, 1);
      await ingest.acceptCapture(
        node.id,
        captureUpload(node, r2 as never, { status: 404, body: 'no robots here' }),
      );
      const [t2] = await store.frontier.claim(node.id, 1);
      await ingest.acceptCapture(node.id, captureUpload(node, t2 as never, { status: 404, body: '' }));
      const [p] = await store.frontier.claim(node.id, 1);
      assert.equal(p?.url, 'http://gone.test/', 'a 4xx robots.txt allows everything');
      assert.equal(job2.state, 'running');
      await store.close();
    });

    test('noai and TDM reservations are skipped and their bodies never stored', async () => {
      const { store, ingest, node } = await setup();
      const job = await store.frontier.createJob(
        { tenant: 'default' },
        {
          seed: 'http://n.test/',
          maxPages: 10,
          maxDepth: 1,
          include: [],
          exclude: [],
        },
      );
      await robotsAndTdm(store, ingest, node);
      const [l] = await store.frontier.claim(node.id, 1);
      const r = await ingest.acceptCapture(
        node.id,
        captureUpload(node, l as never, {
          body: '<meta name="robots" content="noindex, noai"><a href="/x">x</a>',
        }),
      );
      assert.equal(r.outcome, 'skipped');
      assert.equal(r.reason, 'noai');
      assert.equal(
        (await store.frontier.progress(job.id)).queued,
        0,
        'links of an opted-out page are not followed',
      );
      await store.close();
    });
  });
}
