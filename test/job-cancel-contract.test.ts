import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { generateIdentity, signRegistration } from '@sward/core';
import { SwardClient, verifyBundleDir } from '@sward/sdk';
import { writeCrawlOutput } from '../packages/cli/src/crawl-output.js';
import { type Answer, coordinatorWithNode, nodeSession, work } from './support/api-call.js';
import { backends } from './support/backends.js';
import { captureUpload } from './support/capture-maker.js';
import { until } from './support/live.js';
import { sdkFailure as failure } from './support/sdk-failure.js';

// A customer cancels a running job (POST /v1/jobs/:id/cancel): nothing more is leased, the lease out is
// closed and its late capture refused by name without penalty, the output so far verifies. Every backend.
for (const backend of backends()) {
  describe(`job cancel: ${backend.name}`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'sward-cancel-'));
    after(() => rmSync(tmp, { recursive: true, force: true }));

    test('only its tenant with crawl scope cancels; the open lease closes; the output so far verifies', async () => {
      const { co, call, key, node, token } = await coordinatorWithNode(backend);
      const client = new SwardClient({ url: co.url, apiKey: key });
      const job = await client.createCrawl({ seed: 'http://a.test/', maxPages: 10, maxDepth: 2 });
      // Work as a node until a linked page is leased: policy files 404, the seed links to three pages.
      const links = '<a href="/p1">1</a> <a href="/p2">2</a> <a href="/p3">3</a>';
      let held: { leaseId: string; jobId: string; url: string } | undefined;
      for (let i = 0; i < 20 && !held; i++) {
        const { json } = await call('POST', '/v1/nodes/lease', token, { max: 1 });
        for (const lease of json.leases) {
          if (/\/p\d$/.test(lease.url)) {
            held = lease;
            continue;
          }
          const policy = /robots\.txt$|tdmrep\.json$/.test(lease.url);
          const up = policy
            ? captureUpload(node, lease, {
                status: 404,
                body: 'no',
                headers: { 'content-type': 'text/plain' },
              })
            : captureUpload(node, lease, { body: `<html><body><p>The seed page.</p>${links}</body></html>` });
          const r = await call('POST', '/v1/nodes/captures', token, up);
          assert.equal(r.status, 200, r.text);
        }
      }
      assert.ok(held, 'a linked page was leased');

      const other = await co.store.auth.createApiKey({
        name: 'globex',
        tenant: 'globex',
        role: 'customer',
        scopes: ['crawl'],
      });
      const noCrawl = await co.store.auth.createApiKey({
        name: 'reader',
        tenant: 'default',
        role: 'customer',
        scopes: ['collections'],
      });
      const theirs = await failure(new SwardClient({ url: co.url, apiKey: other.key }).cancelJob(job.id));
      assert.equal(theirs.code, 'NOT_FOUND', "another tenant's key: as if there were no such job");
      const unscoped = await failure(new SwardClient({ url: co.url, apiKey: noCrawl.key }).cancelJob(job.id));
      assert.equal(unscoped.code, 'FORBIDDEN');
      assert.equal((await client.job(job.id)).state, 'running', 'neither refused call changed the job');

      const before = (await client.adminNodes()).find((n) => n.id === node.id)?.credibility;
      const cancelled = await client.cancelJob(job.id);
      assert.equal(cancelled.state, 'cancelled');
      const again = await client.cancelJob(job.id);
      assert.equal(again.state, 'cancelled', 'cancelling twice answers the cancelled job');

      // Nothing more is leased for it.
      const next: Answer = await call('POST', '/v1/nodes/lease', token, { max: 8 });
      assert.deepEqual(
        next.json.leases.filter((l: { jobId: string }) => l.jobId === job.id),
        [],
      );
      // The held lease's late capture: refused by name, nothing stored, the node's credibility untouched.
      const late = await call(
        'POST',
        '/v1/nodes/captures',
        token,
        captureUpload(node, held, { body: '<html><body>late</body></html>' }),
      );
      assert.equal(late.status, 409, late.text);
      assert.equal(late.json.error.code, 'LEASE_NOT_HELD');
      assert.match(late.json.error.message, new RegExp(`job ${job.id} was cancelled`));
      assert.equal((await client.adminNodes()).find((n) => n.id === node.id)?.credibility, before);

      const done = await client.waitForJob(job.id, undefined, 50);
      assert.equal(done.state, 'cancelled');
      assert.equal(done.stored, 1);
      assert.equal(done.progress?.skippedByReason?.cancelled, 3, 'p1 (leased), p2 and p3 (queued)');
      const out = join(tmp, `out-${backend.name}`);
      const written = await writeCrawlOutput(client, job.id, out);
      assert.equal(written.pages, 1);
      const urls = readFileSync(join(out, 'pages.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).url);
      assert.deepEqual(urls, ['http://a.test/']);
      const verified = await verifyBundleDir(out);
      assert.deepEqual(verified.failures, []);
      assert.equal(verified.rowsOk, 1);

      // A finished job cannot be cancelled: the error names its state.
      const second = await client.createCrawl({ seed: 'http://b.test/', maxPages: 1, maxDepth: 0 });
      // (two operators' nodes online: each policy answer waits for the other's word, so they take turns)
      const worker = await nodeSession(co, 'bob');
      for (let i = 0; i < 3; i++) {
        await work(co, worker.node, worker.token);
        await work(co, node, token);
      }
      await client.waitForJob(second.id, undefined, 50);
      const finished = await failure(client.cancelJob(second.id));
      assert.equal(finished.code, 'CONFLICT');
      assert.match(finished.message, /is done/);
      // A live collection's refresh is stopped by pausing its collection, which owns the schedule.
      const refresh = await co.store.db.transaction((tx) =>
        co.store.frontier.insertJob(
          tx,
          { tenant: 'default' },
          { seed: 'http://c.test/', maxPages: 1, maxDepth: 0, include: [], exclude: [] },
          [{ url: 'http://c.test/', depth: 0 }],
          'col_x',
        ),
      );
      const owned = await failure(client.cancelJob(refresh));
      assert.equal(owned.code, 'CONFLICT');
      assert.match(owned.message, /live collection col_x: pause the collection/);
      assert.equal((await client.job(refresh)).state, 'running');
    });

    test('a job cancelled before any page was stored: its output is refused saying so', async () => {
      const { co, key } = await coordinatorWithNode(backend);
      const client = new SwardClient({ url: co.url, apiKey: key });
      const job = await client.createCrawl({ seed: 'http://a.test/', maxPages: 10 });
      assert.equal((await client.cancelJob(job.id)).state, 'cancelled');
      const f = await failure(client.seal(job.id));
      assert.equal(f.code, 'CONFLICT');
      // was "the log is empty": true of the coordinator, and no word on the job the customer asked for
      assert.match(f.message, new RegExp(`job ${job.id} has no output: it stored no page`));
      // `sward job output` fails with that message and leaves no empty folder behind
      const dir = join(tmp, `empty-${backend.name}`);
      await assert.rejects(writeCrawlOutput(client, job.id, dir), /has no output/);
      assert.equal(existsSync(dir), false);
    });

    test('a scrape whose job is cancelled while it waits answers CONFLICT at once', async () => {
      const { co, key } = await coordinatorWithNode(backend);
      const client = new SwardClient({ url: co.url, apiKey: key });
      // No node works here: the scrape waits for its page until its job is cancelled.
      const scrape = failure(client.scrape('http://s.test/', { timeoutMs: 120_000 }));
      const job = await until('the scrape job', async () => (await client.jobs()).jobs[0]);
      await client.cancelJob(job.id);
      const e = await scrape;
      assert.equal(e.code, 'CONFLICT');
      assert.match(e.message, new RegExp(`job ${job.id} of this scrape was cancelled`));
    });

    test("the SDK's admin calls: an admin key lists and revokes nodes and operators, a customer key may not", async () => {
      const { co, call, key, node } = await coordinatorWithNode(backend);
      const admin = new SwardClient({ url: co.url, apiKey: key });
      const customer = new SwardClient({
        url: co.url,
        apiKey: (await admin.createKey({ name: 'customer', role: 'customer' })).key,
      });
      // An operator account (registered as `sward node` does) with a node of its own.
      const reg = await call('POST', '/v1/operators', null, signRegistration(generateIdentity(), {}));
      assert.equal(reg.status, 201, reg.text);
      const bob: string = reg.json.operator;
      const b = await nodeSession(co, bob);
      for (const denied of [
        () => customer.adminNodes(),
        () => customer.revokeNode(node.id),
        () => customer.revokeOperator(bob),
      ])
        assert.equal((await failure(denied())).code, 'FORBIDDEN');

      const listed = await admin.adminNodes();
      assert.deepEqual(listed.map((n) => n.id).sort(), [node.id, b.node.id].sort());
      assert.ok(listed.every((n) => n.revokedAt === null));
      const r = await admin.revokeNode(node.id);
      assert.equal(r.nodeId, node.id);
      assert.equal(r.revoked, true);
      const op = await admin.revokeOperator(bob);
      assert.deepEqual(op.nodes, [b.node.id]);
      assert.equal(op.revoked, true);
      assert.ok((await admin.adminNodes()).every((n) => n.revokedAt !== null));
    });
  });
}
