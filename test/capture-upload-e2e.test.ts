import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import { generateIdentity, type Identity, type SignedCapture } from '@sward/core';
import { CoordinatorClient, NodeError } from '@sward/node';
import { pino } from 'pino';
import { CaptureUploader } from '../packages/node/src/capture-uploader.js';
import { captureUpload } from './support/capture-maker.js';

type Lease = { leaseId: string; jobId: string; url: string };

/** A signed capture and its body as the node's fetcher hands them to the uploader. */
function signed(node: Identity, lease: Lease, res: Parameters<typeof captureUpload>[2]) {
  const u = captureUpload(node, lease, res);
  return {
    signed: { capture: u.capture, signature: u.signature } as SignedCapture,
    body: Buffer.from(u.body, 'base64'),
  };
}

/** A coordinator, a node client with its uploader, and a job on a site nobody fetches (captures are made here). */
async function world(coordinatorUrl?: (c: RunningCoordinator) => Promise<string>) {
  const dir = mkdtempSync(join(tmpdir(), 'sward-upload-'));
  const coord = await startCoordinator({
    db: join(dir, 'sward.db'),
    dataDir: dir,
    scheduler: { hostDelayMs: 0, politeness: false },
    log: pino({ level: 'silent' }),
    extractionThreads: 1,
  });
  after(async () => {
    await coord.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const node = generateIdentity();
  const client = new CoordinatorClient({
    coordinatorUrl: coordinatorUrl ? await coordinatorUrl(coord) : coord.url,
    identity: node,
    version: 'test',
    fingerprint: 'f'.repeat(64),
  });
  after(() => client.close());
  const requests: number[] = [];
  // counts the batch requests the uploader makes (the real client does the work)
  const counted = {
    submitCapture: client.submitCapture.bind(client),
    submitCaptureBatch: (items: Parameters<CoordinatorClient['submitCaptureBatch']>[0]) => {
      requests.push(items.length);
      return client.submitCaptureBatch(items);
    },
  };
  const uploader = new CaptureUploader(counted);
  const job = await coord.store.frontier.createJob(
    { tenant: 'default' },
    { seed: 'http://up.test/', maxPages: 100, maxDepth: 1, include: [], exclude: [] },
  );
  // robots.txt, tdmrep.json, then the seed page linking to /p0…/p5
  for (const body of ['', 'nope']) {
    const [l] = await client.lease(1, 0);
    const s = signed(node, l as Lease, {
      status: body ? 404 : 200,
      body,
      headers: { 'content-type': 'text/plain' },
    });
    await uploader.submit(s.signed, s.body);
  }
  const [seed] = await client.lease(1, 0);
  const links = [0, 1, 2, 3, 4, 5].map((i) => `<a href="/p${i}">${i}</a>`).join('');
  const s = signed(node, seed as Lease, { body: `<html><body>${links}</body></html>` });
  await uploader.submit(s.signed, s.body);
  const leases = (await client.lease(6, 0)) as Lease[];
  assert.equal(leases.length, 6);
  const setupRequests = requests.splice(0);
  return { coord, node, client, uploader, job, leases, requests, setupRequests };
}

test('captures finished together go in one request, bodies as bytes; a forged one is refused alone', async () => {
  const { coord, node, uploader, job, leases, requests } = await world();
  const items = leases.map((l, i) => signed(node, l, { body: `<html><body><p>page ${i}</p></body></html>` }));
  const forged = items[2] as (typeof items)[number];
  forged.signed = { ...forged.signed, capture: { ...forged.signed.capture, status: 203 } };
  const answers = await Promise.allSettled(items.map((i) => uploader.submit(i.signed, i.body)));
  assert.deepEqual(requests, [6], 'one request for the six captures');
  assert.deepEqual(
    answers.map((a) => a.status),
    ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled'],
  );
  const refused = answers[2] as PromiseRejectedResult;
  assert.ok(refused.reason instanceof NodeError && refused.reason.remoteCode === 'BAD_SIGNATURE');
  assert.equal(refused.reason.code, 'COORDINATOR', 'not retried as if the coordinator were down');
  const n = await coord.store.db.get<{ n: number }>(
    "SELECT count(*) AS n FROM captures WHERE job_id = ? AND outcome = 'stored'",
    [job.id],
  );
  assert.equal(Number(n?.n), 6, 'the seed and five pages');
});

test('a malformed batch is refused whole with a 400 that names the problem', async () => {
  const { coord, client } = await world();
  await client.authenticate();
  const token = (client as unknown as { token: string }).token;
  const res = await coord.app.request('/v1/nodes/capture-batch', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/vnd.sward.capture-batch' },
    body: Buffer.from([0, 0, 0, 50, 123]),
  });
  assert.equal(res.status, 400);
  assert.match(((await res.json()) as { error: { message: string } }).error.message, /runs past the end/);
});

test('a coordinator without the batch route gets one capture per request', async () => {
  // an older coordinator: everything is served but POST /v1/nodes/capture-batch, which answers 404
  const { node, uploader, job, leases, requests, setupRequests, coord } = await world(async (c) => {
    const target = new URL(c.url);
    const proxy = createServer((req, res) => {
      if (req.url === '/v1/nodes/capture-batch') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no route' } }));
        req.resume();
        return;
      }
      const out = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      req.pipe(out);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    after(() => new Promise<void>((r) => proxy.close(() => r())));
    return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  const items = leases.map((l, i) => signed(node, l, { body: `<html><body><p>old ${i}</p></body></html>` }));
  const ids = await Promise.all(items.map((i) => uploader.submit(i.signed, i.body)));
  assert.equal(ids.length, 6);
  assert.deepEqual(setupRequests, [1], 'the batch route was tried once, with the first capture');
  assert.deepEqual(requests, [], 'then every capture went by the single-capture route');
  const n = await coord.store.db.get<{ n: number }>(
    "SELECT count(*) AS n FROM captures WHERE job_id = ? AND outcome = 'stored'",
    [job.id],
  );
  assert.equal(Number(n?.n), 7);
});
