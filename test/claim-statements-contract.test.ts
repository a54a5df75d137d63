import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { schedulerFor } from '@sward/coordinator';
import { generateIdentity } from '@sward/core';
import type { SqlExecutor } from '../packages/coordinator/src/store/sql-driver.js';
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
      const { store } = await ingestStack(backend, {
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
      return { store, node, job, statements, tick };
    };

    const matching = (list: string[], re: RegExp) => list.filter((s) => re.test(s)).length;

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
      assert.equal(
        matching(sql, /FROM nodes|AND leased_to = \?/),
        2,
        `the node read once in the claim (revoked, credibility, held) and once after it (a revoke meanwhile): ${sql.join('\n')}`,
      );
      assert.equal(matching(sql, /lease_deadline < \?/), 0, 'no overdue sweep 10 ms after the last one');
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
