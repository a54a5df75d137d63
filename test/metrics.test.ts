// GET /metrics as an operator's Prometheus would scrape it, and as a curious customer would try it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningCoordinator } from '@sward/coordinator';
import { CAPTURE_BATCH_CONTENT_TYPE, encodeCaptureBatch } from '@sward/core';
import { caller, coordinatorOn, nodeSession, work } from './support/api-call.js';
import { backends } from './support/backends.js';
import { captureUpload } from './support/capture-maker.js';

const sqlite = backends().find((b) => b.name === 'sqlite') ?? backends()[0];
let co: RunningCoordinator;
let stop: () => Promise<void>;
let call: ReturnType<typeof caller>;
let admin: string;

before(async () => {
  if (!sqlite) throw new Error('no backend');
  ({ co, stop } = await coordinatorOn(sqlite, { processMetrics: false }));
  call = caller(co.app);
  admin = co.firstApiKey as string;
});
after(() => stop());

/** `name{labels} value` of the exposition text, as numbers by their series. */
function series(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-z_:][a-z0-9_:]*(?:\{[^}]*\})?) (-?[0-9.e+-]+|NaN)$/i.exec(line);
    assert.ok(m, `a sample line in Prometheus' text format: ${line}`);
    out.set(m[1] as string, Number(m[2]));
  }
  return out;
}

test('only a key holding metrics:read may scrape; a customer may not, nor anyone without a key', async () => {
  const customer = await co.store.auth.createApiKey({
    name: 'acme',
    tenant: 'acme',
    role: 'customer',
    scopes: ['crawl'],
  });
  assert.equal((await call('GET', '/metrics', null)).status, 401);
  const r = await call('GET', '/metrics', customer.key);
  assert.equal(r.status, 403);
  assert.match(r.json.error.message, /metrics:read/);
  const made = await call('POST', '/v1/keys', admin, {
    name: 'customer asks for metrics',
    tenant: 'acme',
    role: 'customer',
    scopes: ['metrics:read'],
  });
  assert.equal(made.status, 400, 'metrics:read is for admin keys only: it shows every tenant’s queues');
});

test('captures by outcome, refusals by code, leases, queue depth per running job, log size and checkpoint age', async () => {
  const scraper = (
    await co.store.auth.createApiKey({
      name: 'prometheus',
      tenant: 'default',
      role: 'admin',
      scopes: ['metrics:read'],
    })
  ).key;
  const job = await call('POST', '/v1/jobs', admin, { seed: 'http://metrics.test/', maxDepth: 1 });
  assert.equal(job.status, 201, job.text);
  const node = await nodeSession(co);
  // a forged capture: signed by another key than the session's node
  const [lease] = (await call('POST', '/v1/nodes/lease', node.token, { max: 1 })).json.leases;
  const other = await nodeSession(co, 'bob');
  const forged = await call('POST', '/v1/nodes/captures', node.token, captureUpload(other.node, lease, {}));
  assert.ok(forged.status >= 400, forged.text);
  const forgedCode = forged.json.error.code as string;
  await call('POST', '/v1/nodes/failures', node.token, {
    leaseId: lease.leaseId,
    jobId: lease.jobId,
    url: lease.url,
    code: 'CONNECT',
    message: 'refused',
  });
  // a closing answer waits for another operator's node; bob's and carol's, agreeing, answer the rest (each
  // policy answer waits for the other's word: they take turns)
  const third = await nodeSession(co, 'carol');
  for (let i = 0; i < 4; i++)
    for (const n of [other, third]) await work(co, n.node, n.token, '<a href="/a">a</a><a href="/b">b</a>');
  const r = await call('GET', '/metrics', scraper);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const s = series(r.text);
  assert.ok((s.get('sward_captures_total{outcome="stored"}') ?? 0) >= 3, r.text);
  assert.equal(s.get(`sward_captures_rejected_total{code="${forgedCode}"}`), 1);
  assert.equal(s.get('sward_fetch_failures_total{code="CONNECT"}'), 1);
  assert.ok((s.get('sward_leases_granted_total') ?? 0) >= 4);
  assert.ok((s.get('sward_log_size') ?? -1) >= 0);
  assert.ok(s.has('sward_checkpoint_age_seconds'));
  await co.flushLog();
  const after = series((await call('GET', '/metrics', scraper)).text);
  assert.ok((after.get('sward_log_size') ?? 0) >= 3, 'the captures are in the log');
  assert.equal(after.get('sward_log_backlog'), 0);
  const age = after.get('sward_checkpoint_age_seconds') ?? -1;
  assert.ok(age >= 0 && age < 60, `a fresh checkpoint: ${age}`);
  // queue depth: a running job with URLs waiting is reported under its id
  const waiting = await call('POST', '/v1/jobs', admin, { seed: 'http://queue.test/', maxDepth: 0 });
  const depth = series((await call('GET', '/metrics', scraper)).text);
  assert.equal(depth.get(`sward_queue_depth{job="${waiting.json.id}"}`), 1);
  assert.ok((depth.get('sward_jobs{state="running"}') ?? 0) >= 1);
  // the batch route counts each capture as the single route does: a forged one, refused by its code
  const [policyLease] = (await call('POST', '/v1/nodes/lease', other.token, { max: 1 })).json.leases;
  assert.ok(policyLease, "the new origin's robots.txt is leased");
  const up = captureUpload(node.node, policyLease, {});
  const res = await co.app.request('/v1/nodes/capture-batch', {
    method: 'POST',
    headers: { authorization: `Bearer ${other.token}`, 'content-type': CAPTURE_BATCH_CONTENT_TYPE },
    body: encodeCaptureBatch([{ ...up, body: Buffer.from(up.body, 'base64') }]),
  });
  assert.equal(res.status, 200);
  const answer = (await res.json()) as { results: { accepted: boolean; error?: { code: string } }[] };
  const code = answer.results[0]?.error?.code;
  assert.ok(code, 'the forged capture of the batch is refused');
  const batch = series((await call('GET', '/metrics', scraper)).text);
  const before = depth.get(`sward_captures_rejected_total{code="${code}"}`) ?? 0;
  assert.equal(batch.get(`sward_captures_rejected_total{code="${code}"}`), before + 1);
});

test('process figures (sward_process_*) with process metrics on, as a coordinator starts by default; none with them off', async () => {
  if (!sqlite) throw new Error('no backend');
  // the other tests' coordinator has them off (as the test helpers start coordinators: prom-client's GC and
  // event-loop collectors cost every test process CPU); this one is started as an operator's would be
  const on = await coordinatorOn(sqlite, { processMetrics: undefined });
  try {
    const s = series((await caller(on.co.app)('GET', '/metrics', on.co.firstApiKey as string)).text);
    const figure = (suffix: string) =>
      [...s].find(([k]) => k.startsWith('sward_process_') && k.endsWith(suffix));
    assert.ok((figure('cpu_user_seconds_total')?.[1] ?? 0) > 0, 'CPU time of the process');
    assert.ok((figure('heap_size_total_bytes')?.[1] ?? 0) > 0, 'heap size');
    assert.ok(figure('eventloop_lag_seconds'), 'event-loop lag');
  } finally {
    await on.stop();
  }
  const off = series((await call('GET', '/metrics', admin)).text);
  assert.deepEqual(
    [...off.keys()].filter((k) => k.startsWith('sward_process_')),
    [],
  );
});
