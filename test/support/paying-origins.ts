import { openStore, type Store, schedulerFor } from '@sward/coordinator';
import type { Backend } from './backends.js';

type Lease = Awaited<ReturnType<ReturnType<typeof schedulerFor>['claim']>>[number];

/** Nodes the paying tests claim for by name, besides claimInRounds' node-0…node-11. */
export const PAYING_TEST_NODES = ['node-w', 'node-x', 'node-y', 'node-z'];

/**
 * Two stores on one fresh database of `backend`, as two coordinator replicas would be, with politeness on
 * and no delay (one lease per origin at a time). SQLite has one writer per file: a second store would only
 * wait on the lock, so there both are the same store.
 */
export async function twoReplicas(backend: Backend): Promise<{ a: Store; b: Store; close(): Promise<void> }> {
  const db = await backend.create();
  const cfg = { hostDelayMs: 0, leaseMs: 60_000, nodeTimeoutMs: 0 };
  const a = await openStore(db, cfg);
  const b = backend.name === 'postgres' ? await openStore(db, cfg) : a;
  // A claim for a node with no row gets nothing (scheduler/node-standing.ts): register those the tests use.
  for (const id of [...Array.from({ length: 12 }, (_, i) => `node-${i}`), ...PAYING_TEST_NODES])
    await a.auth.upsertNode({ id, operator: `op-${id}` });
  return {
    a,
    b,
    async close() {
      await a.close();
      if (b !== a) await b.close();
    },
  };
}

/**
 * A paying job (tenant `t`) over one page on each of `origins`, whose robots.txt and tdmrep.json are
 * already known (allow all), so every origin may be leased at once; its id.
 */
export async function jobOverOrigins(
  store: Store,
  origins: string[],
  money: { maxPrice: string; budget: string },
): Promise<string> {
  const job = await store.frontier.createJob(
    { tenant: 't' },
    { seed: `${origins[0]}/`, maxPages: 1000, maxDepth: 5, include: [], exclude: [], ...money },
  );
  await store.db.transaction(async (tx) => {
    await store.frontier.enqueue(
      tx,
      job.id,
      origins.map((o) => ({ url: `${o}/page`, depth: 1 })),
    );
    for (const o of origins) {
      const source = {
        url: `${o}/robots.txt`,
        captureId: null,
        status: 404,
        bodySha256: null,
        fetchedAt: Date.now(),
        detail: null,
      };
      await store.frontier.setRobots(tx, o, 'allow-all', null, source);
      await store.frontier.setTdmRep(tx, o, null, source);
    }
  });
  return job.id;
}

/**
 * 12 nodes ask for 4 leases each at once, half through each store's scheduler, three rounds; `afterRound`
 * runs after each round (the budget's hold is checked there). Every lease handed out.
 */
export async function claimInRounds(
  stores: [Store, Store],
  afterRound: (round: number) => Promise<void>,
): Promise<Lease[]> {
  const schedulers = stores.map((s) => schedulerFor(s));
  const leases: Lease[] = [];
  for (let round = 0; round < 3; round++) {
    const got = await Promise.all(
      Array.from({ length: 12 }, (_, i) => schedulers[i % 2]?.claim(`node-${i}`, 4) ?? []),
    );
    leases.push(...got.flat());
    await afterRound(round);
  }
  return leases;
}
