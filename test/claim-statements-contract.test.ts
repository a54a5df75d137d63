import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { schedulerFor } from '@sward/coordinator';
import { generateIdentity } from '@sward/core';
import { defaultSpotCheckConfig, SpotChecks } from '../packages/coordinator/src/spot-check/index.js';
import type { SqlExecutor } from '../packages/coordinator/src/store/sql-driver.js';
import type { Store } from '../packages/coordinator/src/store/store.js';
import { backends } from './support/backends.js';
import { ingestStack } from './support/ingest-stack.js';

// What a lease claim costs in statements (issue #14 point 1: the coordinator's CPU per page): a claim reads its
// node (revoked, credibility, leases held) in one statement and each job's facts (the job, its key's quota,
// its pages out on lease) in one; a job's licence tokens once per scheduler; leases past their deadline are
// looked for once a second of the scheduler's clock, not on every claim, and still go back to another node.
for (const backend of backends()) {
  describe(`lease claim statements: ${backend.name}`, () => {
    after(() => backend.cleanup());

    const setup = async (pages: number) => {
      let now = 1_000_000_000;
      const { store, blobs } = await ingestStack(backend, {
        politeness: false,
        nodeTimeoutMs: 0,
        leaseMs: 60_000,
        clock: () => now,
      });
      const node = async () => {
        const n = generateIdentity();
        await store.auth.upsertNode({ id: n.id });
        return n.id;
      };
      const job = await store.frontier.createJob(
        { tenant: 'default' },
        { seed: 'http://a.test/', maxPages: 100, maxDepth: 1, include: [], exclude: [] },
      );
      await store.db.transaction((tx) =>
        store.frontier.enqueue(
          tx,
          job.id,
          Array.from({ length: pages - 1 }, (_, i) => ({ url: `http://a.test/p${i}`, depth: 1 })),
        ),
      );
      // robots.txt and tdmrep.json answered (nothing reserved): the origin's pages are leasable.
      await store.db.run(
        `UPDATE hosts SET robots_state = 'fetched', robots_txt = '', policy_at = ?, tdmrep_state = 'fetched',
           tdmrep_at = ? WHERE origin = 'http://a.test'`,
        [now, now],
      );
      // Every statement the scheduler sends, in a transaction or not.
      const seen: string[] = [];
      const note = (sql: string) => {
        seen.push(sql);
        return sql;
      };
      const counting = (ex: SqlExecutor): SqlExecutor => ({
        all: (sql, p) => ex.all(note(sql), p),
        get: (sql, p) => ex.get(note(sql), p),
        run: (sql, p) => ex.run(note(sql), p),
      });
      const db = store.db;
      const plain = { all: db.all.bind(db), get: db.get.bind(db), run: db.run.bind(db) };
      const transaction = db.transaction.bind(db);
      Object.assign(db, counting(plain), {
        transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) => transaction((tx) => fn(counting(tx))),
      });
      const statements = async <T>(work: () => Promise<T>): Promise<[T, string[]]> => {
        seen.length = 0;
        const out = await work();
        return [out, seen.map((s) => s.replace(/\s+/g, ' '))];
      };
      const tick = (ms: number) => {
        now += ms;
      };
      return { store, blobs, node, job, statements, tick };
    };

    const matching = (list: string[], re: RegExp) => list.filter((s) => re.test(s)).length;

    /** The job runs while its leased URLs are open; once they are answered, finishIfDone ends it. */
    const answeredEndsIt = async (store: Store, jobId: string, why: string) => {
      assert.equal((await store.frontier.getJob(jobId))?.state, 'running', why);
      await store.db.run("UPDATE urls SET state = 'stored' WHERE job_id = ? AND state = 'leased'", [jobId]);
      await store.db.transaction((tx) => store.frontier.finishIfDone(tx, jobId));
      assert.equal((await store.frontier.getJob(jobId))?.state, 'done', 'nothing open: the job is done');
      await store.close();
    };

    test('a claim reads its node and its job in one statement each, licence tokens once a scheduler', async () => {
      const { store, node, statements, tick } = await setup(20);
      const n = await node();
      const scheduler = schedulerFor(store);
      const [first, firstSql] = await statements(() => scheduler.claim(n, 4));
      assert.equal(first.length, 4, 'four pages leased');
      assert.equal(matching(firstSql, /FROM job_license_tokens/), 1, 'the job’s licence tokens read once');
      tick(10);
      const [second, sql] = await statements(() => scheduler.claim(n, 4));
      assert.equal(second.length, 4, 'four more pages leased');
      assert.equal(
        matching(sql, /FROM jobs/),
        1,
        `the job, its key and its leased pages in one statement: ${sql.join('\n')}`,
      );
      assert.equal(matching(sql, /FROM job_license_tokens/), 0, 'licence tokens are not read again');
      // PostgreSQL reads the node again after the claim (a revoke that committed meanwhile); SQLite's claim
      // holds the write lock from its start, so no revoke can commit during it.
      assert.equal(
        matching(sql, /FROM nodes|AND leased_to = \?/),
        backend.name === 'postgres' ? 2 : 1,
        `the node read once in the claim (revoked, credibility, held), and after it on PostgreSQL: ${sql.join('\n')}`,
      );
      assert.equal(matching(sql, /lease_deadline < \?/), 0, 'no overdue sweep 10 ms after the last one');
      await store.close();
    });

    test('a node whose row is gone gets no lease from a claim, whatever the bar (attacker: a session outliving its node)', async () => {
      const { store, job } = await setup(6);
      const ghost = generateIdentity().id; // a session's node id with no nodes row
      const scheduler = schedulerFor(store);
      assert.deepEqual(await scheduler.claim(ghost, 4), [], 'no leases without a bar');
      assert.deepEqual(
        await scheduler.claim(ghost, 4, undefined, 0.5),
        [],
        'no leases with the spot-check bar',
      );
      const leased = await store.db.get<{ n: number }>(
        "SELECT count(*) AS n FROM urls WHERE job_id = ? AND state = 'leased'",
        [job.id],
      );
      assert.equal(Number(leased?.n), 0, 'every URL stays queued');
      await store.close();
    });

    test('a claim reads the takedowns of all its ready hosts in one statement, each host meeting its own', async () => {
      const { store, node, job, statements } = await setup(2);
      const n = await node();
      // two more origins with two pages each, their robots.txt and tdmrep.json answered; c.test taken down
      await store.db.transaction((tx) =>
        store.frontier.enqueue(
          tx,
          job.id,
          ['b', 'c'].flatMap((h) => [0, 1].map((i) => ({ url: `http://${h}.test/p${i}`, depth: 1 }))),
        ),
      );
      await store.db.run(
        `UPDATE hosts SET robots_state = 'fetched', robots_txt = '', tdmrep_state = 'fetched',
           policy_at = (SELECT policy_at FROM hosts WHERE origin = 'http://a.test'),
           tdmrep_at = (SELECT policy_at FROM hosts WHERE origin = 'http://a.test')
         WHERE origin IN ('http://b.test', 'http://c.test')`,
      );
      await store.takedowns.add({
        kind: 'domain',
        value: 'c.test',
        host: 'c.test',
        reason: 'test',
        actor: 'test',
      });
      const [leases, sql] = await statements(() => schedulerFor(store).claim(n, 8));
      assert.deepEqual(
        leases.map((l) => new URL(l.url).host).sort(),
        ['a.test', 'a.test', 'b.test', 'b.test'],
        'a.test and b.test leased, nothing of c.test',
      );
      assert.equal(
        matching(sql, /FROM takedowns/),
        1,
        `one takedown read for three hosts: ${sql.join('\n')}`,
      );
      await store.close();
    });

    test('a job is checked for its end in one statement while it has URLs open, and ends when none is', async () => {
      const { store, node, job, statements } = await setup(2);
      const n = await node();
      const leases = await schedulerFor(store).claim(n, 2);
      assert.equal(leases.length, 2, 'both pages leased');
      const [, sql] = await statements(() =>
        store.db.transaction((tx) => store.frontier.finishIfDone(tx, job.id)),
      );
      assert.deepEqual(
        sql.filter((q) => !/^(BEGIN|COMMIT)/.test(q)).length,
        1,
        `one statement for a running job with URLs open: ${sql.join('\n')}`,
      );
      await answeredEndsIt(store, job.id, 'leased URLs keep the job open');
    });

    test('a full job skips its queued URLs and ends once its leased ones are answered', async () => {
      const { store, node, job } = await setup(3);
      const n = await node();
      assert.equal((await schedulerFor(store).claim(n, 1)).length, 1, 'one page leased');
      await store.db.run('UPDATE jobs SET stored = 100 WHERE id = ?', [job.id]);
      await store.db.transaction((tx) => store.frontier.finishIfDone(tx, job.id));
      const left = await store.db.all<{ state: string; reason: string | null }>(
        "SELECT state, reason FROM urls WHERE job_id = ? AND state <> 'leased'",
        [job.id],
      );
      assert.ok(
        left.length === 2 && left.every((r) => r.state === 'skipped' && r.reason === 'max_pages'),
        `queued URLs of a full job are skipped: ${JSON.stringify(left)}`,
      );
      await answeredEndsIt(store, job.id, 'its leased page keeps it open');
    });

    // An origin with many URLs queued: the claim's read of them walked every queued URL of the origin and sorted
    // them for its LIMIT (~1.5 ms a claim with 1,400 queued on SQLite, growing with the frontier).
    test('a claim reads an origin’s queued URLs from an index in their order, not all of them sorted', async () => {
      const { store, blobs, node, statements } = await setup(60);
      const [n, other] = [await node(), await node()];
      const checks = new SpotChecks(blobs, store.captures, { ...defaultSpotCheckConfig, rate: 1 });
      await store.db.transaction((tx) =>
        checks.maybeSchedule(tx, { id: 'o1', nodeId: other, url: 'http://a.test/old/o1' }),
      );
      const [leases, sql] = await statements(() => schedulerFor(store).claim(n, 4));
      assert.deepEqual(
        leases.map((l) => l.url),
        ['http://a.test/old/o1', 'http://a.test/', 'http://a.test/p0', 'http://a.test/p1'],
        'the check first, then shallowest first, then in the order queued',
      );
      // two reads: the origin's spot checks, then its pages
      const reads = sql.filter((q) => /FROM urls WHERE origin = \? AND state = 'queued'/.test(q));
      assert.equal(reads.length, 2, `the queued URLs' reads: ${sql.join('\n')}`);
      // origin, not_before, avoid_node, the node's refusals (refused_until; the node, its operator's and its
      // network's keys; expires_at), LIMIT, OFFSET
      const params = [
        'http://a.test',
        2_000_000_000,
        n,
        2_000_000_000,
        n,
        `op:${n}`,
        `op:${n}`,
        2_000_000_000,
        4,
        0,
      ];
      for (const read of reads) {
        let plan: string;
        if (backend.name === 'sqlite') {
          const rows = await store.db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${read}`, params);
          plan = rows.map((r) => r.detail).join('\n');
        } else {
          // a 60-row table is read whole by a sequential scan; without one, the choice is between the indexes
          plan = await store.db.transaction(async (tx) => {
            await tx.run('SET LOCAL enable_seqscan = off');
            const rows = await tx.all<{ 'QUERY PLAN': string }>(`EXPLAIN ${read}`, params);
            return rows.map((r) => r['QUERY PLAN']).join('\n');
          });
        }
        assert.match(plan, /urls_queue/, plan);
        assert.doesNotMatch(plan, /TEMP B-TREE|Sort/, `no sort of the queued URLs: ${plan}`);
      }
      await store.close();
    });

    test('a claim reads an origin’s spot checks only when one is due that the node is not kept from', async () => {
      const { store, blobs, node, statements, tick } = await setup(60);
      const [n, other] = [await node(), await node()];
      const scheduler = schedulerFor(store);
      const reads = (sql: string[]) => ({
        checks: matching(
          sql,
          /FROM urls WHERE origin = \? AND state = 'queued' AND depth = 0 AND kind = 'spotcheck'/,
        ),
        pages: matching(sql, /FROM urls WHERE origin = \? AND state = 'queued' AND kind IN/),
      });
      const [none, noneSql] = await statements(() => scheduler.claim(n, 4));
      assert.equal(none.length, 4);
      assert.deepEqual(reads(noneSql), { checks: 0, pages: 1 }, `no check queued: ${noneSql.join('\n')}`);
      // a check of n's own capture: n is kept from it (avoid_node), so its claim still does not read the checks
      const checks = new SpotChecks(blobs, store.captures, { ...defaultSpotCheckConfig, rate: 1 });
      await store.db.transaction((tx) =>
        checks.maybeSchedule(tx, { id: 'n1', nodeId: n, url: 'http://a.test/old/n1' }),
      );
      tick(10);
      const [own, ownSql] = await statements(() => scheduler.claim(n, 4));
      assert.deepEqual(
        own.map((l) => l.kind),
        ['page', 'page', 'page', 'page'],
      );
      assert.deepEqual(
        reads(ownSql),
        { checks: 0, pages: 1 },
        `only its own capture's check: ${ownSql.join('\n')}`,
      );
      // another node is not kept from it: its claim reads the checks and takes that one first
      tick(10);
      const [theirs, theirSql] = await statements(() => scheduler.claim(other, 4));
      assert.deepEqual(theirs.map((l) => l.url).slice(0, 1), ['http://a.test/old/n1']);
      assert.deepEqual(
        reads(theirSql),
        { checks: 1, pages: 1 },
        'one read of each queue: fewer rows than asked',
      );
      // a check not yet due (not_before ahead) is not read either
      await store.db.transaction((tx) =>
        checks.maybeSchedule(tx, { id: 'o1', nodeId: other, url: 'http://a.test/old/o1' }),
      );
      await store.db.run(
        "UPDATE urls SET not_before = ? WHERE kind = 'spotcheck' AND state = 'queued'",
        [4_000_000_000],
      );
      tick(10);
      const [later, laterSql] = await statements(() => scheduler.claim(n, 4));
      assert.equal(later.length, 4);
      assert.deepEqual(reads(laterSql), { checks: 0, pages: 1 });
      await store.close();
    });

    // Issue #14 point 4 ("crashes lose nothing and stall nothing"): one coordinator, one node, a 1,500-page job
    // whose node sat idle with 266 of its pages queued, the job never done. Spot checks of the node's own
    // captures (5 % of them, queued at depth 0 ahead of the pages, none of them the node's to take) filled the
    // five rounds of rows a claim reads of an origin once there were 80, so the pages behind were never read.
    test('a backlog of spot checks a node may not take hides no page from it; a node that may check gets them first', async () => {
      const { store, blobs, node, job } = await setup(4);
      const [only, other] = [await node(), await node()];
      // 100 of the node's captures drawn for a check (rate 1: every one), as ingest queues them
      const checks = new SpotChecks(blobs, store.captures, { ...defaultSpotCheckConfig, rate: 1 });
      await store.db.transaction(async (tx) => {
        for (let i = 0; i < 100; i++)
          await checks.maybeSchedule(tx, { id: `c${i}`, nodeId: only, url: `http://a.test/old/${i}` });
      });
      const scheduler = schedulerFor(store);
      const leased = await scheduler.claim(only, 4);
      assert.deepEqual(
        leased.map((l) => l.url),
        ['http://a.test/', 'http://a.test/p0', 'http://a.test/p1', 'http://a.test/p2'],
        'the seed and the three pages go to the node, past the 100 checks it may not take',
      );
      const checked = await scheduler.claim(other, 4);
      assert.deepEqual(
        checked.map((l) => l.kind),
        ['spotcheck', 'spotcheck', 'spotcheck', 'spotcheck'],
        'another node may check: it gets checks',
      );
      await answeredEndsIt(store, job.id, 'its leased pages keep it open; the checks are no part of it');
    });

    test('a node never reads its own captures’ checks: 100 of them ahead hide no check it may take', async () => {
      const { store, blobs, node } = await setup(1);
      const [a, b] = [await node(), await node()];
      const scheduler = schedulerFor(store);
      assert.equal((await scheduler.claim(a, 4)).length, 1, 'a holds the job’s only page');
      const checks = new SpotChecks(blobs, store.captures, { ...defaultSpotCheckConfig, rate: 1 });
      await store.db.transaction(async (tx) => {
        for (let i = 0; i < 100; i++)
          await checks.maybeSchedule(tx, { id: `a${i}`, nodeId: a, url: `http://a.test/old/a${i}` });
        await checks.maybeSchedule(tx, { id: 'b0', nodeId: b, url: 'http://a.test/old/b0' });
      });
      const taken = await scheduler.claim(a, 4);
      assert.deepEqual(
        taken.map((l) => l.url),
        ['http://a.test/old/b0'],
        'the check of b’s capture, behind 100 of a’s own, goes to a',
      );
      await store.close();
    });

    // Issue #14 point 4: with checks queued that the asking node may not take (its own captures'; on a network
    // of one node, all of them), its origin stayed "ready", and every wake of an idle node's long-poll ran a whole
    // claim that leased nothing (an idle one-node coordinator at 0.25 CPU-s a second: docs/BENCHMARKS.md).
    test('a long-poll asking again claims once for checks it may not take, not on every ask; a check it may take is claimed', async () => {
      const { store, blobs, node, statements, tick } = await setup(1);
      const [a, b] = [await node(), await node()];
      const scheduler = schedulerFor(store);
      assert.equal((await scheduler.claim(a, 4)).length, 1, 'a holds the job’s only page');
      const checks = new SpotChecks(blobs, store.captures, { ...defaultSpotCheckConfig, rate: 1 });
      const queue = (id: string, nodeId: string) =>
        store.db.transaction((tx) =>
          checks.maybeSchedule(tx, { id, nodeId, url: `http://a.test/old/${id}` }),
        );
      for (let i = 0; i < 5; i++) await queue(`c${i}`, a);
      tick(10);
      const [first, firstSql] = await statements(() => scheduler.claimAgain(a, 4));
      assert.deepEqual(first, [], 'none of the checks is a’s to take');
      assert.ok(firstSql.length > 1, `the first ask after they were queued claims: ${firstSql.join('\n')}`);
      for (let i = 0; i < 3; i++) {
        tick(10);
        const [again, sql] = await statements(() => scheduler.claimAgain(a, 4));
        assert.deepEqual(again, []);
        assert.equal(sql.length, 1, `the same checks: one read, no claim: ${sql.join('\n')}`);
      }
      await queue('cb', b);
      tick(10);
      const [taken] = await scheduler.claimAgain(a, 4);
      assert.equal(
        taken?.url,
        'http://a.test/old/cb',
        'a check of b’s capture, a’s to take, is claimed at once',
      );
      await store.close();
    });

    // A job at http://a.test/capped/ whose key may lease one page a day (its seed, the first claim's).
    const cappedJob = async (store: Awaited<ReturnType<typeof setup>>['store']) => {
      const key = await store.auth.createApiKey({
        name: 'small',
        tenant: 'default',
        role: 'customer',
        scopes: ['crawl'],
        pagesPerDay: 1,
      });
      return store.frontier.createJob(
        { tenant: 'default', apiKeyId: key.id },
        { seed: 'http://a.test/capped/', maxPages: 1000, maxDepth: 1, include: [], exclude: [] },
      );
    };

    // Rows a claim steps over for their job's sake filled its window like the checks above: a job whose key used
    // its pages for the day hid every other job's pages on the origin until the next UTC day.
    test('a job over its key’s pages for the day hides no other job’s pages on the origin from a claim', async () => {
      const { store, node, job } = await setup(1);
      const n = await node();
      const capped = await cappedJob(store);
      await store.db.transaction(async (tx) => {
        const pages = (prefix: string, count: number) =>
          Array.from({ length: count }, (_, i) => ({ url: `http://a.test/${prefix}${i}`, depth: 1 }));
        await store.frontier.enqueue(tx, capped.id, pages('capped/p', 100));
        await store.frontier.enqueue(tx, job.id, pages('p', 3));
      });
      const leased = await schedulerFor(store).claim(n, 4);
      assert.deepEqual(
        leased.map((l) => l.url),
        ['http://a.test/', 'http://a.test/capped/', 'http://a.test/p0', 'http://a.test/p1'],
        'both seeds (the capped key’s one page of the day), then the other job’s pages past the 100 capped ones',
      );
      await store.close();
    });

    // A job left out of a claim's later rounds for its key's pages for the day (or for being full) was left out
    // whole: its feeds, which count no page, were no longer leased behind its first page (a live collection over
    // its maker's pages for the day stopped reading its feeds on that origin).
    test('a job over its key’s pages for the day still has its feeds leased: they count no page', async () => {
      const { store, node } = await setup(1);
      const n = await node();
      const capped = await cappedJob(store);
      await store.db.transaction(async (tx) => {
        await store.frontier.enqueue(tx, capped.id, [
          { url: 'http://a.test/capped/p0', depth: 1 },
          { url: 'http://a.test/capped/p1', depth: 1 },
          { url: 'http://a.test/capped/feed.xml', depth: 1, kind: 'feed' },
        ]);
      });
      const leased = await schedulerFor(store).claim(n, 4);
      assert.deepEqual(
        leased.map((l) => l.url),
        ['http://a.test/', 'http://a.test/capped/', 'http://a.test/capped/feed.xml'],
        'the seeds (the capped key’s one page of the day), then the capped job’s feed past its pages',
      );
      await store.close();
    });

    test('a database made by an older version loses the index the claim no longer reads', async () => {
      const { store } = await setup(2);
      await store.db.run('DROP INDEX IF EXISTS urls_queue');
      await store.db.run('CREATE INDEX urls_claim ON urls (state, origin, not_before)');
      await store.migrate();
      const indexes = (
        backend.name === 'sqlite'
          ? await store.db.all<{ name: string }>(
              "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'urls'",
            )
          : await store.db.all<{ name: string }>(
              "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'urls'",
            )
      ).map((r) => r.name);
      assert.ok(indexes.includes('urls_queue'), `urls_queue made: ${indexes}`);
      assert.ok(!indexes.includes('urls_claim'), `urls_claim dropped: ${indexes}`);
      await store.close();
    });

    // A long-poll woken by a write (or its timer) asks again; on the crawl bench 370 of 378 such asks found
    // nothing, each a write transaction of four statements.
    test('a long-poll asking again with nothing ready reads once, and a due sweep still hands an overdue lease on', async () => {
      const { store, node, job, statements, tick } = await setup(1);
      const [a, b] = [await node(), await node()];
      const scheduler = schedulerFor(store);
      const [held] = await scheduler.claim(a, 1);
      assert.equal(held?.url, 'http://a.test/', 'node a holds the only page');
      tick(10);
      const [none, sql] = await statements(() => scheduler.claimAgain(b, 4));
      assert.deepEqual(none, [], 'nothing to lease');
      assert.equal(sql.length, 1, `one read, no claim: ${sql.join('\n')}`);
      assert.match(sql[0] as string, /FROM hosts/);
      // past the lease's deadline the overdue sweep is due: the ask is a claim, and b gets the page
      tick(60_000);
      const [taken] = await scheduler.claimAgain(b, 4);
      assert.equal(taken?.url, 'http://a.test/', 'the overdue page goes to b');
      // queued work is leased as claim() leases it
      await store.db.transaction((tx) =>
        store.frontier.enqueue(tx, job.id, [{ url: 'http://a.test/next', depth: 1 }]),
      );
      tick(10);
      const [next] = await scheduler.claimAgain(b, 4);
      assert.equal(next?.url, 'http://a.test/next', 'a queued URL is leased on the ask again');
      await store.close();
    });

    test('an overdue lease goes back at the first claim a second after the last sweep', async () => {
      const { store, node, statements, tick } = await setup(1);
      const [a, b] = [await node(), await node()];
      const scheduler = schedulerFor(store);
      const [held] = await scheduler.claim(a, 1);
      assert.equal(held?.url, 'http://a.test/', 'node a holds the only page');
      tick(60_000 - 1);
      assert.deepEqual(await scheduler.claim(b, 1), [], 'not overdue yet: b gets nothing');
      tick(2);
      const [early, sql] = await statements(() => scheduler.claim(b, 1));
      assert.deepEqual(early, [], 'within a second of the last sweep, no sweep');
      assert.equal(matching(sql, /lease_deadline < \?/), 0, 'the overdue query did not run');
      tick(1000);
      const [taken] = await scheduler.claim(b, 1);
      assert.equal(taken?.url, 'http://a.test/', 'a second later the overdue page goes to b');
      assert.equal(
        (await store.frontier.getLease(held?.leaseId as string))?.state,
        undefined,
        'a’s lease id is gone from its URL row',
      );
      await store.close();
    });
  });
}
