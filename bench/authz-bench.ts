// Authorisation overhead per request: p50/p99 latency of a read route (GET /v1/jobs/:id, a job with its
// progress) through three apps built the same way in the same run, on SQLite and on PostgreSQL:
//   none        a fixed principal is set, no check at all (the baseline)
//   authorize   api/authorize.ts with request quotas off: route rule, key lookup by hash, scope
//   +quota      authorize with the per-key request rate on (api/quotas.ts: one quota_usage update per
//               block of 1% of the limit, at most 50, spent locally)
//   +quota per request  authorize, then one quota_usage upsert per request: the design the blocks replaced
// The variants take turns request by request so machine load falls on all of them alike.
// Usage: node --import tsx bench/authz-bench.ts [--requests 2000] [--rounds 3] [--backends sqlite,postgres]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Principal, type Store } from '@sward/coordinator';
import { Hono, type MiddlewareHandler } from 'hono';
import { authorize, type KeyEnv } from '../packages/coordinator/src/api/authorize.js';
import { customerRoutes } from '../packages/coordinator/src/api/customer-routes.js';
import type { AppDeps } from '../packages/coordinator/src/api/deps.js';
import { freshPostgresDatabase } from '../test/support/backends.js';
import { benchOption as opt } from './support-args.js';
import { machineFacts } from './support-proc.js';

const REQUESTS = Number(opt('requests', '2000'));
const ROUNDS = Number(opt('rounds', '3'));
const BACKENDS = opt('backends', 'sqlite,postgres').split(',');

/** The customer routes behind `guard`, as api/app.ts mounts them. */
function appWith(store: Store, guard: MiddlewareHandler<KeyEnv>): Hono<KeyEnv> {
  const app = new Hono<KeyEnv>();
  app.use('*', guard);
  app.route('/v1', customerRoutes({ store } as AppDeps));
  app.onError((err, c) => c.json({ error: String(err) }, 500));
  return app;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/** One request through `app`, timed to its last body byte, in ms. */
async function timeOne(app: Hono<KeyEnv>, path: string, key: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  const res = await app.request(path, { headers: { authorization: `Bearer ${key}` } });
  await res.arrayBuffer();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status !== 200) throw new Error(`answer ${res.status}`);
  return ms;
}

async function bench(backend: string): Promise<void> {
  let location: string;
  let cleanup: () => Promise<void>;
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'sward-authz-'));
    location = join(dir, 'sward.db');
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    ({ url: location, cleanup } = await freshPostgresDatabase());
  }
  // One store for every variant; the request quota is on for one key and off (its own limit 0) for the other.
  const store = await openStore(location, { quotas: { requestsPerMinute: 1_000_000_000 } });
  try {
    const unlimited = await store.auth.createApiKey({
      name: 'bench',
      tenant: 'acme',
      role: 'customer',
      scopes: ['crawl'],
      requestsPerMinute: 0,
    });
    const limited = await store.auth.createApiKey({
      name: 'bench',
      tenant: 'acme',
      role: 'customer',
      scopes: ['crawl'],
    });
    const job = await store.frontier.createJob({ tenant: 'acme', apiKeyId: unlimited.id }, {
      seed: 'http://bench.test/',
    } as never);
    const fixed: Principal = {
      keyId: unlimited.id,
      name: 'bench',
      tenant: 'acme',
      role: 'customer',
      scopes: new Set(['crawl']),
      requestsPerMinute: 0,
      pagesPerDay: null,
      quotaKey: unlimited.id,
    };
    const guard = authorize(store);
    const variants: [string, string, Hono<KeyEnv>][] = [
      [
        'none',
        unlimited.key,
        appWith(store, async (c, next) => {
          c.set('principal', fixed);
          await next();
        }),
      ],
      ['authorize', unlimited.key, appWith(store, guard)],
      ['+quota', limited.key, appWith(store, guard)],
      [
        '+quota per request',
        unlimited.key,
        appWith(store, async (c, next) => {
          const win = Math.floor(Date.now() / 60_000) * 60_000;
          await guard(c, async () => {
            await store.quotas.take(unlimited.id, 'requests', win, 1_000_000_000);
            await next();
          });
        }),
      ],
    ];
    const path = `/v1/jobs/${job.id}`;
    const all = new Map<string, number[]>(variants.map(([n]) => [n, []]));
    for (const [, key, app] of variants) for (let i = 0; i < 50; i++) await timeOne(app, path, key); // warm-up
    // Request by request, the variants take turns: a burst of load on the machine falls on all alike.
    for (let r = 0; r < ROUNDS; r++)
      for (let i = 0; i < REQUESTS; i++)
        for (const [name, key, app] of variants) all.get(name)?.push(await timeOne(app, path, key));
    const base = (all.get('none') ?? []).sort((a, b) => a - b);
    console.log(`\n${backend}: ${ROUNDS} rounds x ${REQUESTS} requests per variant, GET /v1/jobs/:id`);
    console.log('| variant | p50 ms | p99 ms | p50 over none | p50 ratio | p99 ratio |');
    console.log('|---|---|---|---|---|---|');
    for (const [name] of variants) {
      const s = (all.get(name) ?? []).sort((a, b) => a - b);
      console.log(
        `| ${name} | ${pct(s, 0.5).toFixed(3)} | ${pct(s, 0.99).toFixed(3)} | ` +
          `${(pct(s, 0.5) - pct(base, 0.5)).toFixed(3)} | ${(pct(s, 0.5) / pct(base, 0.5)).toFixed(2)} | ` +
          `${(pct(s, 0.99) / pct(base, 0.99)).toFixed(2)} |`,
      );
    }
  } finally {
    await store.close();
    await cleanup();
  }
}

console.log(`authz-bench ${new Date().toISOString()} ${machineFacts()}; load ${loadavg()[0]?.toFixed(1)}`);
for (const b of BACKENDS) await bench(b);
