// Cost of the API contract check (api/contract-check.ts, SWARD_CONTRACT_CHECK=1 in every test) per request:
// two coordinators on SQLite, one with the check and one without, take the same requests in turns (so load
// falls on both alike); each request is timed in CPU microseconds of this process (process.cpuUsage, less
// load-sensitive than wall time) and in wall microseconds. The requests are the suite's most frequent: a
// node's lease and capture upload (the largest checked body), a job's status and a job's creation.
// Usage: node --conditions=source --import tsx bench/contract-check-bench.ts [--rounds 400]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import { generateIdentity } from '@sward/core';
import { pino } from 'pino';
import { captureUpload } from '../test/support/capture-maker.js';
import { machineFacts } from './support-proc.js';

const args = process.argv.slice(2);
const at = args.indexOf('--rounds');
const ROUNDS = at >= 0 ? Number(args[at + 1]) : 400;

interface Side {
  name: string;
  co: RunningCoordinator;
  key: string;
  token: string;
  node: ReturnType<typeof generateIdentity>;
  jobId: string;
  cpu: Map<string, number[]>;
  wall: Map<string, number[]>;
}

async function side(name: string, check: boolean, dir: string): Promise<Side> {
  // createApp reads the switch when it builds the app, as every test's coordinator does
  if (check) process.env.SWARD_CONTRACT_CHECK = '1';
  else delete process.env.SWARD_CONTRACT_CHECK;
  const co = await startCoordinator({
    db: join(dir, `${name}.db`),
    dataDir: join(dir, name),
    collections: { refresh: false },
    checkpoints: { everyMs: 3_600_000 },
    log: pino({ level: 'silent' }),
    scheduler: { hostDelayMs: 0, quotas: { concurrentJobsPerTenant: 0, requestsPerMinute: 0 } },
  });
  const node = generateIdentity();
  await co.store.auth.upsertNode({ id: node.id, operator: 'alice' });
  const { token } = await co.store.auth.createSession(node.id);
  const s: Side = {
    name,
    co,
    key: co.firstApiKey as string,
    token,
    node,
    jobId: '',
    cpu: new Map(),
    wall: new Map(),
  };
  return s;
}

async function timed(s: Side, label: string, method: string, path: string, bearer: string, body?: unknown) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const res = await s.co.app.request(path, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  const wall = Number(process.hrtime.bigint() - t0) / 1e3;
  const c = process.cpuUsage(c0);
  if (res.status >= 300) throw new Error(`${s.name} ${label}: ${res.status} ${text}`);
  for (const [m, v] of [
    [s.cpu, c.user + c.system],
    [s.wall, wall],
  ] as const) {
    const list = m.get(label) ?? [];
    list.push(v);
    m.set(label, list);
  }
  return JSON.parse(text);
}

/** One round on one side: a job of one page, its lease, its capture, its status. */
async function round(s: Side, i: number): Promise<void> {
  const job = await timed(s, 'POST /v1/jobs', 'POST', '/v1/jobs', s.key, {
    seed: `http://site${i}.test/`,
    maxPages: 1,
    maxDepth: 0,
  });
  for (let n = 0; n < 4; n++) {
    const { leases } = await timed(s, 'POST /v1/nodes/lease', 'POST', '/v1/nodes/lease', s.token, { max: 8 });
    if (!leases.length) break;
    for (const lease of leases) {
      const policy = /robots\.txt$|tdmrep\.json$/.test(lease.url);
      const up = policy
        ? captureUpload(s.node, lease, { status: 404, body: 'no', headers: { 'content-type': 'text/plain' } })
        : captureUpload(s.node, lease, {
            body: `<html><body>${'<p>words and more words</p>'.repeat(200)}</body></html>`,
          });
      await timed(s, 'POST /v1/nodes/captures', 'POST', '/v1/nodes/captures', s.token, up);
    }
  }
  await timed(s, 'GET /v1/jobs/:id', 'GET', `/v1/jobs/${job.id}`, s.key);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

const dir = mkdtempSync(join(tmpdir(), 'sward-contract-bench-'));
const load0 = loadavg()[0];
const off = await side('off', false, dir);
const on = await side('on', true, dir);
try {
  // warm-up: first compilations and first statements out of the measurement
  for (let i = 0; i < 20; i++) for (const s of [off, on]) await round(s, -1 - i);
  for (const s of [off, on]) {
    s.cpu.clear();
    s.wall.clear();
  }
  for (let i = 0; i < ROUNDS; i++) for (const s of i % 2 ? [off, on] : [on, off]) await round(s, i);
  console.log(machineFacts());
  console.log(
    `load ${load0?.toFixed(1)} -> ${loadavg()[0]?.toFixed(1)}, ${ROUNDS} rounds a side, medians in µs`,
  );
  console.log('| request | n | CPU off | CPU on | CPU on − off | wall off | wall on |');
  console.log('| --- | --: | --: | --: | --: | --: | --: |');
  for (const label of off.cpu.keys()) {
    const co = median(off.cpu.get(label) ?? []);
    const cn = median(on.cpu.get(label) ?? []);
    console.log(
      `| ${label} | ${off.cpu.get(label)?.length} | ${co.toFixed(0)} | ${cn.toFixed(0)} | ${(cn - co).toFixed(0)} (${((cn / co - 1) * 100).toFixed(0)} %) | ${median(off.wall.get(label) ?? []).toFixed(0)} | ${median(on.wall.get(label) ?? []).toFixed(0)} |`,
    );
  }
} finally {
  await off.co.close();
  await on.co.close();
  rmSync(dir, { recursive: true, force: true });
}
