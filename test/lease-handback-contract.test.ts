import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { CoordinatorError, type SchedulerOptions, schedulerFor } from '@sward/coordinator';
import { generateIdentity } from '@sward/core';
import { backends } from './support/backends.js';
import { captureUpload } from './support/capture-maker.js';
import { ingestStack } from './support/ingest-stack.js';

// Leases of a node whose session drops (gone silent, logged out, restarted) go to another node at once,
// not at the lease deadline (issue #14 point 4). The same on every backend.
for (const backend of backends()) {
  describe(`lease hand-back: ${backend.name}`, () => {
    after(() => backend.cleanup());

    const setup = async (cfg: SchedulerOptions) => {
      const { store, ingest } = await ingestStack(backend, cfg);
      const node = async () => {
        const n = generateIdentity();
        await store.auth.upsertNode({ id: n.id });
        return n;
      };
      const job = (seed: string) =>
        store.frontier.createJob(
          { tenant: 'default' },
          { seed, maxPages: 10, maxDepth: 1, include: [], exclude: [] },
        );
      return { store, ingest, node, job };
    };

    const refused = (code: string) => (e: unknown) => e instanceof CoordinatorError && e.code === code;

    test('a node silent past nodeTimeoutMs loses its lease at once: its origin goes to a live node', async () => {
      const { store, ingest, node, job } = await setup({ nodeTimeoutMs: 200, leaseMs: 600_000 });
      // A coordinator that has just started gives every node a full timeout to reach it first.
      await new Promise((r) => setTimeout(r, 250));
      const [a, b, c] = [await node(), await node(), await node()];
      await job('http://a.test/');
      const [held] = await schedulerFor(store).claim(a.id, 1);
      assert.equal(held?.url, 'http://a.test/robots.txt');
      // The origin is busy with a's lease (politeness): nobody else gets it while a is alive.
      assert.deepEqual(await schedulerFor(store).claim(b.id, 1), []);
      // a sends no heartbeat for longer than the timeout (a SIGKILLed process); b keeps sending its own.
      await store.db.run('UPDATE nodes SET last_seen = ? WHERE id = ?', [Date.now() - 1000, a.id]);
      await store.auth.touchNode(b.id);
      await new Promise((r) => setTimeout(r, 1000)); // the sweep runs once a second at most
      const [taken] = await schedulerFor(store).claim(b.id, 1);
      assert.equal(
        taken?.url,
        'http://a.test/robots.txt',
        'the live node gets the URL now, not in 10 minutes',
      );
      const row = await store.db.get<{ attempts: number; reason: string }>(
        'SELECT attempts, reason FROM urls WHERE lease_id = ?',
        [taken?.leaseId],
      );
      assert.equal(Number(row?.attempts), 0, 'the node failed, not the site: no attempt counted');
      assert.equal(row?.reason, 'node_gone');
      // The silent node's late capture is refused: the URL is stored once, by the node that holds it.
      await assert.rejects(
        ingest.acceptCapture(
          a.id,
          captureUpload(a, held as never, { body: '', headers: { 'content-type': 'text/plain' } }),
        ),
        refused('LEASE_NOT_HELD'),
      );
      await ingest.acceptCapture(
        b.id,
        captureUpload(b, taken as never, { body: '', headers: { 'content-type': 'text/plain' } }),
      );
      // b is alive (it heartbeats): its next lease stays its own.
      await store.auth.touchNode(b.id);
      const [next] = await schedulerFor(store).claim(b.id, 1);
      assert.ok(next);
      await new Promise((r) => setTimeout(r, 1000));
      await store.auth.touchNode(b.id);
      assert.deepEqual(await schedulerFor(store).claim(c.id, 1), [], 'a live node keeps what it holds');
      await store.close();
    });

    test('with nodeTimeoutMs 0 a silent node keeps its lease until the deadline (the old behaviour)', async () => {
      const { store, node, job } = await setup({ nodeTimeoutMs: 0, leaseMs: 600_000 });
      const [a, b] = [await node(), await node()];
      await job('http://a.test/');
      assert.equal((await schedulerFor(store).claim(a.id, 1)).length, 1);
      await store.db.run('UPDATE nodes SET last_seen = ? WHERE id = ?', [Date.now() - 3_600_000, a.id]);
      assert.deepEqual(await schedulerFor(store).claim(b.id, 1), []);
      await store.close();
    });

    test('a node hands back what it holds but the leases it keeps; a capture for a handed-back lease is refused', async () => {
      const { store, ingest, node, job } = await setup({ leaseMs: 600_000 });
      const [a, b] = [await node(), await node()];
      await job('http://a.test/');
      await job('http://b.test/');
      const mine = await schedulerFor(store).claim(a.id, 2);
      assert.equal(mine.length, 2);
      const [kept, back] = mine as [(typeof mine)[0], (typeof mine)[0]];
      assert.equal(await store.frontier.handBackNodeLeases(a.id, [kept.leaseId]), 1);
      const theirs = await schedulerFor(store).claim(b.id, 2);
      assert.deepEqual(
        theirs.map((l) => l.url),
        [back.url],
        'the handed-back URL goes to another node at once; the kept one does not',
      );
      const plain = { body: '', headers: { 'content-type': 'text/plain' as const } };
      await assert.rejects(
        ingest.acceptCapture(a.id, captureUpload(a, back as never, plain)),
        refused('LEASE_NOT_HELD'),
      );
      const ok = await ingest.acceptCapture(a.id, captureUpload(a, kept as never, plain));
      assert.equal(ok.outcome, 'policy', 'the kept lease is still answered by its node');
      // Handing back again is harmless: nothing left to give.
      assert.equal(await store.frontier.handBackNodeLeases(a.id), 0);
      await store.close();
    });

    test('logout ends the session it is called with, not the node', async () => {
      const { store, node } = await setup({});
      const a = await node();
      const s1 = await store.auth.createSession(a.id);
      const s2 = await store.auth.createSession(a.id);
      await store.auth.endSession(s1.token);
      assert.equal(await store.auth.sessionNode(s1.token), null);
      assert.equal(await store.auth.sessionNode(s2.token), a.id);
      await store.close();
    });
  });
}
