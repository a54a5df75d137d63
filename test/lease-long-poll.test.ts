import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coordinatorWithNode } from './support/api-call.js';
import { backends } from './support/backends.js';
import { captureUpload } from './support/capture-maker.js';

/**
 * A lease long-poll waits for work without asking the database over and over: it is woken by this
 * coordinator's own writes (a new job, a capture's links, an origin released), and asks again on its own
 * only every 250 ms (a peer's enqueue, a lease deadline) or when a delayed origin comes off its delay.
 * Counted in claim transactions, which is what the old 25 ms loop spent the main thread on.
 */
/** The long-poll's answer, or a failure when it did not come from a wake (its waitMs is 20 s). */
const woken = <T>(p: Promise<T>) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('the long-poll was not woken')), 10_000).unref(),
    ),
  ]);

for (const backend of backends()) {
  test(`${backend.name}: an idle long-poll asks rarely, and a new job or a capture's links wake it`, async () => {
    const { co, call, key, node, token } = await coordinatorWithNode(backend, {
      // Asked on its own only once a minute here: every answer below comes from a wake.
      scheduler: { politeness: false, hostDelayMs: 0, leasePollMs: 60_000 },
      sequenceMs: 3_600_000, // its turns are transactions too
    });
    let transactions = 0;
    // The extraction pool polls its own queue on its own clock: its transactions are not the long-poll's.
    const transaction = co.store.db.transaction.bind(co.store.db);
    co.store.db.transaction = (fn) =>
      transaction(async (tx) => {
        let extraction = false;
        const note = (sql: string) => {
          if (/\bextract_queue\b/.test(sql)) extraction = true;
          return sql;
        };
        const out = await fn({
          all: (sql, p) => tx.all(note(sql), p),
          get: (sql, p) => tx.get(note(sql), p),
          run: (sql, p) => tx.run(note(sql), p),
        });
        if (!extraction) transactions++;
        return out;
      });

    // Nothing queued: a 1.5 s long-poll. The old loop ran a claim every 25 ms (33-47 here).
    const idle = await call('POST', '/v1/nodes/lease', token, { max: 4, waitMs: 1500 });
    assert.equal(idle.status, 200, idle.text);
    assert.deepEqual(idle.json.leases, []);
    assert.ok(transactions <= 3, `${transactions} claim transactions during an idle 1.5 s long-poll`);

    // A long-poll that is waiting when the job is created gets its first lease from that wake.
    const polling = call('POST', '/v1/nodes/lease', token, { max: 4, waitMs: 20_000 });
    await new Promise((r) => setTimeout(r, 100));
    transactions = 0;
    const job = await call('POST', '/v1/jobs', key, { seed: 'http://wake.test/', maxPages: 10 });
    assert.equal(job.status, 201, job.text);
    let leases = (await woken(polling)).json.leases as Parameters<typeof captureUpload>[1][];
    assert.equal(leases[0]?.url, 'http://wake.test/robots.txt');
    assert.ok(transactions <= 6, `${transactions} transactions between the job and its first lease`);

    // The policy files, then the seed: its links wake a long-poll that found nothing left to lease.
    for (let i = 0; i < 3 && !leases.some((l) => l.url === 'http://wake.test/'); i++) {
      for (const lease of leases) {
        const up = captureUpload(node, lease, {
          status: 404,
          body: 'no',
          headers: { 'content-type': 'text/plain' },
        });
        assert.equal((await call('POST', '/v1/nodes/captures', token, up)).status, 200);
      }
      leases = (await call('POST', '/v1/nodes/lease', token, { max: 4, waitMs: 5000 })).json.leases;
    }
    const seed = leases.find((l) => l.url === 'http://wake.test/');
    assert.ok(seed, JSON.stringify(leases));
    const waiting = call('POST', '/v1/nodes/lease', token, { max: 4, waitMs: 20_000 });
    await new Promise((r) => setTimeout(r, 300));
    transactions = 0;
    const up = captureUpload(node, seed as Parameters<typeof captureUpload>[1], {
      body: '<html><body><a href="/a">a</a></body></html>',
    });
    assert.equal((await call('POST', '/v1/nodes/captures', token, up)).status, 200);
    const next = (await woken(waiting)).json.leases as { url: string }[];
    assert.deepEqual(
      next.map((l) => l.url),
      ['http://wake.test/a'],
    );
    assert.ok(transactions <= 6, `${transactions} transactions between the capture and the next lease`);
  });
}
