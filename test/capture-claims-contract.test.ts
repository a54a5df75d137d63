import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { CoordinatorError, type Store, schedulerFor } from '@sward/coordinator';
import { generateIdentity, type Identity } from '@sward/core';
import type { Ingest } from '../packages/coordinator/src/ingest/ingest.js';
import { defaultSpotCheckConfig } from '../packages/coordinator/src/spot-check/index.js';
import { jobWaits } from '../packages/coordinator/src/store/job-waits.js';
import { backends } from './support/backends.js';
import { captureUpload } from './support/capture-maker.js';
import { ingestStack } from './support/ingest-stack.js';

/** Real article text per page, long enough that a forged page shares no 5-word run with it. */
const article = (n: number) =>
  `<html><body><h1>Article ${n}</h1><p>${Array.from({ length: 80 }, (_, i) => `word${(n * 131 + i * 7) % 997}`).join(' ')}</p></body></html>`;
const FORGED = `<html><body><p>${'buy cheap pills now at our store '.repeat(20)}</p></body></html>`;

/** A node's lying and the checks that must catch it, the same on every backend. */
for (const backend of backends()) {
  describe(`capture claims: ${backend.name}`, () => {
    after(() => backend.cleanup());

    const setup = async (cfg = {}) => {
      const { store, spotChecks, ingest } = await ingestStack(backend, cfg);
      const node = async (operator: string, ip?: string) => {
        const n = generateIdentity();
        await store.auth.upsertNode({ id: n.id, operator, ...(ip ? { ip } : {}) });
        // logged in: a node of another operator that could confirm a policy answer
        await store.auth.createSession(n.id);
        return n;
      };
      return { store, ingest, spotChecks, node };
    };

    const policyLease = async (store: Store, n: Identity, kind: 'robots' | 'tdmrep' | 'rsl') => {
      const [l] = await schedulerFor(store).claim(n.id, 1);
      assert.equal(l?.kind, kind, `${kind} lease for ${n.id.slice(0, 6)}`);
      return l as NonNullable<typeof l>;
    };
    /** robots.txt for every agent with these rules, as a node uploads it. */
    const robotsFile = (rules: string) => ({
      body: `User-agent: *\n${rules}\n`,
      headers: { 'content-type': 'text/plain' },
    });
    const hostState = (store: Store) =>
      store.db.get<{ robots_state: string; tdmrep_state: string; tdmrep: string | null }>(
        "SELECT robots_state, tdmrep_state, tdmrep FROM hosts WHERE origin = 'http://a.test'",
      );

    /** Whether the origin's `kind` file has an answer that stands. */
    const answered = async (store: Store, kind: 'robots' | 'tdmrep' | 'rsl') => {
      if (kind === 'rsl') {
        const r = await store.db.get<{ n: number }>(
          "SELECT count(*) AS n FROM policy_docs WHERE kind = 'rsl'",
        );
        return Number(r?.n) > 0;
      }
      const h = await hostState(store);
      return (kind === 'robots' ? h?.robots_state : h?.tdmrep_state) !== 'unknown';
    };
    /** The nodes in turn fetch the origin's `kind` file and get the same answer, until it stands. */
    const agree = async (
      store: Store,
      ingest: Ingest,
      kind: 'robots' | 'tdmrep' | 'rsl',
      upload: Parameters<typeof captureUpload>[2],
      ...nodes: Identity[]
    ) => {
      for (const n of nodes) {
        if (await answered(store, kind)) break;
        const l = await policyLease(store, n, kind);
        await ingest.acceptCapture(n.id, captureUpload(n, l as never, upload));
      }
      assert.ok(await answered(store, kind), `${kind} stands`);
    };
    /**
     * The origin's robots.txt (allow all) and tdmrep.json (none), answered alike by `nodes` in turn (one operator's
     * word is confirmed by another's), then the seed with its links, fetched by the first.
     */
    const crawlTo = async (store: Store, ingest: Ingest, nodes: Identity[], seedBody: string) => {
      await openSite(store, ingest, ...nodes);
      const n = nodes[0] as Identity;
      const [s] = await schedulerFor(store).claim(n.id, 1);
      assert.equal(s?.url, 'http://a.test/');
      await ingest.acceptCapture(n.id, captureUpload(n, s as never, { body: seedBody }));
    };

    /** Node `n` leases the origin's `kind` file and says the site answered 404 (no policy): the capture's answer. */
    const says404 = async (store: Store, ingest: Ingest, n: Identity, kind: 'robots' | 'tdmrep' | 'rsl') =>
      ingest.acceptCapture(
        n.id,
        captureUpload(n, (await policyLease(store, n, kind)) as never, { status: 404, body: '' }),
      );

    /** No node of `kept` gets the page http://a.test/; `apart` does and stores it: the job stored 1, failed 0. */
    const onlyApartStores = async (
      store: Store,
      ingest: Ingest,
      jobId: string,
      kept: Identity[],
      apart: Identity,
    ) => {
      for (const n of kept)
        assert.deepEqual(await schedulerFor(store).claim(n.id, 1), [], `kept from ${n.id.slice(0, 6)}`);
      const [l] = await schedulerFor(store).claim(apart.id, 1);
      assert.equal(l?.url, 'http://a.test/');
      await ingest.acceptCapture(apart.id, captureUpload(apart, l as never, { body: article(1) }));
      const p = await store.frontier.progress(jobId);
      assert.deepEqual([p.stored, p.failed], [1, 0]);
    };

    /** The origin's robots.txt (allow all) and tdmrep.json (none), answered alike by `nodes` in turn. */
    const openSite = async (store: Store, ingest: Ingest, ...nodes: Identity[]) => {
      await agree(store, ingest, 'robots', robotsFile('Allow: /'), ...nodes);
      await agree(store, ingest, 'tdmrep', { status: 404, body: '' }, ...nodes);
    };

    const claimOne = async (store: Store, n: Identity) => {
      const [l] = await schedulerFor(store).claim(n.id, 1);
      assert.ok(l, 'a lease');
      return l;
    };

    const newJob = (store: Store) =>
      store.frontier.createJob(
        { tenant: 'default' },
        { seed: 'http://a.test/', maxPages: 10, maxDepth: 2, include: [], exclude: [] },
      );

    const pageAt = async (store: Store, jobId: string, url: string) =>
      store.db.get<{ id: string; node_id: string }>(
        "SELECT id, node_id FROM captures WHERE job_id = ? AND final_url = ? AND outcome = 'stored'",
        [jobId, url],
      );

    test('a final URL that neither is the requested URL nor ends the signed redirect chain is refused and charged', async () => {
      const { store, ingest, spotChecks, node } = await setup();
      const liar = await node('mallory');
      const other = await node('alice');
      await newJob(store);
      await crawlTo(
        store,
        ingest,
        [liar, other],
        '<a href="/a/0">0</a><a href="/a/1">1</a><a href="/a/2">2</a>',
      );
      const forgeries = [
        // no redirect at all
        [],
        // a hop that does not start at the requested URL
        (from: string) => [{ url: `${from}/x`, status: 301, location: '/a/150' }],
        // the Location points elsewhere than the final URL
        (from: string) => [{ url: from, status: 301, location: '/a/7' }],
      ];
      for (const [i, forge] of forgeries.entries()) {
        const l = await claimOne(store, liar);
        assert.equal(l.url, `http://a.test/a/${i}`);
        const redirects = typeof forge === 'function' ? forge(l.url) : forge;
        await assert.rejects(
          ingest.acceptCapture(
            liar.id,
            captureUpload(liar, l as never, { finalUrl: 'http://a.test/a/150', body: FORGED, redirects }),
          ),
          (e: unknown) =>
            e instanceof CoordinatorError && e.code === 'BAD_REDIRECT_CHAIN' && e.httpStatus === 400,
        );
      }
      const stored = await store.db.get<{ n: number }>(
        "SELECT count(*) AS n FROM captures WHERE final_url LIKE '%/a/150'",
      );
      assert.equal(Number(stored?.n), 0, 'nothing of the forged captures is stored');
      const cred = await spotChecks.credibility(store.db, liar.id);
      assert.equal(cred.charged, 3, 'each forged capture counts against its node');
      assert.ok(cred.score < defaultSpotCheckConfig.bar, `liar below the bar (${cred.score})`);
      const node0 = await store.auth.getNode(liar.id);
      assert.ok((node0?.credibility ?? 1) < defaultSpotCheckConfig.bar, 'credibility stored on the node');
      const ledger = await store.db.get<{ n: number }>(
        'SELECT count(*) AS n FROM rw_spot_checks WHERE node_id = ? AND agreed = 0',
        [liar.id],
      );
      assert.equal(Number(ledger?.n), 3, 'the rewards ledger hears of each');
      // the URLs went back to the queue, for another node
      const again = await schedulerFor(store).claim(other.id, 1);
      assert.equal(again[0]?.url, 'http://a.test/a/0');
      assert.deepEqual(await schedulerFor(store).claim(liar.id, 1), [], 'not for the liar: distrusted');
      await store.close();
    });

    test('a capture dated after it arrived is refused: a node cannot keep its page fresh for archive reuse', async () => {
      const { store, ingest, node } = await setup();
      const liar = await node('mallory');
      const job = await newJob(store);
      await crawlTo(store, ingest, [liar], '<a href="/a/0">0</a>');
      const l = await claimOne(store, liar);
      const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString();
      const refused = (field: string) => (e: unknown) =>
        e instanceof CoordinatorError && e.code === 'BAD_REQUEST' && e.message.includes(field);
      // --max-age takes captures by their fetch time: one dated next year would count as fresh all year
      await assert.rejects(
        ingest.acceptCapture(
          liar.id,
          captureUpload(liar, l, { body: article(0), fetchStart: inAYear, fetchEnd: inAYear }),
        ),
        refused('fetchEnd'),
      );
      // a fetch that ends before it starts
      await assert.rejects(
        ingest.acceptCapture(
          liar.id,
          captureUpload(liar, l, {
            body: article(0),
            fetchStart: new Date().toISOString(),
            fetchEnd: new Date(Date.now() - 60_000).toISOString(),
          }),
        ),
        refused('fetchStart'),
      );
      assert.equal(await pageAt(store, job.id, l.url), undefined, 'nothing stored for the lease');
      // a node whose clock runs a little ahead is not refused, and the lease is still its to answer
      const ahead = new Date(Date.now() + 60_000).toISOString();
      const ok = await ingest.acceptCapture(
        liar.id,
        captureUpload(liar, l, { body: article(0), fetchStart: ahead, fetchEnd: ahead }),
      );
      assert.equal(ok.outcome, 'stored');
      await store.close();
    });

    test("a node claiming /a/0 redirected to /a/150 cannot shadow the honest node's /a/150, and is caught", async () => {
      const { store, ingest, spotChecks, node } = await setup();
      const liar = await node('mallory');
      const honest = await node('alice');
      const [bob, carol] = [await node('bob'), await node('carol')];
      const job = await newJob(store);
      await crawlTo(store, ingest, [honest, bob], '<a href="/a/0">0</a><a href="/a/150">150</a>');
      const l0 = await claimOne(store, liar);
      assert.equal(l0.url, 'http://a.test/a/0');
      // a well-formed chain the site never sent: /a/0 -> 301 -> /a/150, with forged text
      const forged = await ingest.acceptCapture(
        liar.id,
        captureUpload(liar, l0 as never, {
          status: 200,
          finalUrl: 'http://a.test/a/150',
          redirects: [{ url: 'http://a.test/a/0', status: 301, location: '/a/150' }],
          body: FORGED,
        }),
      );
      assert.equal(forged.outcome, 'stored', 'nothing yet contradicts it');
      const l150 = await claimOne(store, honest);
      assert.equal(l150.url, 'http://a.test/a/150');
      const real = await ingest.acceptCapture(
        honest.id,
        captureUpload(honest, l150 as never, { body: article(150) }),
      );
      assert.equal(real.outcome, 'stored', 'the direct fetch of /a/150 is not dropped as a duplicate');
      assert.equal((await pageAt(store, job.id, 'http://a.test/a/150'))?.id, real.captureId);
      const demoted = await store.captures.byId(forged.captureId);
      assert.equal(demoted?.outcome, 'skipped');
      assert.equal(demoted?.reason, 'duplicate');
      assert.equal((await store.frontier.getJob(job.id))?.stored, 2, 'the seed and the real /a/150');
      // the conflict sent the redirect claim to a spot check by a third operator: /a/0 fetched again
      const check = await claimOne(store, bob);
      assert.equal(check.kind, 'spotcheck');
      assert.equal(check.url, 'http://a.test/a/0');
      const r1 = await ingest.acceptCapture(bob.id, captureUpload(bob, check as never, { body: article(0) }));
      assert.equal(r1.reason, 'disagrees');
      const tie = await claimOne(store, carol);
      assert.equal(tie.kind, 'spotcheck');
      const tieBreak = await ingest.acceptCapture(
        carol.id,
        captureUpload(carol, tie as never, { body: article(0) }),
      );
      // /a/0 is not left empty: the tie-breaker's fetch of it is the job's page now, with its document,
      // and nothing of the liar's is in the outputs.
      const { rows } = await store.captures.pages(job.id, null, 100);
      const byUrl = new Map(rows.map((p) => [p.requestedUrl, p]));
      assert.equal(byUrl.get('http://a.test/a/0')?.id, tieBreak.captureId, 'the checked fetch holds /a/0');
      assert.equal(byUrl.get('http://a.test/a/0')?.finalUrl, 'http://a.test/a/0');
      assert.ok(!rows.some((p) => p.nodeId === liar.id), 'no page of the liar is listed');
      const docs = await store.captures.documents(job.id, 0, 100);
      const doc0 = docs.find((d) => d.captureId === tieBreak.captureId);
      assert.match(JSON.stringify(doc0?.document), /Article 0/, 'the page of /a/0 has its real document');
      assert.ok(!docs.some((d) => d.captureId === forged.captureId));
      assert.equal((await store.frontier.getJob(job.id))?.stored, 3, 'the seed, /a/150 and the real /a/0');
      const url0 = await store.db.get<{ state: string; capture_id: string; detail: string }>(
        "SELECT state, capture_id, detail FROM urls WHERE job_id = ? AND kind = 'page' AND url = 'http://a.test/a/0'",
        [job.id],
      );
      assert.equal(url0?.state, 'stored');
      assert.equal(url0?.capture_id, tieBreak.captureId);
      assert.match(url0?.detail ?? '', /proved false/);
      assert.equal((await store.captures.byId(forged.captureId))?.outcome, 'refuted');
      const cred = await spotChecks.credibility(store.db, liar.id);
      assert.equal(cred.charged, 1);
      assert.ok(cred.score < defaultSpotCheckConfig.bar);
      const flagged = await store.db.all<{ node_id: string }>(
        'SELECT DISTINCT node_id FROM captures WHERE flagged = 1',
      );
      assert.deepEqual(
        flagged.map((f) => f.node_id),
        [liar.id],
        "only the liar's captures are flagged",
      );
      const clawed = await store.db.get<{ n: number }>(
        'SELECT count(*) AS n FROM rw_spot_checks WHERE node_id = ? AND agreed = 0',
        [liar.id],
      );
      assert.equal(Number(clawed?.n), 1);
      assert.equal((await spotChecks.credibility(store.db, honest.id)).charged, 0);
      await store.close();
    });

    test('a redirect claim arriving after the real page is a duplicate, and the conflict is checked', async () => {
      const { store, ingest, node } = await setup();
      const liar = await node('mallory');
      const honest = await node('alice');
      const job = await newJob(store);
      // the seed links /a/150 first: the honest node stores it before the liar answers /a/0
      await crawlTo(store, ingest, [honest, liar], '<a href="/a/150">150</a><a href="/a/0">0</a>');
      const l150 = await claimOne(store, honest);
      assert.equal(l150.url, 'http://a.test/a/150');
      const real = await ingest.acceptCapture(
        honest.id,
        captureUpload(honest, l150 as never, { body: article(150) }),
      );
      const l0 = await claimOne(store, liar);
      assert.equal(l0.url, 'http://a.test/a/0');
      const forged = await ingest.acceptCapture(
        liar.id,
        captureUpload(liar, l0 as never, {
          finalUrl: 'http://a.test/a/150',
          redirects: [{ url: 'http://a.test/a/0', status: 301, location: 'http://a.test/a/150' }],
          body: FORGED,
        }),
      );
      assert.equal(forged.outcome, 'skipped');
      assert.equal((await pageAt(store, job.id, 'http://a.test/a/150'))?.id, real.captureId);
      const checks = await store.db.all<{ detail: string }>(
        "SELECT detail FROM urls WHERE kind = 'spotcheck'",
      );
      assert.deepEqual(
        checks.map((c) => JSON.parse(c.detail).captureId),
        [forged.captureId],
        'the redirect claim, not the direct fetch, is checked',
      );
      await store.close();
    });

    test('an honest redirect and a direct fetch of a changing page agree: no check, the direct one is kept', async () => {
      const { store, ingest, node } = await setup();
      const a = await node('alice');
      const b = await node('bob');
      const job = await newJob(store);
      await crawlTo(store, ingest, [a, b], '<a href="/a/0">0</a><a href="/a/150">150</a>');
      const l0 = await claimOne(store, a);
      await ingest.acceptCapture(
        a.id,
        captureUpload(a, l0 as never, {
          finalUrl: 'http://a.test/a/150',
          redirects: [{ url: 'http://a.test/a/0', status: 301, location: '/a/150' }],
          body: article(150).replace('</body>', '<footer>Rendered at 10:00:01</footer></body>'),
        }),
      );
      const l150 = await claimOne(store, b);
      const direct = await ingest.acceptCapture(
        b.id,
        captureUpload(b, l150 as never, {
          body: article(150).replace('</body>', '<footer>Rendered at 10:00:02</footer></body>'),
        }),
      );
      assert.equal(direct.outcome, 'stored');
      assert.equal((await pageAt(store, job.id, 'http://a.test/a/150'))?.id, direct.captureId);
      const checks = await store.db.get<{ n: number }>(
        "SELECT count(*) AS n FROM urls WHERE kind = 'spotcheck'",
      );
      assert.equal(Number(checks?.n), 0);
      await store.close();
    });

    test("one node's 503, forged Disallow: / or failure on robots.txt does not close a site: another operator's node is asked", async () => {
      const { store, ingest, node } = await setup();
      const liar = await node('mallory');
      const liarsTwin = await node('mallory');
      const honest = await node('alice');
      await newJob(store);
      // a 503 from the liar: nothing decided, and no node of its operator gets the file again
      const r = await policyLease(store, liar, 'robots');
      const first = await ingest.acceptCapture(
        liar.id,
        captureUpload(liar, r as never, { status: 503, body: 'busy' }),
      );
      assert.deepEqual([first.outcome, first.reason], ['policy', 'awaiting_confirmation']);
      assert.equal((await hostState(store))?.robots_state, 'unknown');
      assert.deepEqual(await schedulerFor(store).claim(liar.id, 1), []);
      assert.deepEqual(
        await schedulerFor(store).claim(liarsTwin.id, 1),
        [],
        'nor a second node of the same operator',
      );
      // the honest operator's node fetches the real robots.txt: the two disagree, and a third operator's node,
      // agreeing with the honest one, keeps the site open
      const bob = await node('bob');
      const allow = { body: 'User-agent: *\nAllow: /\n', headers: { 'content-type': 'text/plain' } };
      const r2 = await policyLease(store, honest, 'robots');
      const disputed = await ingest.acceptCapture(honest.id, captureUpload(honest, r2 as never, allow));
      assert.equal(disputed.reason, 'awaiting_confirmation');
      assert.equal((await hostState(store))?.robots_state, 'unknown');
      const r3 = await policyLease(store, bob, 'robots');
      assert.equal(
        (await ingest.acceptCapture(bob.id, captureUpload(bob, r3 as never, allow))).reason,
        'robots',
      );
      assert.equal((await hostState(store))?.robots_state, 'fetched');
      const t = await policyLease(store, honest, 'tdmrep');
      // a forged tdmrep.json reserving everything, from one node, is not the site's verdict either
      await ingest.acceptCapture(
        honest.id,
        captureUpload(honest, t as never, {
          body: JSON.stringify([{ location: '/', 'tdm-reservation': 1 }]),
          headers: { 'content-type': 'application/json' },
        }),
      );
      assert.equal((await hostState(store))?.tdmrep_state, 'unknown');
      const t2 = await policyLease(store, liar, 'tdmrep');
      await ingest.acceptCapture(liar.id, captureUpload(liar, t2 as never, { status: 404, body: '' }));
      assert.equal((await hostState(store))?.tdmrep_state, 'unknown', 'two operators disagree');
      const t3 = await policyLease(store, bob, 'tdmrep');
      await ingest.acceptCapture(bob.id, captureUpload(bob, t3 as never, { status: 404, body: '' }));
      const h = await hostState(store);
      assert.deepEqual([h?.tdmrep_state, h?.tdmrep], ['fetched', null], 'no reservation');
      const [page] = await schedulerFor(store).claim(honest.id, 1);
      assert.equal(page?.url, 'http://a.test/', 'the site is crawled');
      await store.close();
    });

    test('a closing verdict confirmed by a second operator stands; a deny list or a refusal is never a verdict', async () => {
      const { store, ingest, node } = await setup();
      const a = await node('alice');
      const b = await node('bob');
      const c = await node('carol');
      const job = await newJob(store);
      // alice's own deny list: handed back, not a verdict, and alice is not asked again
      const r = await policyLease(store, a, 'robots');
      const denied = await ingest.acceptFailure(a.id, {
        leaseId: r.leaseId,
        jobId: r.jobId,
        url: r.url,
        code: 'DOMAIN_DENIED',
        message: 'operator deny list',
      });
      assert.equal(denied.outcome, 'handed_back');
      assert.deepEqual(await schedulerFor(store).claim(a.id, 1), []);
      assert.equal((await hostState(store))?.robots_state, 'unknown');
      // bob's robots.txt disallows everything: one operator's word, so carol is asked and agrees
      const rb = await policyLease(store, b, 'robots');
      const body = 'User-agent: *\nDisallow: /\n';
      const first = await ingest.acceptCapture(
        b.id,
        captureUpload(b, rb as never, { body, headers: { 'content-type': 'text/plain' } }),
      );
      assert.equal(first.reason, 'awaiting_confirmation');
      assert.deepEqual(await schedulerFor(store).claim(b.id, 1), []);
      const rc = await policyLease(store, c, 'robots');
      const second = await ingest.acceptCapture(
        c.id,
        captureUpload(c, rc as never, { body, headers: { 'content-type': 'text/plain' } }),
      );
      assert.equal(second.reason, 'robots');
      assert.equal((await hostState(store))?.robots_state, 'fetched');
      await agree(store, ingest, 'tdmrep', { status: 404, body: '' }, c, b);
      assert.deepEqual(await schedulerFor(store).claim(c.id, 1), []);
      assert.equal((await store.frontier.progress(job.id)).skippedByReason.robots, 1);
      await store.close();
    });

    test("a node's own BLOCKED_ADDRESS on robots.txt is no verdict: two operators' refusals close nothing, a real failure still waits", async () => {
      let now = Date.now();
      const { store, ingest, node } = await setup({ clock: () => now });
      const a = await node('alice');
      const b = await node('bob');
      const c = await node('carol');
      const job = await newJob(store);
      /** `n` takes the robots.txt and reports it could not fetch it, with `code`. */
      const failRobots = async (n: Identity, code: 'BLOCKED_ADDRESS' | 'CONNECT') => {
        const r = await policyLease(store, n, 'robots');
        return ingest.acceptFailure(n.id, {
          leaseId: r.leaseId,
          jobId: r.jobId,
          url: r.url,
          code,
          message: code === 'CONNECT' ? 'connection refused' : 'refusing loopback address 127.0.0.1',
        });
      };
      const blocked = (n: Identity) => failRobots(n, 'BLOCKED_ADDRESS');
      // two operators' nodes, both kept from private addresses, past the confirmation window: before, the second
      // confirmed the first and the site was closed as an unreachable robots.txt (RFC 9309 complete disallow)
      assert.equal((await blocked(a)).outcome, 'handed_back');
      assert.deepEqual(await schedulerFor(store).claim(a.id, 1), [], 'the refusing node is not asked again');
      now += store.frontier.config.policyConfirmMs + 1;
      assert.equal((await blocked(b)).outcome, 'handed_back');
      assert.equal((await hostState(store))?.robots_state, 'unknown');
      const row = await store.db.get<{ state: string; reason: string; detail: string | null }>(
        "SELECT state, reason, detail FROM urls WHERE kind = 'robots'",
      );
      assert.deepEqual({ ...row }, { state: 'queued', reason: 'address_refused_by_node', detail: null });
      const p = await store.frontier.progress(job.id);
      assert.deepEqual([p.queued, p.skipped], [1, 0], 'the page waits, not skipped');
      // a real failure after them is a first word, not a confirmation: RFC 9309 behaviour as before
      const real = await failRobots(c, 'CONNECT');
      assert.equal(real.outcome, 'awaiting_confirmation');
      assert.equal((await hostState(store))?.robots_state, 'unknown');
      // and once another operator confirms it, the site is closed as unreachable
      const confirmed = await failRobots(a, 'CONNECT');
      assert.equal(confirmed.outcome, 'failed');
      assert.equal((await hostState(store))?.robots_state, 'disallow-all');
      await store.close();
    });

    test("one node's Crawl-delay past --max-crawl-delay does not end a site's crawl: a second operator must confirm it", async () => {
      let now = Date.now();
      const { store, ingest, node } = await setup({ clock: () => now, maxCrawlDelayMs: 60_000 });
      const liar = await node('mallory');
      const liarsTwin = await node('mallory');
      const honest = await node('alice');
      const job = await newJob(store);
      // the liar's robots.txt allows all but asks 100000 s between requests: it would skip every page
      const r = await policyLease(store, liar, 'robots');
      const first = await ingest.acceptCapture(
        liar.id,
        captureUpload(liar, r as never, robotsFile('Crawl-delay: 100000\nAllow: /')),
      );
      assert.deepEqual([first.outcome, first.reason], ['policy', 'awaiting_confirmation']);
      assert.equal((await hostState(store))?.robots_state, 'unknown');
      assert.deepEqual(await schedulerFor(store).claim(liarsTwin.id, 1), [], 'not its own operator again');
      // the real robots.txt, from two other operators, keeps the site open: its pages are crawled
      const bob = await node('bob');
      await openSite(store, ingest, honest, bob);
      const [page] = await schedulerFor(store).claim(honest.id, 1);
      assert.equal(page?.url, 'http://a.test/', 'the site is crawled');
      assert.equal((await store.frontier.progress(job.id)).skippedByReason.crawl_delay_too_long, undefined);
      // a day on, robots.txt is fetched again and the site really asks 100000 s: two operators agree, so it stands
      await ingest.acceptFailure(honest.id, {
        leaseId: page?.leaseId as string,
        jobId: job.id,
        url: 'http://a.test/',
        code: 'TIMEOUT',
        message: 'slow',
      });
      now += store.frontier.config.policyTtlMs + 1;
      const r3 = await policyLease(store, liar, 'robots');
      const again = await ingest.acceptCapture(
        liar.id,
        captureUpload(liar, r3 as never, robotsFile('Crawl-delay: 100000\nAllow: /')),
      );
      assert.equal(again.reason, 'awaiting_confirmation');
      const r4 = await policyLease(store, honest, 'robots');
      const confirmed = await ingest.acceptCapture(
        honest.id,
        captureUpload(honest, r4 as never, robotsFile('Crawl-delay: 100000\nAllow: /')),
      );
      assert.equal(confirmed.reason, 'robots');
      // the page is skipped on the confirmed robots.txt, not leased
      assert.deepEqual(await schedulerFor(store).claim(honest.id, 1), []);
      assert.equal((await store.frontier.progress(job.id)).skippedByReason.crawl_delay_too_long, 1);
      await store.close();
    });

    test("a Crawl-delay within --max-crawl-delay applies at once, on one node's word", async () => {
      let now = Date.now();
      const { store, ingest, node } = await setup({ clock: () => now, maxCrawlDelayMs: 60_000 });
      const only = await node('solo');
      const job = await newJob(store);
      const r = await policyLease(store, only, 'robots');
      const out = await ingest.acceptCapture(
        only.id,
        captureUpload(only, r as never, robotsFile('Crawl-delay: 30\nAllow: /')),
      );
      assert.equal(out.reason, 'robots');
      assert.equal((await hostState(store))?.robots_state, 'fetched');
      now += 30_000;
      const t = await policyLease(store, only, 'tdmrep');
      await ingest.acceptCapture(only.id, captureUpload(only, t as never, { status: 404, body: '' }));
      assert.deepEqual(await schedulerFor(store).claim(only.id, 1), [], 'the delay is kept');
      now += 30_000;
      const [page] = await schedulerFor(store).claim(only.id, 1);
      assert.equal(page?.url, 'http://a.test/');
      assert.equal((await store.frontier.progress(job.id)).skippedByReason.crawl_delay_too_long, undefined);
      await store.close();
    });

    test('with no other operator in the network, a closing answer stands once policyConfirmMs has passed', async () => {
      let now = Date.now();
      const { store, ingest, node } = await setup({ clock: () => now, policyConfirmMs: 60_000 });
      const only = await node('solo');
      const job = await newJob(store);
      const r = await policyLease(store, only, 'robots');
      await ingest.acceptFailure(only.id, {
        leaseId: r.leaseId,
        jobId: r.jobId,
        url: r.url,
        code: 'CONNECT',
        message: 'refused',
      });
      assert.deepEqual(await schedulerFor(store).claim(only.id, 1), [], 'waits for another operator');
      now += 60_000;
      const again = await policyLease(store, only, 'robots');
      const out = await ingest.acceptFailure(only.id, {
        leaseId: again.leaseId,
        jobId: again.jobId,
        url: again.url,
        code: 'CONNECT',
        message: 'refused',
      });
      assert.equal(out.outcome, 'failed');
      assert.equal((await hostState(store))?.robots_state, 'disallow-all');
      const [t] = await schedulerFor(store).claim(only.id, 1);
      await ingest.acceptCapture(only.id, captureUpload(only, t as never, { status: 404, body: '' }));
      assert.deepEqual(await schedulerFor(store).claim(only.id, 1), []);
      assert.equal((await store.frontier.progress(job.id)).skippedByReason.robots_unavailable, 1);
      await store.close();
    });

    // The attacker's side of opening: one operator's node claiming a site said nothing (a 404, a failure) while the
    // site opted out. Such an answer waits for a node of another operator as a closing one does.
    const LICENCE = 'http://a.test/license.xml';
    const NO_TRAIN = `<?xml version="1.0" encoding="UTF-8"?>
<rsl xmlns="https://rslstandard.org/rsl">
  <content url="/"><license><prohibits type="usage">ai-train</prohibits></license></content>
</rsl>
`;
    /** A page naming the RSL licence LICENCE (a Link header). */
    const NAMED = {
      body: '<html><body><p>a page under a licence</p></body></html>',
      headers: {
        'content-type': 'text/html',
        link: `<${LICENCE}>; rel="license"; type="application/rsl+xml"`,
      },
    };
    /**
     * Node `n` takes every lease it is offered now, at most `most` of the page's: the licence it refuses by its
     * guard (no verdict, so the licence stays unanswered), the page it fetches as NAMED. Returns the page fetches.
     */
    const takeNamedPage = async (
      store: Store,
      ingest: Ingest,
      n: Identity,
      most = Number.POSITIVE_INFINITY,
    ) => {
      let fetched = 0;
      for (let l = (await schedulerFor(store).claim(n.id, 1))[0]; l; ) {
        if (l.kind === 'rsl') await ingest.acceptFailure(n.id, failure(l as never, 'BLOCKED_ADDRESS'));
        else {
          fetched++;
          await ingest.acceptCapture(n.id, captureUpload(n, l as never, NAMED));
        }
        l = fetched < most ? (await schedulerFor(store).claim(n.id, 1))[0] : undefined;
      }
      return fetched;
    };
    const RESERVED = {
      body: JSON.stringify([{ location: '/', 'tdm-reservation': 1 }]),
      headers: { 'content-type': 'application/json' },
    } as const;
    const failure = (
      l: { leaseId: string; jobId: string; url: string },
      code: 'TIMEOUT' | 'BLOCKED_ADDRESS' | 'DOMAIN_DENIED',
    ) => ({
      leaseId: l.leaseId,
      jobId: l.jobId,
      url: l.url,
      code,
      message: {
        TIMEOUT: 'timed out',
        BLOCKED_ADDRESS: 'refusing loopback address 127.0.0.1',
        DOMAIN_DENIED: "the operator's deny list names a.test",
      }[code],
    });
    /** Every node's claim gives it nothing of the origin. */
    const nothingFor = async (store: Store, ...nodes: Identity[]) => {
      for (const n of nodes)
        assert.deepEqual(await schedulerFor(store).claim(n.id, 1), [], `nothing for ${n.id.slice(0, 6)}`);
    };

    test("one node's 404 for a robots.txt that disallows SwardBot opens nothing: another operator's fetch decides", async () => {
      const { store, ingest, node } = await setup();
      const liar = await node('mallory');
      const liarsTwin = await node('mallory');
      const honest = await node('alice');
      const job = await newJob(store);
      const lie = await says404(store, ingest, liar, 'robots');
      assert.deepEqual([lie.outcome, lie.reason], ['policy', 'awaiting_confirmation']);
      assert.equal((await hostState(store))?.robots_state, 'unknown');
      await nothingFor(store, liar, liarsTwin);
      // the job says what it waits for
      const [w] = await jobWaits(store.db, job.id, store.frontier.config, Date.now());
      assert.equal(w?.reason, 'unconfirmed');
      assert.match(
        w?.message ?? '',
        /answered "robots\.txt answered 404", which would open the site; a node of another operator must confirm it/,
      );
      // the honest operator's node reads the real robots.txt: the two disagree, so still nothing is leased
      const r2 = await policyLease(store, honest, 'robots');
      const real = await ingest.acceptCapture(
        honest.id,
        captureUpload(honest, r2 as never, robotsFile('Disallow: /')),
      );
      assert.equal(real.reason, 'awaiting_confirmation');
      await nothingFor(store, liar, liarsTwin, honest);
      const [d] = await jobWaits(store.db, job.id, store.frontier.config, Date.now());
      assert.match(d?.message ?? '', /disagree.*a node of a third operator decides/);
      // a third operator's node reads it too: it agrees with the honest node, and the site is closed
      const bob = await node('bob');
      const r3 = await policyLease(store, bob, 'robots');
      const third = await ingest.acceptCapture(
        bob.id,
        captureUpload(bob, r3 as never, robotsFile('Disallow: /')),
      );
      assert.equal(third.reason, 'robots');
      const h = await store.frontier.hostPolicy(store.db, 'http://a.test');
      assert.match(h?.robotsTxt ?? '', /Disallow: \//);
      const pages = await store.db.get<{ n: number }>(
        "SELECT count(*) AS n FROM captures WHERE outcome = 'stored'",
      );
      assert.equal(Number(pages?.n), 0, 'no page was fetched');
      await store.close();
    });

    test('two operators that disagree on robots.txt: past policyConfirmMs the more restrictive answer stands, never the other', async () => {
      let now = Date.now();
      const { store, ingest, node } = await setup({ clock: () => now, policyConfirmMs: 60_000 });
      const liar = await node('mallory');
      const honest = await node('alice');
      await newJob(store);
      const r = await policyLease(store, liar, 'robots');
      await ingest.acceptCapture(liar.id, captureUpload(liar, r as never, { status: 404, body: '' }));
      const r2 = await policyLease(store, honest, 'robots');
      await ingest.acceptCapture(honest.id, captureUpload(honest, r2 as never, robotsFile('Disallow: /')));
      now += 60_000;
      // the liar's answer, the less restrictive, can no longer win: it is not given the file again
      await nothingFor(store, liar);
      const r3 = await policyLease(store, honest, 'robots');
      const stands = await ingest.acceptCapture(
        honest.id,
        captureUpload(honest, r3 as never, robotsFile('Disallow: /')),
      );
      assert.equal(stands.reason, 'robots');
      assert.match(
        (await store.frontier.hostPolicy(store.db, 'http://a.test'))?.robotsTxt ?? '',
        /Disallow: \//,
      );
      await store.close();
    });

    test("one node's 404 or failure on a tdmrep.json that reserves TDM rights opens nothing; its BLOCKED_ADDRESS is handed back", async () => {
      const { store, ingest, node } = await setup();
      const liar = await node('mallory');
      const honest = await node('alice');
      const bob = await node('bob');
      const job = await newJob(store);
      await agree(store, ingest, 'robots', robotsFile('Allow: /'), honest, liar);
      // the liar's own guard: no verdict, and it is not asked again
      const t0 = await policyLease(store, liar, 'tdmrep');
      assert.equal(
        (await ingest.acceptFailure(liar.id, failure(t0, 'BLOCKED_ADDRESS'))).outcome,
        'handed_back',
      );
      assert.equal((await hostState(store))?.tdmrep_state, 'unknown');
      // a failure report from a node of another operator is one word toward "none", not the answer
      const t1 = await policyLease(store, bob, 'tdmrep');
      assert.equal(
        (await ingest.acceptFailure(bob.id, failure(t1, 'TIMEOUT'))).outcome,
        'awaiting_confirmation',
      );
      assert.equal((await hostState(store))?.tdmrep_state, 'unknown');
      await nothingFor(store, bob);
      // the honest node reads the reservation: it disagrees with "none", still nothing is leased
      const t2 = await policyLease(store, honest, 'tdmrep');
      const real = await ingest.acceptCapture(honest.id, captureUpload(honest, t2 as never, RESERVED));
      assert.equal(real.reason, 'awaiting_confirmation');
      await nothingFor(store, bob, honest);
      assert.equal((await hostState(store))?.tdmrep_state, 'unknown');
      // a third operator agrees with the honest node: the reservation stands and the page is skipped for train
      const carol = await node('carol');
      const t3 = await policyLease(store, carol, 'tdmrep');
      assert.equal(
        (await ingest.acceptCapture(carol.id, captureUpload(carol, t3 as never, RESERVED))).reason,
        'tdmrep',
      );
      assert.ok((await hostState(store))?.tdmrep, 'the reservation is kept');
      await nothingFor(store, carol);
      assert.equal((await store.frontier.progress(job.id)).skippedByReason.tdmrep, 1);
      await store.close();
    });

    test("one node's 404 claim on tdmrep.json waits for another operator's node", async () => {
      const { store, ingest, node } = await setup();
      const liar = await node('mallory');
      const liarsTwin = await node('mallory');
      const honest = await node('alice');
      await newJob(store);
      await agree(store, ingest, 'robots', robotsFile('Allow: /'), honest, liar);
      const lie = await says404(store, ingest, liar, 'tdmrep');
      assert.equal(lie.reason, 'awaiting_confirmation');
      assert.equal((await hostState(store))?.tdmrep_state, 'unknown');
      await nothingFor(store, liar, liarsTwin);
      // another operator's node finds the same: no reservation, and the site is crawled
      const same = await says404(store, ingest, honest, 'tdmrep');
      assert.equal(same.reason, 'tdmrep');
      const [page] = await schedulerFor(store).claim(liar.id, 1);
      assert.equal(page?.url, 'http://a.test/');
      await store.close();
    });

    test("one node's failure or 404 on the RSL licence robots.txt names opens nothing: the licence another operator reads decides", async () => {
      const { store, ingest, node } = await setup();
      const liar = await node('mallory');
      const honest = await node('alice');
      const bob = await node('bob');
      const job = await newJob(store);
      await agree(store, ingest, 'robots', robotsFile(`Allow: /\nLicense: ${LICENCE}`), honest, liar);
      await agree(store, ingest, 'tdmrep', { status: 404, body: '' }, honest, liar);
      const l0 = await policyLease(store, liar, 'rsl');
      assert.equal(l0.url, LICENCE);
      assert.equal(
        (await ingest.acceptFailure(liar.id, failure(l0, 'TIMEOUT'))).outcome,
        'awaiting_confirmation',
      );
      assert.equal(await answered(store, 'rsl'), false, 'no licence recorded as none');
      await nothingFor(store, liar);
      // the honest node reads the licence, which prohibits training: two words that disagree, nothing leased
      const l1 = await policyLease(store, honest, 'rsl');
      const rsl = { body: NO_TRAIN, headers: { 'content-type': 'application/rsl+xml' } } as const;
      assert.equal(
        (await ingest.acceptCapture(honest.id, captureUpload(honest, l1 as never, rsl))).reason,
        'awaiting_confirmation',
      );
      await nothingFor(store, liar, honest);
      // a third operator reads the same licence: it stands, and the page is refused for train
      const l2 = await policyLease(store, bob, 'rsl');
      assert.equal((await ingest.acceptCapture(bob.id, captureUpload(bob, l2 as never, rsl))).reason, 'rsl');
      await nothingFor(store, bob);
      assert.equal((await store.frontier.progress(job.id)).skippedByReason['rsl:prohibits ai-train'], 1);
      await store.close();
    });

    test('another operator whose node refuses the site by its rules does not hold it: the answering operator confirms itself at once', async () => {
      const { store, ingest, node } = await setup();
      const alice = await node('alice');
      // logged in and polling, but its operator denies this domain (or it is in its inactive hours)
      const bob = await node('bob');
      const job = await newJob(store);
      for (const kind of ['robots', 'tdmrep'] as const) {
        const first = await policyLease(store, alice, kind);
        const upload = kind === 'robots' ? robotsFile('Allow: /') : { status: 404, body: '' };
        assert.equal(
          (await ingest.acceptCapture(alice.id, captureUpload(alice, first as never, upload))).reason,
          'awaiting_confirmation',
          `${kind}: bob is active, so alice's word waits for his`,
        );
        const offered = await policyLease(store, bob, kind);
        assert.equal(
          (await ingest.acceptFailure(bob.id, failure(offered, 'DOMAIN_DENIED'))).outcome,
          'handed_back',
        );
        // no other operator would fetch it now: alice's second word stands, not after policyConfirmMs
        const again = await policyLease(store, alice, kind);
        assert.equal(
          (await ingest.acceptCapture(alice.id, captureUpload(alice, again as never, upload))).reason,
          kind,
        );
      }
      const [page] = await schedulerFor(store).claim(alice.id, 1);
      assert.equal(page?.url, 'http://a.test/', 'the origin opened within the minute');
      assert.equal((await store.frontier.progress(job.id)).skipped, 0);
      await store.close();
    });

    test('two operators agree on a robots.txt or tdmrep.json served with another time stamp or layout: what they say is the same', async () => {
      const { store, ingest, node } = await setup();
      const alice = await node('alice');
      const bob = await node('bob');
      await newJob(store);
      const served = {
        robots: [
          '# generated 2026-12-07T10:00:01Z\nUser-agent: *\nDisallow: /private\n',
          '# generated 2026-12-07T10:00:02Z\n\nuser-agent:*\r\n  disallow: /private   # not for bots\n',
        ],
        tdmrep: [
          '[{"location":"/","tdm-reservation":0}]',
          '[\n  { "tdm-reservation": 0, "location": "/" }\n]\n',
        ],
      } as const;
      for (const kind of ['robots', 'tdmrep'] as const) {
        const [first, second] = served[kind];
        const headers = { 'content-type': kind === 'robots' ? 'text/plain' : 'application/json' };
        const a = await policyLease(store, alice, kind);
        assert.equal(
          (await ingest.acceptCapture(alice.id, captureUpload(alice, a as never, { body: first, headers })))
            .reason,
          'awaiting_confirmation',
        );
        const b = await policyLease(store, bob, kind);
        assert.equal(
          (await ingest.acceptCapture(bob.id, captureUpload(bob, b as never, { body: second, headers })))
            .reason,
          kind,
          `${kind}: bob's copy confirms alice's`,
        );
      }
      const [page] = await schedulerFor(store).claim(alice.id, 1);
      assert.equal(page?.url, 'http://a.test/');
      await store.close();
    });

    test('a page naming an RSL licence waits for the licence to be confirmed: it does not fail as rsl_license_pending', async () => {
      let now = Date.now();
      const { store, ingest, node } = await setup({ clock: () => now });
      const alice = await node('alice');
      const bob = await node('bob');
      const job = await newJob(store);
      await openSite(store, ingest, alice, bob);
      const rsl = { body: NO_TRAIN, headers: { 'content-type': 'application/rsl+xml' } } as const;
      const claim = async (n: Identity) => (await schedulerFor(store).claim(n.id, 1))[0];
      // alice fetches the page, then the licence it names (her word waits for bob's), then the page again and
      // again while bob is busy elsewhere: more tries than maxAttempts
      for (let i = 0; i < 6; i++) {
        const l = await claim(alice);
        if (!l) break;
        const r = await ingest.acceptCapture(
          alice.id,
          captureUpload(alice, l as never, l.kind === 'rsl' ? rsl : NAMED),
        );
        assert.equal(r.reason, l.kind === 'rsl' ? 'awaiting_confirmation' : 'rsl_license_pending');
        now += 1000;
      }
      const progress = await store.frontier.progress(job.id);
      assert.equal(progress.failed, 0, 'the page waits for the licence, it does not fail');
      // bob reads the same licence: it stands; a minute later the page is fetched once more and refused for train
      const l2 = await claim(bob);
      assert.equal(l2?.kind, 'rsl');
      assert.equal((await ingest.acceptCapture(bob.id, captureUpload(bob, l2 as never, rsl))).reason, 'rsl');
      now += 60_000;
      const page = await claim(alice);
      assert.equal(page?.url, 'http://a.test/');
      await ingest.acceptCapture(alice.id, captureUpload(alice, page as never, NAMED));
      const end = await store.frontier.progress(job.id);
      assert.equal(end.skippedByReason['rsl:prohibits ai-train'], 1);
      assert.equal(end.failed, 0);
      await store.close();
    });

    test('a page waits for a licence nobody confirms a bounded time: 1, 2, 4, 8, 16 minutes, then fails as rsl_license_pending', async () => {
      let now = Date.now();
      const { store, ingest, node } = await setup({ clock: () => now });
      const alice = await node('alice');
      const bob = await node('bob');
      const job = await newJob(store);
      await openSite(store, ingest, alice, bob);
      // alice's guard refuses the licence's address every time (no verdict), and bob never asks for work: the
      // licence is never answered. Before, the page was fetched once a minute for as long: its job never ended.
      const fetchedAt: number[] = [];
      const start = now;
      for (let minute = 0; minute < 120 && (await store.frontier.progress(job.id)).failed === 0; minute++) {
        for (let k = await takeNamedPage(store, ingest, alice); k > 0; k--) fetchedAt.push(now);
        now += 60_000;
      }
      const progress = await store.frontier.progress(job.id);
      assert.deepEqual(progress.failedByReason, { rsl_license_pending: 1 });
      // three tries, then five waits, each at least twice the one before
      assert.equal(fetchedAt.length, 3 + 5);
      const gaps = fetchedAt.slice(3).map((t, i) => (t - (fetchedAt[i + 2] as number)) / 60_000);
      assert.deepEqual(
        gaps,
        [1, 2, 4, 8, 16].map((m) => Math.ceil(m)),
        `waits ${gaps}`,
      );
      assert.ok(now - start < 40 * 60_000, 'ended within the bound');
      await store.close();
    });

    test("a second operator account behind the liar's connection confirms nothing: two witnesses need two networks", async () => {
      const { store, ingest, node } = await setup();
      // one person, two operator accounts, one home connection (one /24; the IPv6 pair shares a /64)
      const liar = await node('mallory', '203.0.113.7');
      const sock = await node('mallet', '203.0.113.81');
      const honest = await node('alice', '198.51.100.4');
      const job = await newJob(store);
      const lie = await says404(store, ingest, liar, 'robots');
      assert.equal(lie.reason, 'awaiting_confirmation', 'alice, in another network, could confirm it');
      // the sock puppet, another operator by name, fetches too and says the same: no confirmation
      const echo = await says404(store, ingest, sock, 'robots');
      assert.equal(echo.reason, 'awaiting_confirmation', 'the same network is one witness');
      assert.equal((await hostState(store))?.robots_state, 'unknown', 'the site is not opened');
      await nothingFor(store, liar, sock);
      // the honest node in another network reads the real file: disputed, and a node of a fourth operator in a
      // third network agrees with it; the site stays closed
      const r3 = await policyLease(store, honest, 'robots');
      await ingest.acceptCapture(honest.id, captureUpload(honest, r3 as never, robotsFile('Disallow: /')));
      const bob = await node('bob', '2001:db8:7:1::5');
      const r4 = await policyLease(store, bob, 'robots');
      const decided = await ingest.acceptCapture(
        bob.id,
        captureUpload(bob, r4 as never, robotsFile('Disallow: /')),
      );
      assert.equal(decided.reason, 'robots');
      assert.match(
        (await store.frontier.hostPolicy(store.db, 'http://a.test'))?.robotsTxt ?? '',
        /Disallow: \//,
      );
      assert.equal((await store.frontier.progress(job.id)).stored, 0, 'no page was fetched');
      // and for tdmrep.json in IPv6: two operators of one /64 confirm nothing, a third network's node does
      const v6a = await node('erin', '2001:db8:9:1::10');
      const v6b = await node('frank', '2001:db8:9:1:ffff::2');
      await store.db.run('UPDATE hosts SET robots_state = ?, robots_txt = ?', [
        'fetched',
        'User-agent: *\nAllow: /\n',
      ]);
      const t1 = await policyLease(store, v6a, 'tdmrep');
      await ingest.acceptCapture(v6a.id, captureUpload(v6a, t1 as never, { status: 404, body: '' }));
      const same = await says404(store, ingest, v6b, 'tdmrep');
      assert.equal(same.reason, 'awaiting_confirmation');
      assert.equal((await hostState(store))?.tdmrep_state, 'unknown');
      // a node's network follows its address: a heartbeat from elsewhere moves it, one without an address does not
      const netOf = async (id: string) =>
        (await store.db.get<{ n: string | null }>('SELECT last_network AS n FROM nodes WHERE id = ?', [id]))
          ?.n;
      assert.equal(await netOf(sock.id), '203.0.113.0/24');
      await store.auth.touchNode(sock.id, '192.0.2.55');
      assert.equal(await netOf(sock.id), '192.0.2.0/24');
      await store.auth.touchNode(sock.id);
      assert.equal(await netOf(sock.id), '192.0.2.0/24');
      await store.auth.touchNode(sock.id, '127.0.0.1');
      assert.equal(await netOf(sock.id), null);
      await store.close();
    });

    test("the liar's own connection under another name is still its network: 6to4, and a session with no address", async () => {
      // 6to4 (2002:AABB:CCDD::/48) carries the IPv4 address it tunnels from: 65,536 /64s for anyone holding one
      // IPv4 address, none of them the /24 of that address
      const { store, ingest, node } = await setup();
      const liar = await node('mallory', '203.0.113.7');
      const tunnel = await node('mallet', '2002:cb00:7107:1::1'); // 203.0.113.7 through 6to4
      await node('alice', '198.51.100.4');
      await newJob(store);
      const lie = async (n: Identity) => {
        const r = await policyLease(store, n, 'robots');
        return (await ingest.acceptCapture(n.id, captureUpload(n, r as never, { status: 404, body: '' })))
          .reason;
      };
      assert.equal(await lie(liar), 'awaiting_confirmation');
      assert.equal(
        await lie(tunnel),
        'awaiting_confirmation',
        "6to4 of the liar's own address is its network",
      );
      assert.equal((await hostState(store))?.robots_state, 'unknown', 'the site is not opened');
      await store.close();
      // a node's session whose address the coordinator could not read (the node dropped the connection before the
      // route read it: the socket's address is gone) must not make its known network unknown, apart from all
      const two = await setup();
      const liar2 = await two.node('mallory', '203.0.113.7');
      const sock = await two.node('mallet', '203.0.113.8');
      await two.node('alice', '198.51.100.4');
      await newJob(two.store);
      await two.store.auth.upsertNode({ id: liar2.id });
      await two.store.auth.upsertNode({ id: sock.id });
      const first = await says404(two.store, two.ingest, liar2, 'robots');
      assert.equal(first.reason, 'awaiting_confirmation');
      const echo = await says404(two.store, two.ingest, sock, 'robots');
      assert.equal(echo.reason, 'awaiting_confirmation', 'a session without an address keeps the network');
      assert.equal((await hostState(two.store))?.robots_state, 'unknown');
      await two.store.close();
    });

    test('an operator alone in its network but for nodes of its own network opens at once; loopback nodes stay apart', async () => {
      const { store, ingest, node } = await setup();
      // the only other operator's active node shares the answering node's network: no independent witness
      // exists, as on a network of one operator, so the answer stands at once rather than after policyConfirmMs
      const only = await node('solo', '203.0.113.7');
      await node('roommate', '203.0.113.8');
      await newJob(store);
      const opened = await says404(store, ingest, only, 'robots');
      assert.equal(opened.reason, 'robots');
      await store.close();
      // nodes whose address is loopback (one machine, tests, the demo) have no known network: they are apart
      const two = await setup();
      const a = await two.node('alice', '127.0.0.1');
      const b = await two.node('bob', '::1');
      await newJob(two.store);
      const first = await says404(two.store, two.ingest, a, 'robots');
      assert.equal(first.reason, 'awaiting_confirmation');
      const second = await says404(two.store, two.ingest, b, 'robots');
      assert.equal(second.reason, 'robots', 'confirmed');
      await two.store.close();
    });

    // The attacker's side of failing: a node reports it could not fetch a page (too large, a private address, a
    // timeout) or lets its lease lapse. Such a report is its own word: one operator's nodes must not be able to keep
    // a chosen page out of a job's output by taking turns at it.
    test("one operator's failure reports and lapses fail no page: another operator's node fetches it", async () => {
      let now = Date.now();
      const { store, ingest, node } = await setup({ clock: () => now });
      const [alice, bob] = [await node('alice', '198.51.100.4'), await node('bob', '192.0.2.9')];
      const liars = [await node('mallory', '203.0.113.7'), await node('mallory', '203.0.113.8')];
      const mallet = await node('mallet', '203.0.113.9'); // another account, the same connection
      const job = await newJob(store);
      await openSite(store, ingest, alice, bob);
      const progress = () => store.frontier.progress(job.id);
      const claimPage = async (n: Identity) => (await schedulerFor(store).claim(n.id, 1))[0];
      // three tries, the attempts a page gets, all from one connection: too large, a private address, a timeout
      // (before, the first report alone failed the page; a lapse counts as a failure too, and keeps the lapser's
      // operator and network off the whole origin: the next test)
      for (const [i, [n, code]] of (
        [
          [liars[0], 'TOO_LARGE'],
          [mallet, 'BLOCKED_ADDRESS'],
          [liars[1], 'TIMEOUT'],
        ] as const
      ).entries()) {
        now += 60_000; // past every backoff and keep-off
        const l = await claimPage(n as Identity);
        assert.equal(l?.url, 'http://a.test/', `try ${i + 1} goes to a liar`);
        await ingest.acceptFailure((n as Identity).id, failure(l as never, code as never));
        assert.equal((await progress()).failed, 0, `try ${i + 1} (${code}) fails nothing`);
      }
      // its attempts spent on one witness's word: no node of those operators or that network gets it, not even
      // new ones elsewhere or under another name, while another network's node may
      now += 60_000;
      const newLiar = await node('mallory', '100.64.9.9');
      const newSock = await node('mallet2', '203.0.113.77');
      await onlyApartStores(store, ingest, job.id, [...liars, mallet, newLiar, newSock] as Identity[], alice);
      await store.close();
    });

    test('a node that lets a lease lapse, its operator and its network are kept off the origin it held busy', async () => {
      let now = Date.now();
      const { store, ingest, node } = await setup({ clock: () => now });
      const [alice, bob] = [await node('alice', '198.51.100.4'), await node('bob', '192.0.2.9')];
      const hog = await node('mallory', '203.0.113.7');
      const twin = await node('mallory', '100.64.9.9');
      const sock = await node('mallet', '203.0.113.99');
      const job = await newJob(store);
      const links = Array.from({ length: 6 }, (_, i) => `<a href="/p${i}">p${i}</a>`).join('');
      await crawlTo(store, ingest, [alice, bob], `<html><body>${links}</body></html>`);
      now += 1000;
      // politeness holds the origin busy while its lease is out: a lease let lapse held it a lease length
      const [held] = await schedulerFor(store).claim(hog.id, 1);
      assert.match(held?.url ?? '', /^http:\/\/a\.test\/p\d$/);
      now += store.frontier.config.leaseMs + 1;
      for (const n of [hog, twin, sock])
        assert.deepEqual(await schedulerFor(store).claim(n.id, 1), [], 'kept off the origin it held');
      const [next] = await schedulerFor(store).claim(alice.id, 1);
      assert.match(next?.url ?? '', /^http:\/\/a\.test\/p\d$/, 'a node apart from it takes the origin');
      // the lapse is the hog's failure of that page, one witness's word
      const lapses = await store.db.all<{ node_id: string; code: string }>(
        'SELECT node_id, code FROM url_failures',
      );
      assert.deepEqual(lapses, [{ node_id: hog.id, code: 'lease_expired' }]);
      await ingest.acceptCapture(alice.id, captureUpload(alice, next as never, { body: article(2) }));
      // for policyConfirmMs; then the origin is theirs to claim again
      now += store.frontier.config.policyConfirmMs;
      assert.match((await schedulerFor(store).claim(hog.id, 1))[0]?.url ?? '', /^http:\/\/a\.test\/p\d$/);
      assert.equal((await store.frontier.progress(job.id)).failed, 0);
      await store.close();
    });

    test("one connection's signed captures saying the server answered 5xx fail no page: another network's node fetches it", async () => {
      // a capture's status is its node's word as a failure report is: three nodes of one connection each signing
      // "503" must not keep a chosen page out of a job's output while a node of another network could fetch it
      let now = Date.now();
      const { store, ingest, node } = await setup({ clock: () => now });
      const [alice, bob] = [await node('alice', '198.51.100.4'), await node('bob', '192.0.2.9')];
      const liars = [await node('mallory', '203.0.113.7'), await node('mallory', '203.0.113.8')];
      const mallet = await node('mallet', '203.0.113.9');
      const job = await newJob(store);
      await openSite(store, ingest, alice, bob);
      const progress = () => store.frontier.progress(job.id);
      const claimPage = async (n: Identity) => (await schedulerFor(store).claim(n.id, 1))[0];
      for (const [i, n] of [liars[0], liars[1], mallet].entries()) {
        now += 60_000;
        const l = await claimPage(n as Identity);
        assert.equal(l?.url, 'http://a.test/', `try ${i + 1} goes to a liar`);
        const r = await ingest.acceptCapture(
          (n as Identity).id,
          captureUpload(n as Identity, l as never, { status: 503, body: 'busy' }),
        );
        assert.equal(r.outcome, 'retry', `try ${i + 1}: one connection's 503 fails nothing`);
      }
      assert.equal((await progress()).failed, 0);
      now += 60_000;
      await onlyApartStores(store, ingest, job.id, [...liars, mallet] as Identity[], alice);
      await store.close();
    });

    test("a page that waited for a licence is not failed by one node's report: the waits are not failures", async () => {
      // the licence waits count the page's attempts up (1, 2, 4 ... minutes); a failure report then found
      // twice maxAttempts tries and failed the page on one node's word
      let now = Date.now();
      const { store, ingest, node } = await setup({ clock: () => now });
      const alice = await node('alice', '198.51.100.4');
      const bob = await node('bob', '192.0.2.9');
      const mallory = await node('mallory', '203.0.113.7');
      const job = await newJob(store);
      await openSite(store, ingest, alice, bob);
      // alice's guard refuses the licence's address; she fetches the page three times and twice after a wait
      let fetched = 0;
      for (let minute = 0; minute < 30 && fetched < 5; minute++) {
        fetched += await takeNamedPage(store, ingest, alice, 5 - fetched);
        now += 60_000;
      }
      assert.equal(fetched, 5);
      now += 5 * 60_000; // past the third wait
      let page: Awaited<ReturnType<ReturnType<typeof schedulerFor>['claim']>>[number] | undefined;
      for (let l = (await schedulerFor(store).claim(mallory.id, 1))[0]; l && !page; ) {
        if (l.kind === 'rsl') {
          await ingest.acceptFailure(mallory.id, failure(l as never, 'BLOCKED_ADDRESS'));
          l = (await schedulerFor(store).claim(mallory.id, 1))[0];
        } else page = l;
      }
      assert.equal(page?.url, 'http://a.test/');
      const r = await ingest.acceptFailure(mallory.id, failure(page as never, 'TIMEOUT'));
      assert.equal(r.outcome, 'retry', "one node's timeout after the licence waits fails nothing");
      assert.equal((await store.frontier.progress(job.id)).failed, 0);
      await store.close();
    });

    test("a page its failers' networks hold every other node of fails at maxAttempts: no apart node waits for nothing", async () => {
      let now = Date.now();
      const { store, ingest, node } = await setup({ clock: () => now });
      // one operator in two networks fails it; the only other operator's node shares the first network, so it is
      // kept off the page with that network and is no independent witness: waiting for it waited 3 x 10 minutes
      const a1 = await node('alice', '198.51.100.4');
      const a2 = await node('alice', '192.0.2.9');
      const carol = await node('carol', '198.51.100.77');
      const job = await newJob(store);
      await openSite(store, ingest, a1, carol);
      const outcomes: string[] = [];
      for (const n of [a2, a1, a2]) {
        now += store.frontier.config.leaseMs + 1;
        const [l] = await schedulerFor(store).claim(n.id, 1);
        assert.equal(l?.url, 'http://a.test/');
        outcomes.push((await ingest.acceptFailure(n.id, failure(l as never, 'TIMEOUT'))).outcome);
      }
      assert.deepEqual(outcomes, ['retry', 'retry', 'failed']);
      assert.equal((await store.frontier.progress(job.id)).failed, 1);
      await store.close();
    });

    test('a page fails on failures of independent witnesses, or of the only operator there is', async () => {
      let now = Date.now();
      const { store, ingest, node } = await setup({ clock: () => now });
      const witnesses = [await node('mallory', '203.0.113.7'), await node('alice', '198.51.100.4')];
      await node('bob', '192.0.2.9');
      const job = await newJob(store);
      await openSite(store, ingest, ...witnesses);
      const fail = async (n: Identity) => {
        now += 60_000;
        const [l] = await schedulerFor(store).claim(n.id, 1);
        assert.equal(l?.url, 'http://a.test/');
        return ingest.acceptFailure(n.id, failure(l as never, 'TIMEOUT'));
      };
      // mallory, alice, then mallory again: two operators in two networks agree the site does not answer
      assert.equal((await fail(witnesses[0] as Identity)).outcome, 'retry');
      assert.equal((await fail(witnesses[1] as Identity)).outcome, 'retry');
      assert.equal((await fail(witnesses[0] as Identity)).outcome, 'failed');
      assert.deepEqual((await store.frontier.progress(job.id)).failedByReason, { timeout: 1 });
      const failures = async () =>
        Number((await store.db.get<{ n: unknown }>('SELECT count(*) AS n FROM url_failures'))?.n);
      assert.equal(await failures(), 3, 'every report is kept');
      // a collection dropping an old refresh's URLs drops their reports with them
      await store.db.transaction((tx) => store.frontier.dropSettledUrls(tx, job.id));
      assert.equal(await failures(), 0);
      await store.close();
      // a network of one operator: its node's three timeouts fail the page, as they always did
      const one = await setup({ clock: () => now });
      const solo = await one.node('solo', '203.0.113.7');
      const soloJob = await newJob(one.store);
      await openSite(one.store, one.ingest, solo);
      for (const want of ['retry', 'retry', 'failed']) {
        now += 60_000;
        const [l] = await schedulerFor(one.store).claim(solo.id, 1);
        assert.equal((await one.ingest.acceptFailure(solo.id, failure(l as never, 'TIMEOUT'))).outcome, want);
      }
      assert.equal((await one.store.frontier.progress(soloJob.id)).failed, 1);
      await one.store.close();
    });

    test('a network of one operator opens a site at once: no other active operator could confirm it', async () => {
      const { store, ingest, node } = await setup();
      const only = await node('solo');
      const twin = await node('solo');
      // nodes of other operators that are revoked, not seen for an hour or logged out could confirm nothing
      const gone = await node('bob');
      await store.auth.revokeNode(gone.id);
      const away = await node('carol');
      await store.db.run('UPDATE nodes SET last_seen = ? WHERE id = ?', [Date.now() - 3600_000, away.id]);
      const stopped = await node('dave');
      await store.db.run('DELETE FROM sessions WHERE node_id = ?', [stopped.id]);
      const job = await newJob(store);
      const r = await policyLease(store, only, 'robots');
      assert.equal(
        (await ingest.acceptCapture(only.id, captureUpload(only, r as never, { status: 404, body: '' })))
          .reason,
        'robots',
      );
      const t = await policyLease(store, twin, 'tdmrep');
      assert.equal((await ingest.acceptFailure(twin.id, failure(t, 'TIMEOUT'))).outcome, 'failed');
      const [page] = await schedulerFor(store).claim(only.id, 1);
      assert.equal(page?.url, 'http://a.test/');
      assert.equal((await store.frontier.progress(job.id)).skipped, 0);
      await store.close();
    });
  });
}
