// Pay-per-crawl budgets as the scheduler keeps them: many claims at once (on PostgreSQL from two stores on
// one database, as two coordinator replicas would) never hold more than the budget; a lease handed back or
// expired gives its hold back; a capture's charge settles it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Store, schedulerFor } from '@sward/coordinator';
import { backends } from './support/backends.js';
import { claimInRounds, jobOverOrigins, twoReplicas } from './support/paying-origins.js';

for (const backend of backends())
  describe(`crawl budget: ${backend.name}`, () => {
    let a: Store;
    let b: Store;
    let close: () => Promise<void>;
    before(async () => {
      ({ a, b, close } = await twoReplicas(backend));
    });
    after(async () => {
      await close();
      await backend.cleanup();
    });

    /** A job over 30 origins whose robots.txt and tdmrep.json are already known (allow all). */
    const jobOver30Origins = (budget: string) =>
      jobOverOrigins(
        a,
        Array.from({ length: 30 }, (_, i) => `http://site${i}.${backend.name}-${budget}.test`),
        { maxPrice: '0.01', budget },
      );
    /** A page lease (policy files carry no access). */
    const paying = (l: { kind: string }) => l.kind === 'page';
    const held = async (jobId: string) => (await a.payments.budgetOf(a.db, jobId))?.held ?? -1;

    test('concurrent claims from two replicas never hold more than the budget', async () => {
      const jobId = await jobOver30Origins('0.05');
      // 12 nodes ask at once, half through each replica, three rounds.
      const leases = await claimInRounds([a, b], async (round) => {
        assert.ok((await held(jobId)) <= 50_000, `held ${await held(jobId)} after round ${round}`);
      });
      const pays = leases.filter((l) => l.access?.maxPrice === 'USD 0.01');
      assert.equal(
        pays.length,
        5,
        `5 leases may pay USD 0.01: ${JSON.stringify(leases.map((l) => l.access))}`,
      );
      assert.equal(await held(jobId), 50_000);
      // The rest wait (queued) while money is held: nothing was leased offering less.
      assert.ok(!leases.some((l) => paying(l) && l.access?.maxPrice !== 'USD 0.01'));
    });

    test('a lease handed back releases its hold; a settled charge moves it to spent', async () => {
      const jobId = await jobOver30Origins('0.02');
      const s = schedulerFor(a);
      const first = (await s.claim('node-x', 10)).filter(paying);
      assert.equal(first.length, 2);
      assert.equal(await held(jobId), 20_000);
      // node-x goes away: its leases come back and so does the money they held
      await a.frontier.handBackNodeLeases('node-x');
      assert.equal(await held(jobId), 0);
      const second = (await s.claim('node-y', 10)).filter(paying);
      assert.equal(second.length, 2, 'the released money is offered again');
      // One of them is answered with a charge of half its hold: spent 0.005, its hold gone.
      const [paid] = second;
      await a.db.transaction(async (tx) => {
        const row = await a.frontier.getLease(paid?.leaseId as string, tx);
        await a.payments.settle(tx, paid?.leaseId as string, jobId, 5_000);
        await a.frontier.settle(tx, row?.id as number, 'stored', null);
      });
      const after = await a.payments.budgetOf(a.db, jobId);
      assert.deepEqual(after && { spent: after.spent, held: after.held }, { spent: 5_000, held: 10_000 });
      // 0.005 left, less than a page's ceiling, while 0.01 is held: the next page waits...
      assert.equal((await s.claim('node-z', 10)).filter(paying).length, 0);
      // ...and once nothing is held, a whole page's ceiling is offered again while the budget allows it,
      await a.frontier.handBackNodeLeases('node-y');
      const next = (await s.claim('node-z', 10)).filter(paying);
      assert.deepEqual(
        next.map((l) => l.access?.maxPrice),
        ['USD 0.01'],
      );
      await a.db.transaction(async (tx) => {
        const row = await a.frontier.getLease(next[0]?.leaseId as string, tx);
        await a.payments.settle(tx, next[0]?.leaseId as string, jobId, 10_000);
        await a.frontier.settle(tx, row?.id as number, 'stored', null);
      });
      // then only what is left (a site asking more is recorded as budget_exhausted).
      const tail = (await s.claim('node-w', 10)).filter(paying);
      assert.equal(tail[0]?.access?.maxPrice, 'USD 0.005');
    });
  });
