import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { schedulerFor } from '@sward/coordinator';
import { generateIdentity } from '@sward/core';
import { nodeCredibility } from '../packages/coordinator/src/rewards/operator-status.js';
import { defaultRewardsPolicy } from '../packages/coordinator/src/rewards/rewards-policy.js';
import {
  defaultSpotCheckConfig,
  NOT_RUN,
  SpotChecks,
  type SpotCheckTask,
} from '../packages/coordinator/src/spot-check/index.js';
import type { SqlExecutor, SqlValue } from '../packages/coordinator/src/store/sql-driver.js';
import { backends } from './support/backends.js';
import { ingestStack } from './support/ingest-stack.js';

// Issue #14 point 4: on a network where no node may take a spot check (one node; every node of one operator or
// /24) the check stayed queued for good, never done and never said to be. It now ends as *not run* after
// notRunAfterMs: credited to nobody, charged to nobody, and reported as not run.
for (const backend of backends()) {
  describe(`spot checks nobody may take: ${backend.name}`, () => {
    after(() => backend.cleanup());

    const DEADLINE = 10 * 60_000;
    const setup = async (leaseMs = 60_000) => {
      let now = 1_000_000_000;
      const clock = () => now;
      const { store, blobs, ingest } = await ingestStack(backend, {
        politeness: false,
        nodeTimeoutMs: 0,
        leaseMs,
        clock,
      });
      const node = async (operator: string | null = null) => {
        const n = generateIdentity();
        await store.auth.upsertNode({ id: n.id });
        if (operator) await store.db.run('UPDATE nodes SET operator = ? WHERE id = ?', [operator, n.id]);
        return n.id;
      };
      // robots.txt and tdmrep.json answered (nothing reserved): the origin's URLs are leasable.
      await store.db.run(
        `INSERT INTO hosts (origin, robots_state, robots_txt, policy_at, tdmrep_state, tdmrep_at)
         VALUES ('http://a.test', 'fetched', '', ?, 'fetched', ?)`,
        [now, now],
      );
      const checks = new SpotChecks(blobs, store.captures, {
        ...defaultSpotCheckConfig,
        rate: 1,
        notRunAfterMs: DEADLINE,
        clock,
      });
      const scheduler = schedulerFor(store);
      // as the coordinator wires it (server.ts)
      scheduler.endNotRunChecks = (tx) => checks.endNotRun(tx, store.db.dialect);
      // A stored capture's row (what the operator's status joins a check to), as ingest writes it.
      const capture = (tx: SqlExecutor, id: string, nodeId: string) =>
        tx.run(
          `INSERT INTO captures (id, job_id, url_id, node_id, lease_id, requested_url, final_url, status,
             body_sha256, body_length, fetched_at, signed, outcome, created_at)
           VALUES (?, 'j', 0, ?, ?, ?, ?, 200, 'x', 0, ?, '{}', 'stored', ?)`,
          [id, nodeId, `l_${id}`, `http://a.test/${id}`, `http://a.test/${id}`, now, now],
        );
      const queue = (tasks: { captureId: string; nodeId: string }[]) =>
        store.db.transaction(async (tx) => {
          for (const t of tasks) {
            await capture(tx, t.captureId, t.nodeId);
            await checks.maybeSchedule(tx, {
              id: t.captureId,
              nodeId: t.nodeId,
              url: `http://a.test/${t.captureId}`,
            });
          }
        });
      const rows = () =>
        store.db.all<{ state: string; reason: string | null }>(
          "SELECT state, reason FROM urls WHERE kind = 'spotcheck' ORDER BY id",
        );
      const tick = (ms: number) => {
        now += ms;
      };
      return { store, blobs, ingest, checks, scheduler, node, capture, queue, rows, tick };
    };

    test('a check no node may take ends as not run at its deadline, not before, crediting and charging nobody (attacker: a liar alone with its sybils)', async () => {
      const { store, scheduler, node, queue, rows, tick } = await setup();
      // The liar and a second node of its own operator: neither may check the liar's captures.
      const [liar, sybil] = [await node('mallory'), await node('mallory')];
      await queue([1, 2, 3].map((i) => ({ captureId: `c${i}`, nodeId: liar })));
      assert.deepEqual(await scheduler.claim(liar, 4), [], 'the liar may not check its own captures');
      assert.deepEqual(await scheduler.claim(sybil, 4), [], 'nor may a node of its operator');
      tick(DEADLINE - 1);
      assert.deepEqual(await scheduler.claim(sybil, 4), []);
      assert.ok(
        (await rows()).every((r) => r.state === 'queued'),
        'before the deadline the checks wait, however sure it is that nobody here may take them',
      );
      // the sweep looks once a minute at most
      tick(60_000 + 1);
      assert.deepEqual(await scheduler.claim(liar, 4), []);
      assert.deepEqual(
        await rows(),
        [1, 2, 3].map(() => ({ state: 'skipped', reason: NOT_RUN })),
        'past the deadline every check ended, as not run',
      );
      const recorded = await store.db.all<Record<string, unknown>>(
        'SELECT capture_id, round, outcome, charged_node, credited_node FROM spot_checks ORDER BY capture_id',
      );
      assert.deepEqual(
        recorded.map((r) => ({ ...r, round: Number(r.round) })),
        [1, 2, 3].map((i) => ({
          capture_id: `c${i}`,
          round: 1,
          outcome: NOT_RUN,
          charged_node: null,
          credited_node: null,
        })),
        'each recorded as not run, crediting and charging nobody',
      );
      const checks = new SpotChecks(null as never, store.captures, defaultSpotCheckConfig);
      assert.deepEqual(
        await checks.credibility(store.db, liar),
        { score: 1, credited: 0, charged: 0 },
        'a check not run is no agreement: the liar gains no credit from it',
      );
      const status = await nodeCredibility(store.db, defaultRewardsPolicy, liar, 1);
      assert.ok(
        status.reasons.some((r) => /3 of 3 spot checks of its captures were not run/.test(r)),
        `the operator's status says so: ${status.reasons.join(' | ')}`,
      );
      assert.ok(
        !status.reasons.some((r) => /agreed/.test(r) && !/^no spot checks/.test(r)),
        `and calls none of them agreed: ${status.reasons.join(' | ')}`,
      );
      await store.close();
    });

    test('a check a node may take is leased, not ended, and a node arriving before the deadline still gets it', async () => {
      const { store, scheduler, node, queue, rows, tick } = await setup(5 * 60_000);
      const [alice, bob] = [await node('alice'), await node('bob')];
      await queue([{ captureId: 'c1', nodeId: alice }]);
      tick(DEADLINE - 1);
      const [lease] = await scheduler.claim(bob, 4);
      assert.equal(lease?.kind, 'spotcheck', 'bob, of another operator, checks alice’s capture');
      tick(60_000 + 1); // past the check's deadline and a sweep's interval, within the lease's
      await scheduler.claim(alice, 4);
      assert.deepEqual(await rows(), [{ state: 'leased', reason: null }], 'a leased check is not ended');
      await store.close();
    });

    // Both read the queued checks alone, from an index of spot checks: urls_queue (state=?) would walk every queued
    // page of every job, on every ask of an idle long-poll.
    test('the sweep and the long-poll’s look read queued checks from their own index, not every queued URL', async () => {
      const { store, checks } = await setup();
      const seen: [string, unknown[]][] = [];
      const spy = {
        all: async (sql: string, p: unknown[] = []) => {
          seen.push([sql, p]);
          return [];
        },
        get: async (sql: string, p: unknown[] = []) => {
          seen.push([sql, p]);
          return undefined;
        },
        run: async () => ({ changes: 0 }),
      } as unknown as SqlExecutor;
      await checks.endNotRun(spy, store.db.dialect);
      await store.frontier.readiness(spy, 1, 'n');
      assert.equal(seen.length, 2, seen.join('\n'));
      for (const [sql, params] of seen) {
        let plan: string;
        if (backend.name === 'sqlite') {
          const rows = await store.db.all<{ detail: string }>(
            `EXPLAIN QUERY PLAN ${sql}`,
            params as SqlValue[],
          );
          plan = rows.map((r) => r.detail).join('\n');
        } else {
          plan = await store.db.transaction(async (tx) => {
            await tx.run('SET LOCAL enable_seqscan = off');
            const rows = await tx.all<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params as SqlValue[]);
            return rows.map((r) => r['QUERY PLAN']).join('\n');
          });
        }
        assert.match(plan, /urls_checks/, plan);
        if (backend.name === 'sqlite')
          assert.doesNotMatch(
            plan,
            /SEARCH u USING INDEX urls_queue \(state=\?\)\n/,
            `no walk of every queued URL: ${plan}`,
          );
      }
      await store.close();
    });

    // The long-poll slept until the first origin's delay ends; one already past it (its queued checks not the
    // node's to take) made that "now", and the poll asked again every millisecond.
    test('a long-poll with nothing to take waits for an origin coming off its delay, not for one already off it', async () => {
      const now = 1_000_000_000;
      const { store } = await ingestStack(backend, { politeness: true, clock: () => now });
      await store.db.run("INSERT INTO hosts (origin, next_at) VALUES ('http://a.test', ?)", [now - 1000]);
      await store.db.run(
        `INSERT INTO urls (job_id, url, origin, kind, depth, state, detail, created_at, updated_at)
         VALUES ('_spotcheck:c1:1', 'http://a.test/x', 'http://a.test', 'spotcheck', 0, 'queued', '{}', ?, ?)`,
        [now, now],
      );
      assert.equal(
        await store.frontier.nextReadyAt(now),
        null,
        'an origin past its delay: nothing to wait for',
      );
      await store.db.run("UPDATE hosts SET next_at = ? WHERE origin = 'http://a.test'", [now + 500]);
      assert.equal(
        await store.frontier.nextReadyAt(now),
        now + 500,
        'one still in its delay: wake when it ends',
      );
      await store.close();
    });

    test('a check its checkers take and let lapse until it fails ends not run, not vanished (attacker: colluding checkers)', async () => {
      const { store, checks, scheduler, node, queue, tick } = await setup();
      const alice = await node('alice');
      // three checkers of other operators (a lapsed lease keeps its node off the URL: one colluder is not enough)
      const colluders = [await node('bob'), await node('carol'), await node('dave')];
      await queue([{ captureId: 'c1', nodeId: alice }]);
      // each takes the check and never answers; a lapse sends it back to the queue until maxAttempts (3) fails it
      for (const [i, checker] of colluders.entries()) {
        tick(2);
        assert.equal((await scheduler.claim(checker, 4))[0]?.kind, 'spotcheck', `checker ${i + 1} takes it`);
        tick(60_001);
        await scheduler.claim(alice, 4); // past the lease: the overdue sweep, then the not-run sweep
      }
      const row = await store.db.get<{ state: string; reason: string; detail: string }>(
        "SELECT state, reason, detail FROM urls WHERE kind = 'spotcheck'",
      );
      assert.equal(row?.state, 'skipped');
      assert.equal(row?.reason, NOT_RUN);
      assert.match(row?.detail ?? '', /^failed \(lease_expired\): /, 'what it failed of is kept');
      const r = await store.db.get<Record<string, unknown>>(
        'SELECT round, outcome, charged_node, credited_node FROM spot_checks',
      );
      assert.deepEqual(
        { ...r, round: Number(r?.round) },
        { round: 1, outcome: NOT_RUN, charged_node: null, credited_node: null },
      );
      assert.equal(await checks.checkOfCapture(store.db, 'c1'), 'not_run', 'the draw says not run');
      for (const n of [alice, ...colluders])
        assert.deepEqual((await checks.credibility(store.db, n)).score, 1, 'nobody credited or charged');
      await store.close();
    });

    // A check's row holds its task in `detail`: a hand-back (a node stopping, or gone silent) or a lapsed lease
    // wrote its own message there, and the next claim failed the check as bad_spot_check.
    test('a check handed back by its checker keeps its task: another node runs it', async () => {
      const { store, scheduler, node, queue } = await setup();
      const [alice, bob, carol] = [await node('alice'), await node('bob'), await node('carol')];
      await queue([{ captureId: 'c1', nodeId: alice }]);
      assert.equal((await scheduler.claim(bob, 4))[0]?.kind, 'spotcheck', 'bob takes it');
      assert.equal(await store.frontier.handBackNodeLeases(bob), 1, 'bob stops and hands it back');
      const [lease] = await scheduler.claim(carol, 4);
      assert.equal(lease?.kind, 'spotcheck', 'carol runs it');
      const row = await store.db.get<{ detail: string }>("SELECT detail FROM urls WHERE kind = 'spotcheck'");
      assert.deepEqual(JSON.parse(row?.detail ?? 'null'), { captureId: 'c1', round: 1, exclude: [alice] });
      await store.close();
    });

    // A check the claim skips by the origin's policy (a takedown of its URL; a robots.txt Crawl-delay past what
    // this coordinator waits, which a node answering the origin's robots.txt can write) was skipped with no
    // spot_checks row: never run, never said to be, and the draw answered "pending" for good.
    test('a check skipped by a takedown or a robots.txt Crawl-delay is recorded not run, not vanished', async () => {
      const { store, checks, scheduler, node, queue, tick } = await setup();
      const [alice, bob] = [await node('alice'), await node('bob')];
      await store.db.run(
        `INSERT INTO hosts (origin, robots_state, robots_txt, policy_at, tdmrep_state, tdmrep_at)
         VALUES ('http://b.test', 'fetched', ?, ?, 'fetched', ?)`,
        ['User-agent: *\nCrawl-delay: 86400\n', 1_000_000_000, 1_000_000_000],
      );
      await queue([{ captureId: 'c1', nodeId: alice }]);
      await store.db.transaction(async (tx) => {
        await tx.run(
          `INSERT INTO captures (id, job_id, url_id, node_id, lease_id, requested_url, final_url, status,
             body_sha256, body_length, fetched_at, signed, outcome, created_at)
           VALUES ('c2', 'j', 0, ?, 'l_c2', 'http://b.test/c2', 'http://b.test/c2', 200, 'x', 0, 0, '{}', 'stored', 0)`,
          [alice],
        );
        await checks.maybeSchedule(tx, { id: 'c2', nodeId: alice, url: 'http://b.test/c2' });
      });
      await store.takedowns.add({
        kind: 'url',
        value: 'http://a.test/c1',
        host: 'a.test',
        reason: 'test',
        actor: 'admin',
      });
      assert.deepEqual(await scheduler.claim(bob, 4), [], 'neither check goes out');
      tick(60_001); // the not-run sweep's next look
      await scheduler.claim(bob, 4);
      const recorded = await store.db.all<Record<string, unknown>>(
        'SELECT capture_id, round, outcome, charged_node, credited_node FROM spot_checks ORDER BY capture_id',
      );
      assert.deepEqual(
        recorded.map((r) => ({ ...r, round: Number(r.round) })),
        ['c1', 'c2'].map((id) => ({
          capture_id: id,
          round: 1,
          outcome: NOT_RUN,
          charged_node: null,
          credited_node: null,
        })),
        'both recorded as not run',
      );
      for (const id of ['c1', 'c2'])
        assert.equal(await checks.checkOfCapture(store.db, id), 'not_run', `the draw of ${id} says not run`);
      const rows = await store.db.all<{ reason: string; detail: string }>(
        "SELECT reason, detail FROM urls WHERE kind = 'spotcheck' ORDER BY url",
      );
      assert.deepEqual(
        rows.map((r) => r.reason),
        [NOT_RUN, NOT_RUN],
      );
      assert.match(rows[0]?.detail ?? '', /^failed \(takedown\): /, 'why it was not run is kept');
      assert.match(rows[1]?.detail ?? '', /^failed \(crawl_delay_too_long\): /, 'why it was not run is kept');
      await store.close();
    });

    // A checker's failure report of a kind not retried for pages (TOO_LARGE, TOO_MANY_REDIRECTS, BLOCKED_ADDRESS)
    // failed the check at once: one checker (broken, or the liar's of another operator) ended it as not run on
    // its word, where PROTOCOL promises maxAttempts tries. The capture it checks was fetched, so another node tries.
    test('a checker’s failure report sends the check to another node, not to its end (attacker: one colluding checker)', async () => {
      const { store, ingest, scheduler, node, queue, rows, tick } = await setup();
      const [alice, bob, carol] = [await node('alice'), await node('bob'), await node('carol')];
      await queue([{ captureId: 'c1', nodeId: alice }]);
      for (const code of ['TOO_LARGE', 'TOO_MANY_REDIRECTS', 'BLOCKED_ADDRESS', 'TIMEOUT'] as const) {
        const [lease] = await scheduler.claim(bob, 4);
        assert.equal(lease?.kind, 'spotcheck', `bob takes it (${code})`);
        const { outcome } = await ingest.acceptFailure(bob, {
          leaseId: lease?.leaseId ?? '',
          jobId: lease?.jobId ?? '',
          url: lease?.url ?? '',
          code,
          message: 'said by bob',
        });
        assert.equal(outcome, 'retry', `${code}: the check goes back to the queue`);
        assert.deepEqual(await rows(), [{ state: 'queued', reason: code.toLowerCase() }]);
        tick(1000); // past the retry's backoff
        assert.deepEqual(await scheduler.claim(bob, 4), [], 'not to bob again at once');
        const [again] = await scheduler.claim(carol, 4);
        assert.equal(again?.kind, 'spotcheck', 'carol gets it, its task kept');
        // carol hands it back (stopping): attempts are not spent, bob may try again
        await store.frontier.handBackNodeLeases(carol);
        await store.db.run("UPDATE urls SET attempts = 0, avoid_node = NULL WHERE kind = 'spotcheck'");
      }
      await store.close();
    });

    test('a tie-break no node may take leaves the disagreement unresolved, and says so', async () => {
      const { store, checks, scheduler, node, capture, tick } = await setup();
      const [alice, bob] = [await node('alice'), await node('bob')];
      await store.db.transaction((tx) => capture(tx, 'c1', alice));
      // As resolve() queues it after bob's fetch disagreed with alice's capture: only a third operator may break it.
      const task: SpotCheckTask = { captureId: 'c1', round: 2, exclude: [alice, bob] };
      await store.db.transaction((tx) =>
        (
          checks as unknown as { schedule(tx: SqlExecutor, url: string, t: SpotCheckTask): Promise<void> }
        ).schedule(tx, 'http://a.test/c1', task),
      );
      tick(DEADLINE + 1);
      assert.deepEqual(await scheduler.claim(bob, 4), [], 'bob may not break his own tie');
      const r = await store.db.get<Record<string, unknown>>(
        'SELECT round, outcome, charged_node FROM spot_checks',
      );
      assert.deepEqual({ ...r, round: Number(r?.round) }, { round: 2, outcome: NOT_RUN, charged_node: null });
      const status = await nodeCredibility(store.db, defaultRewardsPolicy, alice, 1);
      assert.ok(
        status.reasons.some((x) => /1 disagreement about its captures is unresolved/.test(x)),
        `reported unresolved: ${status.reasons.join(' | ')}`,
      );
      await store.close();
    });
  });
}
