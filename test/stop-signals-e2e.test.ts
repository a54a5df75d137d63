import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openStore, type Store } from '@sward/coordinator';
import { SwardClient } from '@sward/sdk';
import { startSampleSite } from '@sward/testsites';
import { freePort, type Proc, sward, swardCoordinatorArgs, swardNode } from './support/processes.js';

/** Polls `read` until it returns something, up to `ms` (a bound on the wait, not a timing assertion). */
async function until<T>(read: () => Promise<T | undefined | null>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((r) => setTimeout(r, 100));
  }
}

// SIGTERM stops a node or a coordinator within 5 s; the node hands back what it holds, the coordinator
// hands back nothing (the leases are the nodes'). Separate processes, compiled JavaScript (issue #14 point 4).
describe('SIGTERM: nodes hand back, coordinators drain', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-stop-'));
  const procs: Proc[] = [];
  after(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    rmSync(tmp, { recursive: true, force: true });
  });

  test('a node stopped mid-fetch hands its lease back and exits; a coordinator stopped exits and leaves leases alone', async () => {
    // /slow answers after a minute: the node is in the middle of it when it is told to stop.
    const site = await startSampleSite({ pages: 12, slowMs: 60_000, politeness: false });
    after(() => site.close());
    const port = await freePort();
    const db = join(tmp, 'sward.db');
    const coord = sward(swardCoordinatorArgs(db, port));
    procs.push(coord);
    const key = (await coord.waitFor(/first API key \(shown once, stored hashed\): (sk_\S+)/))[1] as string;
    await coord.waitFor(/listening on/);
    const url = `http://127.0.0.1:${port}`;
    const node = swardNode(url, join(tmp, 'n1'));
    procs.push(node);
    const nodeId = (await node.waitFor(/node ([0-9a-f]{64})/))[1] as string;
    const client = new SwardClient({ url, apiKey: key });
    await client.createCrawl({ seed: `${site.url}/`, maxPages: 100, maxDepth: 3, include: [], exclude: [] });
    const store: Store = await openStore(db);
    after(() => store.close());
    const slow = `${site.url}/slow`;
    const leasedTo = async () =>
      (
        await store.db.get<{ leased_to: string | null; state: string }>(
          "SELECT leased_to, state FROM urls WHERE url = ? AND kind = 'page'",
          [slow],
        )
      )?.leased_to;
    assert.equal(await until(leasedTo, 60_000), nodeId);

    const t0 = Date.now();
    node.child.kill('SIGTERM');
    assert.equal(await node.exited, 0, node.output());
    const nodeStopMs = Date.now() - t0;
    const row = await store.db.get<{ state: string; reason: string; attempts: number }>(
      "SELECT state, reason, attempts FROM urls WHERE url = ? AND kind = 'page'",
      [slow],
    );
    assert.equal(row?.state, 'queued', 'the unfinished lease went back to the queue at once');
    assert.equal(row?.reason, 'handed_back');
    assert.equal(Number(row?.attempts), 0, 'no attempt counted: the site did not fail');
    const held = await store.db.get<{ n: number }>(
      "SELECT count(*) AS n FROM urls WHERE state = 'leased' AND leased_to = ?",
      [nodeId],
    );
    assert.equal(Number(held?.n), 0, 'the stopped node holds nothing');

    // A second node takes the handed-back URL and sits on it; then the coordinator is told to stop.
    const other = swardNode(url, join(tmp, 'n2'));
    procs.push(other);
    const otherId = (await other.waitFor(/node ([0-9a-f]{64})/))[1] as string;
    assert.equal(await until(async () => ((await leasedTo()) === otherId ? otherId : null), 60_000), otherId);
    const t1 = Date.now();
    coord.child.kill('SIGTERM');
    assert.equal(await coord.exited, 0, coord.output());
    const coordStopMs = Date.now() - t1;
    assert.equal(await leasedTo(), otherId, 'the coordinator hands back nothing it does not own');
    console.log(`SIGTERM to exit: node ${nodeStopMs} ms, coordinator ${coordStopMs} ms`);
    // Bounds by construction (each process exits by itself past 4.8 s), checked loosely under load.
    assert.ok(nodeStopMs < 10_000 && coordStopMs < 10_000, `${nodeStopMs} / ${coordStopMs} ms`);
    await other.kill('SIGKILL');
  });

  test('a SIGKILLed node loses its lease once it misses its heartbeats, not at the lease deadline', async () => {
    // The lease is the default 60 s; the node timeout is what frees the site. SWARD_TEST_NODE_TIMEOUT_MS
    // and SWARD_TEST_HEARTBEAT_MS measure other settings (docs/BENCHMARKS.md: the defaults, 20 s and 5 s).
    const timeoutMs = process.env.SWARD_TEST_NODE_TIMEOUT_MS ?? '4000';
    const heartbeatMs = process.env.SWARD_TEST_HEARTBEAT_MS ?? '1000';
    const site = await startSampleSite({ pages: 12, slowMs: 120_000, politeness: false });
    after(() => site.close());
    const port = await freePort();
    const db = join(tmp, 'kill.db');
    const coord = sward([...swardCoordinatorArgs(db, port), '--node-timeout-ms', timeoutMs]);
    procs.push(coord);
    const key = (await coord.waitFor(/first API key \(shown once, stored hashed\): (sk_\S+)/))[1] as string;
    await coord.waitFor(/listening on/);
    const url = `http://127.0.0.1:${port}`;
    const env = { SWARD_NODE_HEARTBEAT_MS: heartbeatMs };
    const victim = swardNode(url, join(tmp, 'k1'), env);
    procs.push(victim);
    const victimId = (await victim.waitFor(/node ([0-9a-f]{64})/))[1] as string;
    const client = new SwardClient({ url, apiKey: key });
    await client.createCrawl({ seed: `${site.url}/`, maxPages: 100, maxDepth: 3, include: [], exclude: [] });
    const store: Store = await openStore(db);
    after(() => store.close());
    const slow = `${site.url}/slow`;
    const leasedTo = async () =>
      (
        await store.db.get<{ leased_to: string | null }>(
          "SELECT leased_to FROM urls WHERE url = ? AND kind = 'page'",
          [slow],
        )
      )?.leased_to;
    await until(async () => ((await leasedTo()) === victimId ? true : null), 60_000);
    // A healthy node waits for work beside it, started only now: had it leased /slow first, its fetch
    // would time out, count an attempt and hand the page to the victim.
    const healthy = swardNode(url, join(tmp, 'k2'), env);
    procs.push(healthy);
    const healthyId = (await healthy.waitFor(/node ([0-9a-f]{64})/))[1] as string;
    await victim.kill('SIGKILL');
    const killedAt = Date.now();
    // Bounded well under the 60 s lease: without the node timeout this wait fails.
    await until(async () => ((await leasedTo()) === healthyId ? true : null), 40_000);
    const ms = Date.now() - killedAt;
    console.log(
      `SIGKILL → leased to another node: ${ms} ms (node timeout ${timeoutMs} ms, heartbeat ${heartbeatMs} ms, lease 60000 ms)`,
    );
    const row = await store.db.get<{ attempts: number }>(
      "SELECT attempts FROM urls WHERE url = ? AND kind = 'page'",
      [slow],
    );
    assert.equal(Number(row?.attempts), 0, 'the node failed, not the site: no attempt counted');
    await Promise.all([healthy.kill('SIGKILL'), coord.kill('SIGKILL')]);
  });
});
