// What a lease claim costs when the frontier holds URLs that nodes refused by their operator's rules (FrontierStore.handBack:
// url_refusals, read by a claim only for URLs refused within refusalTtlMs). One origin with --queued pages, politeness
// off; a share of them (--refused, 0..1) refused by another node, and the first --own of them by the claiming node itself
// (its claim steps over those). Each claim asks for 16 leases; they are handed back (not timed) so every claim meets the
// same frontier. Prints CPU and wall ms per claim, on SQLite and PostgreSQL.
// Usage: node --import tsx bench/refusal-claim-bench.ts [--queued 2000] [--refused 0,0.5] [--own 64] [--claims 300]
import { openStore, schedulerFor } from '@sward/coordinator';
import { backends } from '../test/support/backends.js';
import { benchOption as opt } from './support-args.js';
import { machineFacts } from './support-proc.js';

const queued = Number(opt('queued', '2000'));
const shares = opt('refused', '0,0.5').split(',').map(Number);
const own = Number(opt('own', '64'));
const claims = Number(opt('claims', '300'));
process.env.SWARD_TEST_BACKENDS = opt('backends', 'sqlite,postgres');

async function run(backendName: string, share: number) {
  const backend = backends().find((b) => b.name === backendName);
  if (!backend) throw new Error(`no backend ${backendName}`);
  const now = Date.now();
  const store = await openStore(await backend.create(), {
    politeness: false,
    nodeTimeoutMs: 0,
    clock: () => now,
  });
  try {
    for (const id of ['claimer', 'other']) await store.auth.upsertNode({ id });
    const job = await store.frontier.createJob(
      { tenant: 'default' },
      { seed: 'http://bench.test/', maxPages: 1_000_000, maxDepth: 5, include: [], exclude: [] },
    );
    await store.db.transaction((tx) =>
      store.frontier.enqueue(
        tx,
        job.id,
        Array.from({ length: queued - 1 }, (_, i) => ({ url: `http://bench.test/p${i}`, depth: 1 })),
      ),
    );
    await store.db.run(
      `UPDATE hosts SET robots_state = 'fetched', robots_txt = '', policy_at = ?, tdmrep_state = 'fetched',
         tdmrep_at = ? WHERE origin = 'http://bench.test'`,
      [now, now],
    );
    const ids = (
      await store.db.all<{ id: number }>("SELECT id FROM urls WHERE kind = 'page' ORDER BY depth, id")
    ).map((r) => Number(r.id));
    // handBack puts a URL back from a lease: it is not checked, so it is called on queued rows directly
    await store.db.transaction(async (tx) => {
      for (const [i, id] of ids.entries()) {
        if (i < own) await store.frontier.handBack(tx, id, 'claimer', now - 2000);
        else if (i < own + share * (ids.length - own))
          await store.frontier.handBack(tx, id, 'other', now - 2000);
      }
    });
    const scheduler = schedulerFor(store);
    let cpuUs = 0;
    let wallMs = 0;
    for (let i = 0; i < claims; i++) {
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      const leases = await scheduler.claim('claimer', 16, now);
      wallMs += performance.now() - w0;
      const c = process.cpuUsage(c0);
      if (i >= 20) cpuUs += c.user + c.system; // the first claims warm the statement caches
      if (leases.length !== 16) throw new Error(`leased ${leases.length}`);
      await store.frontier.handBackNodeLeases('claimer');
    }
    const n = claims - 20;
    return { cpuMs: cpuUs / 1000 / n, wallMs: wallMs / claims };
  } finally {
    await store.close();
    await backend.cleanup();
  }
}

console.log(machineFacts());
console.log(
  `${queued} queued pages on one origin, politeness off; the claiming node refused the first ${own}; claims of 16\n`,
);
console.log('| backend | refused by another node | CPU ms per claim | wall ms per claim |');
console.log('|---|---:|---:|---:|');
for (const b of backends().map((x) => x.name))
  for (const share of shares) {
    const r = await run(b, share);
    console.log(`| ${b} | ${share * 100} % | ${r.cpuMs.toFixed(3)} | ${r.wallMs.toFixed(3)} |`);
  }
