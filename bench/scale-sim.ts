// The model of docs/SCALE.md, checked by simulation: where one PostgreSQL saturates, and how many shards of
// frontier and log (hosts assigned by a hash of their origin) carry a target rate, 10 million pages a
// minute by default.
//
// Inputs are measurements (docs/BENCHMARKS.md "Coordinators on PostgreSQL: 1 vs 2"): SQL statements per
// page, log appends per second on one PostgreSQL, and PostgreSQL's statement capacity (pgbench, --pgbench
// runs it on a scratch database). The simulation then crawls a synthetic web for one minute, second by
// second: hosts with Zipf-distributed sizes, each fetched at most `hostRate` pages/s (politeness), each
// shard serving at most its capacity per second; what a shard cannot serve waits for the next second.
// Usage: node --import tsx bench/scale-sim.ts [--statements-per-page 30] [--pg-statements-per-s 20000]
//          [--log-leaves-per-s 13000] [--utilisation 0.6] [--target-per-min 10000000] [--hosts 1000000]
//          [--host-rate 1] [--seed 1] [--pgbench] [--json]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { prng } from '@sward/testsites';

export interface ScaleInputs {
  /** SQL statements (BEGIN and COMMIT included) the network sends per stored page. */
  statementsPerPage: number;
  /** Statements per second one PostgreSQL server sustains for this kind of short statement. */
  pgStatementsPerS: number;
  /** Leaves per second one log (one sequencer on one PostgreSQL) appends. */
  logLeavesPerS: number;
  /** Fraction of a server's capacity a shard is planned to use (headroom for spikes, vacuum, backups). */
  utilisation: number;
  targetPerMin: number;
  /** Hosts with pages to crawl in the simulated minute. */
  hosts: number;
  /** Politeness: pages per second one host is fetched at, at most. */
  hostRate: number;
  seed: number;
}

export const DEFAULT_INPUTS: ScaleInputs = {
  statementsPerPage: 30,
  pgStatementsPerS: 20_000,
  logLeavesPerS: 13_000,
  utilisation: 0.6,
  targetPerMin: 10_000_000,
  hosts: 1_000_000,
  hostRate: 1,
  seed: 1,
};

export interface ShardRun {
  shards: number;
  /** Pages one shard may serve per second (the lower of its SQL and its log capacity, times utilisation). */
  shardCapacity: number;
  pagesInMinute: number;
  /** Busiest shard's mean use of its capacity over the minute. */
  maxShardUse: number;
  meanShardUse: number;
  /** Pages the hosts' politeness would allow in the minute but a full shard could not take. */
  backlog: number;
}

export interface ScaleResult {
  inputs: ScaleInputs;
  /** Pages per second one PostgreSQL serves at 100 % of its statement capacity. */
  onePgPagesPerS: number;
  /** …and what its one log can take. */
  oneLogPagesPerS: number;
  /** Shards by arithmetic alone: target / shard capacity. */
  shardsByArithmetic: number;
  /** Fewest shards the simulation needs to store the target within the minute (0: not reached). */
  shardsNeeded: number;
  /** Pages the hosts allow in a minute at their polite rate, whatever the shards: the crawl's own bound. */
  politeBoundPerMin: number;
  runs: ShardRun[];
}

/** Pages each host has, Zipf-like (a few very large sites, a long tail of small ones). */
function hostSizes(n: number, rand: () => number): number[] {
  // Pareto with shape 1.2, from 5 pages: the long tail a broad crawl sees; capped at 1M pages.
  return Array.from({ length: n }, () => Math.min(1_000_000, Math.floor(5 / (1 - rand()) ** (1 / 1.2))));
}

/** A host's shard: the first 4 bytes of SHA-256 of its origin, modulo the shard count. */
export function shardOf(origin: string, shards: number): number {
  return createHash('sha256').update(origin).digest().readUInt32BE(0) % shards;
}

function simulate(inputs: ScaleInputs, shards: number, sizes: number[], hashes: number[]): ShardRun {
  const shardCapacity =
    Math.min(inputs.pgStatementsPerS / inputs.statementsPerPage, inputs.logLeavesPerS) * inputs.utilisation;
  // Per shard, per second: the hosts of that shard offer min(hostRate, pages left) pages; the shard serves
  // up to its capacity, first come first served, and the rest of each host's pages wait.
  const left = sizes.slice();
  const byShard: number[][] = Array.from({ length: shards }, () => []);
  hashes.forEach((h, i) => {
    (byShard[h % shards] as number[]).push(i);
  });
  const served = new Array<number>(shards).fill(0);
  let pages = 0;
  for (let second = 0; second < 60; second++) {
    for (let s = 0; s < shards; s++) {
      let budget = shardCapacity;
      const hosts = byShard[s] as number[];
      // Rotate the starting host each second so no host is always last in line.
      const start = hosts.length ? (second * 7919) % hosts.length : 0;
      for (let k = 0; k < hosts.length && budget > 0; k++) {
        const i = hosts[(start + k) % hosts.length] as number;
        const take = Math.min(inputs.hostRate, left[i] as number, budget);
        if (take <= 0) continue;
        left[i] = (left[i] as number) - take;
        budget -= take;
      }
      const done = shardCapacity - budget;
      served[s] = (served[s] as number) + done;
      pages += done;
    }
  }
  const use = served.map((x) => x / (shardCapacity * 60));
  // Backlog: what hosts could have been fetched at their polite rate but a full shard could not take.
  let offered = 0;
  for (const size of sizes) offered += Math.min(size, inputs.hostRate * 60);
  return {
    shards,
    shardCapacity: Math.round(shardCapacity),
    pagesInMinute: Math.round(pages),
    maxShardUse: Math.max(...use),
    meanShardUse: use.reduce((a, b) => a + b, 0) / shards,
    backlog: Math.max(0, Math.round(offered - pages)),
  };
}

export function runScaleModel(given: Partial<ScaleInputs> = {}): ScaleResult {
  const inputs = { ...DEFAULT_INPUTS, ...given };
  const rand = prng(inputs.seed);
  const sizes = hostSizes(inputs.hosts, rand);
  const hashes = sizes.map((_, i) =>
    createHash('sha256').update(`https://host-${i}.example`).digest().readUInt32BE(0),
  );
  const onePgPagesPerS = inputs.pgStatementsPerS / inputs.statementsPerPage;
  const shardCapacity = Math.min(onePgPagesPerS, inputs.logLeavesPerS) * inputs.utilisation;
  const targetPerS = inputs.targetPerMin / 60;
  const shardsByArithmetic = Math.ceil(targetPerS / shardCapacity);
  let politeBoundPerMin = 0;
  for (const size of sizes) politeBoundPerMin += Math.min(size, inputs.hostRate * 60);
  const runs: ShardRun[] = [];
  // Stored pages grow with the shard count, so a binary search finds the fewest that reach the target;
  // the arithmetic answer is a lower bound (hash imbalance and hosts' politeness can only add shards).
  const met = (k: number) => {
    const r = simulate(inputs, k, sizes, hashes);
    runs.push(r);
    return r.pagesInMinute >= inputs.targetPerMin;
  };
  let lo = shardsByArithmetic;
  let hi = shardsByArithmetic * 4;
  let shardsNeeded = 0;
  if (met(lo)) shardsNeeded = lo;
  else if (met(hi)) {
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (met(mid)) hi = mid;
      else lo = mid;
    }
    shardsNeeded = hi;
  }
  runs.sort((a, b) => a.shards - b.shards);
  return {
    inputs,
    onePgPagesPerS: Math.round(onePgPagesPerS),
    oneLogPagesPerS: inputs.logLeavesPerS,
    shardsByArithmetic,
    shardsNeeded,
    politeBoundPerMin: Math.round(politeBoundPerMin),
    runs,
  };
}

/** pgbench's simple-update script (5 statements a transaction) on a scratch database: statements/s. */
function measurePgbench(adminUrl: string): number {
  const name = `sward_pgbench_${process.pid}`;
  const db = new URL(adminUrl);
  const base = ['-h', db.hostname, '-p', db.port || '5432', '-U', db.username || 'postgres'];
  execFileSync('createdb', [...base, name]);
  try {
    execFileSync('pgbench', [...base, '-i', '-q', '-s', '10', name], { stdio: 'ignore' });
    const out = execFileSync('pgbench', [...base, '-N', '-c', '8', '-j', '2', '-T', '20', name]).toString();
    const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? 'NaN');
    return Math.round(tps * 5);
  } finally {
    execFileSync('dropdb', [...base, '--force', name]);
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const num = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const given: Partial<ScaleInputs> = {};
  const map: [string, keyof ScaleInputs][] = [
    ['statements-per-page', 'statementsPerPage'],
    ['pg-statements-per-s', 'pgStatementsPerS'],
    ['log-leaves-per-s', 'logLeavesPerS'],
    ['utilisation', 'utilisation'],
    ['target-per-min', 'targetPerMin'],
    ['hosts', 'hosts'],
    ['host-rate', 'hostRate'],
    ['seed', 'seed'],
  ];
  for (const [flag, key] of map) {
    const v = num(flag);
    if (v !== undefined) given[key] = v;
  }
  if (args.includes('--pgbench')) {
    given.pgStatementsPerS = measurePgbench(
      process.env.SWARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    );
    process.stderr.write(`pgbench -N: ${given.pgStatementsPerS} statements/s on this machine\n`);
  }
  const r = runScaleModel(given);
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return;
  }
  const i = r.inputs;
  const lines = [
    `inputs: ${i.statementsPerPage} statements/page, ${i.pgStatementsPerS} statements/s per PostgreSQL, ${i.logLeavesPerS} log leaves/s, utilisation ${i.utilisation}, ${i.hosts} hosts at ≤ ${i.hostRate} page/s, seed ${i.seed}`,
    `one PostgreSQL saturates at ${r.onePgPagesPerS} pages/s (${Math.round(r.onePgPagesPerS * 60).toLocaleString('en')} pages/min); its log at ${r.oneLogPagesPerS} leaves/s`,
    `the hosts allow ${r.politeBoundPerMin.toLocaleString('en')} pages/min at their polite rate`,
    `target ${i.targetPerMin.toLocaleString('en')} pages/min = ${Math.round(i.targetPerMin / 60)} pages/s: ${r.shardsByArithmetic} shards by arithmetic, ${r.shardsNeeded || 'more than simulated'} by simulation`,
    '',
    '| shards | capacity/shard pages/s | pages in the minute | busiest shard use | mean use |',
    '|---:|---:|---:|---:|---:|',
    ...r.runs.map(
      (x) =>
        `| ${x.shards} | ${x.shardCapacity} | ${x.pagesInMinute.toLocaleString('en')} | ${(x.maxShardUse * 100).toFixed(0)} % | ${(x.meanShardUse * 100).toFixed(0)} % |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() as string)) main();
