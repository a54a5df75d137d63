import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { CoordinatorError, type Store, schedulerFor } from '@sward/coordinator';
import { generateIdentity, sha256Hex } from '@sward/core';
import type { Ingest } from '../packages/coordinator/src/ingest/ingest.js';
import { jobCompliance } from '../packages/coordinator/src/policy/compliance.js';
import { defaultSpotCheckConfig, SpotChecks } from '../packages/coordinator/src/spot-check/index.js';
import { backends } from './support/backends.js';
import { captureUpload } from './support/capture-maker.js';
import { ingestStack } from './support/ingest-stack.js';

/** One contract, every backend: the same assertions run on SQLite and PostgreSQL. */
for (const backend of backends()) {
  describe(`storage contract: ${backend.name}`, () => {
    after(() => backend.cleanup());

    const setup = async (cfg = {}) => {
      const { store, blobs, ingest } = await ingestStack(backend, cfg);
      const node = generateIdentity();
      await store.auth.upsertNode({ id: node.id });
      return { store, ingest, node, blobs };
    };
    const robotsAndTdm = async (
      store: Store,
      ingest: Ingest,
      node: ReturnType<typeof generateIdentity>,
      robots = '',
    ) => {
      const [r] = await schedulerFor(store).claim(node.id, 1);
      assert.equal(r?.kind, 'robots');
      await ingest.acceptCapture(
        node.id,
        captureUpload(node, r as never, { body: robots, headers: { 'content-type': 'text/plain' } }),
      );
      const [t] = await schedulerFor(store).claim(node.id, 1);
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
      const [p] = await schedulerFor(store).claim(node.id, 4);
      assert.equal(p?.url, 'http://site.test/');
      assert.deepEqual(
        await schedulerFor(store).claim(node.id, 4),
        [],
        'origin is busy while a lease is out',
      );
      const html =
        '<a href="/a">a</a><a href="/a#x">a again</a><a href="/private/p">p</a><a href="http://other.test/">o</a>';
      const res = await ingest.acceptCapture(node.id, captureUpload(node, p as never, { body: html }));
      assert.equal(res.outcome, 'stored');
      const next = await schedulerFor(store).claim(node.id, 4);
      assert.deepEqual(
        next.map((l) => l.url),
        ['http://site.test/a'],
      );
      await ingest.acceptCapture(node.id, captureUpload(node, next[0] as never, { body: 'a' }));
      assert.deepEqual(await schedulerFor(store).claim(node.id, 4), [], '/private/p is never leased');
      const prog = await store.frontier.progress(job.id);
      assert.equal(prog.skippedByReason.robots, 1, 'disallowed folder is skipped with its reason');
      assert.equal(
        prog.stored + prog.leased + prog.skipped + prog.queued,
        3,
        'a and a#x are one URL; other.test is out of scope',
      );
      await store.close();
    });

    test("a job's pages are listed in log order, not in the order they were accepted", async () => {
      const { store, ingest, node } = await setup();
      const job = await store.frontier.createJob(
        { tenant: 'default' },
        {
          seed: 'http://order.test/',
          maxPages: 10,
          maxDepth: 1,
          include: [],
          exclude: [],
        },
      );
      await robotsAndTdm(store, ingest, node);
      const accepted: string[] = [];
      for (let i = 0; i < 4; i++) {
        const [l] = await schedulerFor(store).claim(node.id, 1);
        const body = i === 0 ? '<a href="/a">a</a><a href="/b">b</a><a href="/c">c</a>' : `page ${i}`;
        const r = await ingest.acceptCapture(node.id, captureUpload(node, l as never, { body }));
        assert.equal(r.outcome, 'stored');
        accepted.push(r.captureId);
      }
      // On PostgreSQL seq is taken at INSERT and leaves in commit order, so a transaction that commits late
      // gets a later leaf than captures accepted after it: give the leaves against acceptance order.
      const [seed, a, b, c] = accepted as [string, string, string, string];
      for (const [id, leaf] of [
        [c, 10],
        [b, 11],
        [seed, 12],
      ] as const)
        await store.db.run('UPDATE captures SET leaf_index = ? WHERE id = ?', [leaf, id]);
      const list = async (limit: number, between?: () => Promise<void>) => {
        const ids: string[] = [];
        let cursor: Parameters<typeof store.captures.pages>[1] = null;
        for (;;) {
          const page = await store.captures.pages(job.id, cursor, limit);
          ids.push(...page.rows.map((r) => r.id));
          if (page.next === null) return ids;
          cursor = page.next;
          await between?.();
        }
      };
      // `a` has no leaf yet: it comes after the logged pages, in acceptance order.
      assert.deepEqual(await list(1000), [c, b, seed, a], 'leaf order, then pages awaiting a leaf');
      // `a` gets its leaf while a listing one row at a time is under way: still listed exactly once.
      let calls = 0;
      const once = await list(1, async () => {
        if (++calls === 4) await store.db.run('UPDATE captures SET leaf_index = 13 WHERE id = ?', [a]);
      });
      assert.deepEqual(once, [c, b, seed, a]);
      assert.deepEqual(await list(2), [c, b, seed, a], 'and in leaf order once it has one');
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
      const [a] = await schedulerFor(store).claim(node.id, 1);
      assert.equal(
        (await ingest.acceptCapture(node.id, captureUpload(node, a as never, { status: 503 }))).outcome,
        'retry',
      );
      await new Promise((r) => setTimeout(r, 20));
      const [b] = await schedulerFor(store).claim(node.id, 1);
      assert.equal(b?.url, 'http://r.test/', 'retried');
      // node never answers: after the deadline the URL goes to the other node
      await new Promise((r) => setTimeout(r, 1600));
      const [c] = await schedulerFor(store).claim(other.id, 1);
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
      const [l] = await schedulerFor(store).claim(node.id, 1);
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
      // a verdict that closes an origin needs a node of a second operator (capture-claims-contract.test.ts)
      const second = generateIdentity();
      await store.auth.upsertNode({ id: second.id, operator: 'second' });
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
      const [r] = await schedulerFor(store).claim(node.id, 1);
      assert.equal(r?.kind, 'robots');
      await ingest.acceptCapture(node.id, captureUpload(node, r as never, { status: 503, body: 'busy' }));
      const [r1] = await schedulerFor(store).claim(second.id, 1);
      await ingest.acceptCapture(
        second.id,
        captureUpload(second, r1 as never, { status: 503, body: 'busy' }),
      );
      const [t] = await schedulerFor(store).claim(node.id, 1);
      await ingest.acceptCapture(node.id, captureUpload(node, t as never, { status: 404, body: '' }));
      assert.deepEqual(await schedulerFor(store).claim(node.id, 1), []);
      assert.equal((await store.frontier.progress(job.id)).skippedByReason.robots_unavailable, 1);
      assert.equal((await store.frontier.getJob(job.id))?.state, 'done');
      const down = await jobCompliance(store, job.id);
      assert.deepEqual(
        down.documents.map((d) => [d.kind, d.status, d.decision]),
        [
          [
            'robots',
            503,
            {
              rule: 'disallow-all',
              allowed: 0,
              disallowed: 1,
              crawlDelayTooLong: 0,
              crawlDelaySeconds: null,
            },
          ],
        ],
        'the 503 decided; tdmrep.json was not consulted',
      );
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
      const [r2] = await schedulerFor(store).claim(node.id, 1);
      await ingest.acceptCapture(
        node.id,
        captureUpload(node, r2 as never, { status: 404, body: 'no robots here' }),
      );
      const [t2] = await schedulerFor(store).claim(node.id, 1);
      await ingest.acceptCapture(node.id, captureUpload(node, t2 as never, { status: 404, body: '' }));
      const [p] = await schedulerFor(store).claim(node.id, 1);
      assert.equal(p?.url, 'http://gone.test/', 'a 4xx robots.txt allows everything');
      assert.equal(job2.state, 'running');
      // No HTTP answer at all: complete disallow, and compliance says why without a capture.
      const job3 = await store.frontier.createJob(
        { tenant: 'default' },
        {
          seed: 'http://unreachable.test/',
          maxPages: 10,
          maxDepth: 1,
          include: [],
          exclude: [],
        },
      );
      const [r3] = await schedulerFor(store).claim(node.id, 1);
      assert.equal(r3?.url, 'http://unreachable.test/robots.txt');
      const l3 = r3 as NonNullable<typeof r3>;
      await ingest.acceptFailure(node.id, {
        leaseId: l3.leaseId,
        jobId: l3.jobId,
        url: l3.url,
        code: 'TIMEOUT',
        message: 'no answer in 30 s',
      });
      const [r3b] = await schedulerFor(store).claim(second.id, 1);
      const l3b = r3b as NonNullable<typeof r3b>;
      await ingest.acceptFailure(second.id, {
        leaseId: l3b.leaseId,
        jobId: l3b.jobId,
        url: l3b.url,
        code: 'TIMEOUT',
        message: 'no answer in 30 s',
      });
      const [t3] = await schedulerFor(store).claim(node.id, 1);
      await ingest.acceptCapture(node.id, captureUpload(node, t3 as never, { status: 404, body: '' }));
      assert.deepEqual(await schedulerFor(store).claim(node.id, 1), []);
      const [unreachable] = (await jobCompliance(store, job3.id)).documents;
      assert.deepEqual(
        [unreachable?.captureId, unreachable?.status, unreachable?.detail, unreachable?.decision],
        [
          null,
          null,
          'TIMEOUT: no answer in 30 s',
          { rule: 'disallow-all', allowed: 0, disallowed: 1, crawlDelayTooLong: 0, crawlDelaySeconds: null },
        ],
      );
      await store.close();
    });

    test('noai and TDM reservations are skipped and their bodies never stored', async () => {
      const { store, ingest, node, blobs } = await setup();
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
      const [r0] = await schedulerFor(store).claim(node.id, 1);
      await ingest.acceptCapture(node.id, captureUpload(node, r0 as never, { body: '' }));
      const [t0] = await schedulerFor(store).claim(node.id, 1);
      const tdmrep = JSON.stringify([{ location: '/reserved/*', 'tdm-reservation': 1 }]);
      await ingest.acceptCapture(node.id, captureUpload(node, t0 as never, { body: tdmrep }));
      const [seed] = await schedulerFor(store).claim(node.id, 1);
      const links = ['/meta', '/header', '/tdm-header', '/reserved/report'].map(
        (h) => `<a href="${h}">x</a>`,
      );
      await ingest.acceptCapture(node.id, captureUpload(node, seed as never, { body: links.join('') }));
      const optedOut: Record<string, Parameters<typeof captureUpload>[2]> = {
        'http://n.test/meta': { body: '<meta name="robots" content="noindex, noai"><a href="/x">x</a>' },
        'http://n.test/header': { body: '<p>header noai</p>', headers: { 'x-robots-tag': 'noai' } },
        'http://n.test/tdm-header': {
          body: '<p>reserved by header</p>',
          headers: { 'tdm-reservation': '1' },
        },
      };
      const bodies: Buffer[] = [];
      for (;;) {
        const [l] = await schedulerFor(store).claim(node.id, 1);
        if (!l) break;
        const res = optedOut[l.url];
        assert.ok(res, `only the opted-out pages are leased, not ${l.url}`);
        bodies.push(Buffer.from(res.body as string));
        const r = await ingest.acceptCapture(node.id, captureUpload(node, l as never, res));
        assert.equal(r.outcome, 'skipped', l.url);
      }
      assert.equal(bodies.length, 3);
      const skipped = await store.captures.skipped(job.id, 0, 100);
      const reason = Object.fromEntries(skipped.map((x) => [new URL(x.url).pathname, x.reason]));
      assert.deepEqual(reason, {
        '/meta': 'noai',
        '/header': 'noai',
        '/tdm-header': 'tdmrep',
        '/reserved/report': 'tdmrep',
      });
      for (const b of bodies)
        assert.equal(await blobs.get(sha256Hex(b)), null, 'an opted-out body is not in the blob store');
      assert.ok(await blobs.get(sha256Hex(Buffer.from(links.join('')))), 'the stored page is');
      assert.equal(
        (await store.frontier.progress(job.id)).queued,
        0,
        'links of an opted-out page are not followed',
      );
      await store.close();
    });

    test('robots.txt and tdmrep.json are fetched again when their time-to-live runs out', async () => {
      let now = Date.now();
      const ttl = 3600_000;
      const { store, ingest, node } = await setup({ policyTtlMs: ttl, clock: () => now });
      const job = await store.frontier.createJob(
        { tenant: 'default' },
        {
          seed: 'http://ttl.test/',
          maxPages: 10,
          maxDepth: 1,
          include: [],
          exclude: [],
        },
      );
      await robotsAndTdm(store, ingest, node);
      const [seed] = await schedulerFor(store).claim(node.id, 1);
      assert.equal(seed?.url, 'http://ttl.test/');
      const html = '<a href="/secret/a">a</a><a href="/open">o</a>';
      await ingest.acceptCapture(node.id, captureUpload(node, seed as never, { body: html }));
      now += ttl + 1;
      const [r] = await schedulerFor(store).claim(node.id, 1);
      assert.equal(r?.kind, 'robots', 'a stale robots.txt is fetched again before any page');
      await ingest.acceptCapture(
        node.id,
        captureUpload(node, r as never, { body: 'User-agent: *\nAllow: /\n' }),
      );
      const [t] = await schedulerFor(store).claim(node.id, 1);
      assert.equal(t?.kind, 'tdmrep', 'and so is a stale tdmrep.json, which now reserves /secret/');
      const rules = JSON.stringify([{ location: '/secret/*', 'tdm-reservation': 1 }]);
      const tdm = await ingest.acceptCapture(node.id, captureUpload(node, t as never, { body: rules }));
      const [p] = await schedulerFor(store).claim(node.id, 1);
      assert.equal(p?.url, 'http://ttl.test/open');
      const skipped = await store.captures.skipped(job.id, 0, 10);
      assert.deepEqual(
        skipped.map((x) => [x.url, x.reason]),
        [['http://ttl.test/secret/a', 'tdmrep']],
        'the new tdmrep.json decides',
      );
      // compliance: both tdmrep.json answers, each with what it decided for this job
      const c = await jobCompliance(store, job.id);
      const tdms = c.documents.filter((d) => d.kind === 'tdmrep');
      assert.deepEqual(
        tdms.map((d) => [d.status, d.decision]),
        [
          [404, { reservations: [], reserved: 0, notReserved: 1 }],
          [
            200,
            { reservations: [{ location: '/secret/*', 'tdm-reservation': 1 }], reserved: 1, notReserved: 1 },
          ],
        ],
      );
      assert.equal(tdms[1]?.captureId, tdm.captureId);
      assert.equal(c.documents.filter((d) => d.kind === 'robots').length, 2);
      await store.close();
    });

    test('a Crawl-delay is honoured as written; one longer than the coordinator waits skips the origin', async () => {
      let now = Date.now();
      const { store, ingest, node, blobs } = await setup({ maxCrawlDelayMs: 100_000, clock: () => now });
      const slow = await store.frontier.createJob(
        { tenant: 'default' },
        {
          seed: 'http://slow.test/',
          maxPages: 10,
          maxDepth: 1,
          include: [],
          exclude: [],
        },
      );
      // A delay past the limit closes the origin, so it takes a node of a second operator to confirm it.
      const other = generateIdentity();
      await store.auth.upsertNode({ id: other.id, operator: 'another' });
      for (const n of [node, other]) {
        const [r] = await schedulerFor(store).claim(n.id, 1);
        assert.equal(r?.kind, 'robots');
        await ingest.acceptCapture(
          n.id,
          captureUpload(n, r as never, { body: 'User-agent: *\nCrawl-delay: 120\n' }),
        );
      }
      assert.deepEqual(await schedulerFor(store).claim(node.id, 1), [], 'no tdmrep.json, no page');
      const skipped = await store.captures.skipped(slow.id, 0, 10);
      assert.deepEqual(
        skipped.map((x) => [x.url, x.reason]),
        [['http://slow.test/', 'crawl_delay_too_long']],
      );
      assert.match(skipped[0]?.detail ?? '', /Crawl-delay: 120 s.*at most 100 s/);
      assert.equal((await store.frontier.getJob(slow.id))?.state, 'done');
      // A spot check of an earlier capture there is no excuse to ask faster either.
      const checks = new SpotChecks(blobs, store.captures, { ...defaultSpotCheckConfig, rate: 1 });
      await store.db.transaction((tx) =>
        checks.maybeSchedule(tx, { id: 'c_earlier', nodeId: 'n_other', url: 'http://slow.test/kept' }),
      );
      assert.deepEqual(await schedulerFor(store).claim(node.id, 1), []);
      const check = await store.db.get<{ state: string; reason: string }>(
        "SELECT state, reason FROM urls WHERE kind = 'spotcheck'",
      );
      // failed, so the not-run sweep records it as not run (spot-check-not-run-contract.test.ts)
      assert.deepEqual([check?.state, check?.reason], ['failed', 'crawl_delay_too_long']);
      const c = await jobCompliance(store, slow.id);
      assert.deepEqual(
        c.documents.map((d) => [d.kind, d.decision]),
        [
          [
            'robots',
            { rule: 'fetched', allowed: 0, disallowed: 0, crawlDelayTooLong: 1, crawlDelaySeconds: 120 },
          ],
        ],
      );
      // 90 s is within the limit and is waited in full (it used to be cut to 60 s).
      const job = await store.frontier.createJob(
        { tenant: 'default' },
        {
          seed: 'http://patient.test/',
          maxPages: 10,
          maxDepth: 1,
          include: [],
          exclude: [],
        },
      );
      // Policy files are requests too: 90 s between robots.txt, tdmrep.json and the first page.
      const [r2] = await schedulerFor(store).claim(node.id, 1);
      await ingest.acceptCapture(
        node.id,
        captureUpload(node, r2 as never, { body: 'User-agent: *\nCrawl-delay: 90\n' }),
      );
      assert.deepEqual(await schedulerFor(store).claim(node.id, 1), []);
      now += 90_000;
      const [t2] = await schedulerFor(store).claim(node.id, 1);
      assert.equal(t2?.kind, 'tdmrep');
      await ingest.acceptCapture(node.id, captureUpload(node, t2 as never, { status: 404, body: '' }));
      now += 90_000;
      const [seed] = await schedulerFor(store).claim(node.id, 1);
      assert.equal(seed?.url, 'http://patient.test/');
      await ingest.acceptCapture(node.id, captureUpload(node, seed as never, { body: '<a href="/b">b</a>' }));
      now += 89_000;
      assert.deepEqual(await schedulerFor(store).claim(node.id, 1), [], 'not before 90 s');
      now += 1_001;
      const [b] = await schedulerFor(store).claim(node.id, 1);
      assert.equal(b?.url, 'http://patient.test/b');
      assert.equal((await store.frontier.progress(job.id)).skipped, 0);
      await store.close();
    });
  });
}
