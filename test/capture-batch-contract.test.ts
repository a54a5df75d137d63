import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { type Store, schedulerFor } from '@sward/coordinator';
import { type CaptureBatchItem, generateIdentity, type Identity, sha256Hex } from '@sward/core';
import { decodeHtml, EXTRACTOR, extract } from '@sward/extract';
import type { Logger } from 'pino';
import { ExtractionPool } from '../packages/coordinator/src/ingest/extraction-pool.js';
import type { Ingest } from '../packages/coordinator/src/ingest/ingest.js';
import { backends } from './support/backends.js';
import { captureUpload } from './support/capture-maker.js';
import { ingestStack } from './support/ingest-stack.js';

type Lease = { leaseId: string; jobId: string; url: string };

/**
 * Counts the statements a store's driver runs from now on (transactions' BEGIN and COMMIT not included);
 * `texts` collects them.
 */
function countStatements(store: Store, texts: string[] = []): () => number {
  let n = 0;
  const db = store.db as unknown as Record<string, unknown>;
  const wrap = <T extends object>(ex: T): T => {
    for (const name of ['all', 'get', 'run'] as const) {
      const f = (ex as Record<string, unknown>)[name] as (...a: unknown[]) => unknown;
      (ex as Record<string, unknown>)[name] = (...a: unknown[]) => {
        n++;
        texts.push(String(a[0]));
        return f.apply(ex, a);
      };
    }
    return ex;
  };
  wrap(db);
  const transaction = db.transaction as (fn: (tx: object) => Promise<unknown>) => Promise<unknown>;
  db.transaction = (fn: (tx: object) => Promise<unknown>) =>
    transaction.call(db, (tx: object) => fn(wrap({ ...(tx as object) })));
  return () => n;
}

/** A batch item as a node sends it: the signed capture and its body as bytes. */
function item(node: Identity, lease: Lease, res: Parameters<typeof captureUpload>[2]): CaptureBatchItem {
  const u = captureUpload(node, lease, res);
  return { capture: u.capture, signature: u.signature, body: Buffer.from(u.body, 'base64') };
}

const page = (n: string) =>
  `<html><head><title>Page ${n}</title></head><body><article><h1>Page ${n}</h1>
   <p>${`Words of page ${n} that make a paragraph long enough to be the main text. `.repeat(8)}</p>
   <a href="/">home</a></article></body></html>`;

for (const backend of backends()) {
  describe(`capture batches and documents off the capture path: ${backend.name}`, () => {
    after(() => backend.cleanup());

    const setup = async () => {
      const { store, blobs, ingest } = await ingestStack(backend, { politeness: false });
      const node = generateIdentity();
      await store.auth.upsertNode({ id: node.id });
      return { store, ingest, node, blobs };
    };

    /** A job whose seed page links to /a…/e, answered, with its five leases out to `node`. */
    const fiveLeases = async (store: Store, ingest: Ingest, node: Identity) => {
      const job = await store.frontier.createJob(
        { tenant: 'default' },
        { seed: 'http://b.test/', maxPages: 100, maxDepth: 1, include: [], exclude: [] },
      );
      const [r] = await schedulerFor(store).claim(node.id, 1);
      await ingest.acceptBatch(node.id, [
        item(node, r as Lease, { body: '', headers: { 'content-type': 'text/plain' } }),
      ]);
      const [t] = await schedulerFor(store).claim(node.id, 1);
      await ingest.acceptBatch(node.id, [item(node, t as Lease, { status: 404, body: 'nope' })]);
      const [seed] = await schedulerFor(store).claim(node.id, 1);
      const links = ['a', 'b', 'c', 'd', 'e'].map((x) => `<a href="/${x}">${x}</a>`).join('');
      const [s] = await ingest.acceptBatch(node.id, [
        item(node, seed as Lease, { body: `<html><body>${links}</body></html>` }),
      ]);
      assert.equal(s?.accepted && s.outcome, 'stored');
      const leases = await schedulerFor(store).claim(node.id, 5);
      const byPath = new Map(leases.map((l) => [new URL(l.url).pathname, l as Lease]));
      assert.equal(byPath.size, 5);
      return { job, lease: (p: string) => byPath.get(p) as Lease };
    };

    test('a batch with a forged capture: each bad one is refused alone, named, and the others are stored', async () => {
      const { store, ingest, node, blobs } = await setup();
      const { job, lease } = await fiveLeases(store, ingest, node);
      const stranger = generateIdentity();
      await store.auth.upsertNode({ id: stranger.id });
      const good = item(node, lease('/a'), { body: page('a') });
      const forged = item(node, lease('/b'), { body: page('b') });
      // a node that rewrites the status after signing: the signature no longer covers the capture
      forged.capture = { ...(forged.capture as object), status: 203 };
      const swapped = item(node, lease('/c'), { body: page('c') });
      swapped.body = Buffer.from(page('c').replace('Page c', 'Page X'));
      const foreign = item(stranger, lease('/d'), { body: page('d') });
      const alsoGood = item(node, lease('/e'), { body: page('e') });
      const results = await ingest.acceptBatch(node.id, [good, forged, swapped, foreign, alsoGood]);
      assert.deepEqual(
        results.map((r) => (r.accepted ? r.outcome : r.error.code)),
        ['stored', 'BAD_SIGNATURE', 'HASH_MISMATCH', 'BAD_SIGNATURE', 'stored'],
      );
      const refused = results[3];
      assert.ok(refused && !refused.accepted && /signed by node/.test(refused.error.message));
      const stored = await store.db.all<{ requested_url: string; body_sha256: string }>(
        "SELECT requested_url, body_sha256 FROM captures WHERE job_id = ? AND outcome = 'stored' ORDER BY requested_url",
        [job.id],
      );
      assert.deepEqual(
        stored.map((r) => r.requested_url),
        ['http://b.test/', 'http://b.test/a', 'http://b.test/e'],
      );
      for (const [r, body] of [
        [stored[1], page('a')],
        [stored[2], page('e')],
      ] as const)
        assert.equal((await blobs.get(r?.body_sha256 ?? ''))?.toString(), body, 'the good bodies are intact');
      // the refused captures' leases are still the node's to answer
      const open = await store.db.all<{ url: string }>(
        "SELECT url FROM urls WHERE job_id = ? AND state = 'leased' ORDER BY url",
        [job.id],
      );
      assert.deepEqual(
        open.map((r) => r.url),
        ['http://b.test/b', 'http://b.test/c', 'http://b.test/d'],
      );
      await store.close();
    });

    test('two answers to one lease in a batch: the second is rolled back alone at commit, leaving no trace', async () => {
      const { store, ingest, node } = await setup();
      const { job, lease } = await fiveLeases(store, ingest, node);
      // both pass the checks made before the batch's transaction (the lease is still open for each)...
      const first = item(node, lease('/a'), { body: page('a') });
      const second = item(node, lease('/a'), { body: page('a2') });
      const other = item(node, lease('/e'), { body: page('e') });
      const results = await ingest.acceptBatch(node.id, [first, second, other]);
      // ...and the second finds the lease answered under its savepoint, which is rolled back
      assert.deepEqual(
        results.map((r) => (r.accepted ? r.outcome : r.error.code)),
        ['stored', 'LEASE_NOT_HELD', 'stored'],
      );
      const rows = await store.db.all<{ id: string; body_sha256: string }>(
        "SELECT id, body_sha256 FROM captures WHERE job_id = ? AND requested_url = 'http://b.test/a'",
        [job.id],
      );
      assert.deepEqual(
        rows.map((r) => r.body_sha256),
        [sha256Hex(Buffer.from(page('a')))],
      );
      const paid = await store.db.get<{ n: number }>(
        'SELECT count(*) AS n FROM rw_captures WHERE node_id = ?',
        [node.id],
      );
      const captured = await store.db.get<{ n: number }>(
        "SELECT count(*) AS n FROM captures WHERE node_id = ? AND outcome <> 'policy'",
        [node.id],
      );
      assert.equal(
        Number(paid?.n),
        Number(captured?.n),
        'every capture paid once, the rolled-back one not at all',
      );
      const queued = await store.db.get<{ n: number }>(
        'SELECT count(*) AS n FROM extract_queue WHERE job_id = ?',
        [job.id],
      );
      assert.equal(Number(queued?.n), 3, 'seed, /a and /e wait for documents; nothing of the refused one');
      await store.close();
    });

    test('the same batch sent twice gets the same answers and stores each page once', async () => {
      const { store, ingest, node } = await setup();
      const { job, lease } = await fiveLeases(store, ingest, node);
      const batch = ['/a', '/b'].map((p) => item(node, lease(p), { body: page(p) }));
      const first = await ingest.acceptBatch(node.id, [...batch, batch[0] as CaptureBatchItem]);
      const again = await ingest.acceptBatch(node.id, batch);
      assert.deepEqual(first.slice(0, 2), again);
      assert.deepEqual(first[2], first[0], 'a capture repeated in one batch gets its first answer');
      const n = await store.db.get<{ n: number }>(
        "SELECT count(*) AS n FROM captures WHERE job_id = ? AND outcome = 'stored'",
        [job.id],
      );
      assert.equal(Number(n?.n), 3);
      await store.close();
    });

    test("a mixed batch (forged, another node's lease, a resend, a repeat, a redirect onto a page of the batch): the bad ones are refused alone, the good ones stored once", async () => {
      const { store, ingest, node } = await setup();
      const { job, lease } = await fiveLeases(store, ingest, node);
      const other = generateIdentity();
      await store.auth.upsertNode({ id: other.id });
      // a second page for the other node, so that it holds a lease of the job
      await store.frontier.enqueue(store.db, job.id, [{ url: 'http://b.test/f', depth: 1 }]);
      const [otherLease] = await schedulerFor(store).claim(other.id, 1);
      assert.equal(otherLease?.url, 'http://b.test/f');
      const resent = item(node, lease('/a'), { body: page('a') });
      const [before] = await ingest.acceptBatch(node.id, [resent]);
      assert.ok(before?.accepted);
      const forged = item(node, lease('/b'), { body: page('b') });
      forged.capture = { ...(forged.capture as object), status: 203 };
      // signed by our node for a lease issued to the other node
      const notMine = item(node, otherLease as Lease, { body: page('f') });
      const good = item(node, lease('/c'), { body: page('c') });
      // /d reports a redirect to /e; /e itself comes later in the batch, fetched directly
      const redirected = item(node, lease('/d'), {
        body: page('e'),
        finalUrl: 'http://b.test/e',
        redirects: [{ url: 'http://b.test/d', status: 301, location: '/e' }],
      });
      const direct = item(node, lease('/e'), { body: page('e') });
      const results = await ingest.acceptBatch(node.id, [
        resent,
        forged,
        notMine,
        good,
        redirected,
        good,
        direct,
      ]);
      assert.deepEqual(
        results.map((r) => (r.accepted ? `${r.outcome}${r.reason ? `:${r.reason}` : ''}` : r.error.code)),
        ['stored', 'BAD_SIGNATURE', 'LEASE_NOT_HELD', 'stored', 'stored', 'stored', 'stored'],
      );
      assert.deepEqual(results[0], before, 'a resend gets the first answer');
      assert.deepEqual(results[5], results[3], 'a capture repeated in the batch gets its first answer');
      const rows = await store.db.all<{
        requested_url: string;
        final_url: string;
        outcome: string;
        reason: string | null;
      }>(
        "SELECT requested_url, final_url, outcome, reason FROM captures WHERE job_id = ? AND outcome <> 'policy' ORDER BY requested_url",
        [job.id],
      );
      assert.deepEqual(
        rows.map((r) => [r.requested_url, r.final_url, r.outcome, r.reason]),
        [
          ['http://b.test/', 'http://b.test/', 'stored', null],
          ['http://b.test/a', 'http://b.test/a', 'stored', null],
          ['http://b.test/c', 'http://b.test/c', 'stored', null],
          // the redirect claim gave way to the direct fetch of its final URL, as it would one batch later
          ['http://b.test/d', 'http://b.test/e', 'skipped', 'duplicate'],
          ['http://b.test/e', 'http://b.test/e', 'stored', null],
        ],
      );
      const j = await store.frontier.getJob(job.id);
      assert.equal(j?.stored, 4, 'the job counts each stored page once');
      const urls = await store.db.all<{ url: string; state: string }>(
        'SELECT url, state FROM urls WHERE job_id = ? ORDER BY url',
        [job.id],
      );
      assert.deepEqual(
        urls.map((u) => `${u.url} ${u.state}`),
        [
          'http://b.test/ stored',
          'http://b.test/a stored',
          'http://b.test/b leased',
          'http://b.test/c stored',
          'http://b.test/d skipped',
          'http://b.test/e stored',
          'http://b.test/f leased',
        ],
        "the forged capture and the other node's lease are still open",
      );
      const paid = await store.db.all<{ capture_id: string; n: number }>(
        'SELECT r.capture_id, count(*) AS n FROM rw_captures r GROUP BY r.capture_id HAVING count(*) > 1',
      );
      assert.deepEqual(paid, [], 'no capture is paid twice');
      const work = await store.db.get<{ n: number }>(
        "SELECT count(*) AS n FROM rw_transactions WHERE kind = 'work' AND ref IN (SELECT id FROM captures WHERE job_id = ?)",
        [job.id],
      );
      assert.equal(Number(work?.n), 5, 'every page stored when it came is paid once: /, /a, /c, /d, /e');
      await store.close();
    });

    test("a claim of several pages writes their URL rows in one statement and takes the key's day once", async () => {
      const { store, ingest, node } = await setup();
      const { id: keyId } = await store.auth.createApiKey({
        name: 'claims',
        tenant: 'default',
        role: 'customer',
        scopes: ['crawl'],
        pagesPerDay: 100,
      });
      const job = await store.frontier.createJob(
        { tenant: 'default', apiKeyId: keyId },
        { seed: 'http://claim.test/', maxPages: 100, maxDepth: 1, include: [], exclude: [] },
      );
      const scheduler = schedulerFor(store);
      const [r] = await scheduler.claim(node.id, 1);
      await ingest.acceptBatch(node.id, [
        item(node, r as Lease, { body: '', headers: { 'content-type': 'text/plain' } }),
      ]);
      const [t] = await scheduler.claim(node.id, 1);
      await ingest.acceptBatch(node.id, [item(node, t as Lease, { status: 404, body: 'nope' })]);
      const [seed] = await scheduler.claim(node.id, 1);
      const links = Array.from({ length: 6 }, (_, i) => `<a href="/p${i}">${i}</a>`).join('');
      await ingest.acceptBatch(node.id, [
        item(node, seed as Lease, { body: `<html><body>${links}</body></html>` }),
      ]);
      const texts: string[] = [];
      const run = store.db.transaction.bind(store.db);
      (store.db as { transaction: typeof run }).transaction = (fn) =>
        run((tx) => {
          const seen = { ...tx };
          for (const name of ['all', 'get', 'run'] as const) {
            const f = tx[name].bind(tx) as (sql: string, p?: unknown[]) => Promise<never>;
            (seen as Record<string, unknown>)[name] = (sql: string, p?: unknown[]) => {
              texts.push(sql);
              return f(sql, p);
            };
          }
          return fn(seen);
        });
      // asks for 8; the 6 links are there: one statement leases them, the day's pages are taken once and
      // the 2 not leased given back
      const leases = await scheduler.claim(node.id, 8);
      (store.db as { transaction: typeof run }).transaction = run;
      assert.equal(leases.length, 6);
      const marking = texts.filter((q) => /UPDATE urls SET state = 'leased'/.test(q));
      assert.equal(marking.length, 1, `${marking.length} statements marked 6 leases`);
      const quota = texts.filter((q) => /quota_usage/.test(q));
      assert.ok(quota.length <= 2, `${quota.length} quota statements for 6 pages: ${quota.join(' | ')}`);
      const used = await store.db.get<{ n: number }>(
        "SELECT n FROM quota_usage WHERE subject = ? AND kind = 'pages'",
        [keyId],
      );
      assert.equal(
        Number(used?.n),
        7,
        'the seed and the 6 pages: what was taken ahead and not used went back',
      );
      const held = await store.db.all<{ lease_id: string; leased_to: string; lease_deadline: number }>(
        "SELECT lease_id, leased_to, lease_deadline FROM urls WHERE job_id = ? AND state = 'leased' ORDER BY lease_id",
        [job.id],
      );
      assert.deepEqual(
        held.map((h) => h.lease_id),
        leases.map((l) => l.leaseId).sort(),
      );
      assert.ok(
        held.every((h) => h.leased_to === node.id && Number(h.lease_deadline) === leases[0]?.deadline),
        'each row holds its lease for this node, to the deadline the node was told',
      );
    });

    test('a batch of plain pages costs the statements of one page, not one set per page', async () => {
      const { store, ingest, node } = await setup();
      const { lease } = await fiveLeases(store, ingest, node);
      const one = ['/a'].map((p) => item(node, lease(p), { body: page(p) }));
      const four = ['/b', '/c', '/d', '/e'].map((p) => item(node, lease(p), { body: page(p) }));
      const count = countStatements(store);
      await ingest.acceptBatch(node.id, one);
      const single = count();
      await ingest.acceptBatch(node.id, four);
      const batch = count() - single;
      assert.ok(
        batch <= single + 4,
        `a batch of 4 plain pages ran ${batch} statements, one page alone ${single}: one statement per table per batch`,
      );
      await store.close();
    });

    /** Counts the store's transactions from now on (each BEGIN … COMMIT or ROLLBACK). */
    const countTransactions = (store: Store) => {
      let n = 0;
      const db = store.db as unknown as { transaction: (fn: unknown) => Promise<unknown> };
      const transaction = db.transaction.bind(db);
      db.transaction = (fn) => {
        n++;
        return transaction(fn);
      };
      return () => n;
    };

    /** A second node, registered, and `paths` of `job` queued for it. */
    const secondNode = async (store: Store, jobId: string, paths: string[]) => {
      const other = generateIdentity();
      await store.auth.upsertNode({ id: other.id });
      await store.frontier.enqueue(
        store.db,
        jobId,
        paths.map((p) => ({ url: `http://b.test${p}`, depth: 1 })),
      );
      return other;
    };

    /** A second node holding the leases of /f and /g of `job`. */
    const otherNode = async (store: Store, jobId: string) => {
      const other = await secondNode(store, jobId, ['/f', '/g']);
      const leases = await schedulerFor(store).claim(other.id, 2);
      const byPath = new Map(leases.map((l) => [new URL(l.url).pathname, l as Lease]));
      assert.equal(byPath.size, 2);
      return { other, lease: (p: string) => byPath.get(p) as Lease };
    };

    test("two nodes' batches that reach their commit together share one transaction on SQLite, each answered as its own", async () => {
      const { store, ingest, node } = await setup();
      const { job, lease } = await fiveLeases(store, ingest, node);
      const { other, lease: otherLease } = await otherNode(store, job.id);
      const transactions = countTransactions(store);
      const mine = [
        item(node, lease('/a'), { body: page('a') }),
        // a second answer to /a: refused at commit, alone
        item(node, lease('/a'), { body: page('a2') }),
        item(node, lease('/b'), { body: page('b') }),
      ];
      const theirs = ['/f', '/g'].map((p) => item(other, otherLease(p), { body: page(p) }));
      const texts: string[] = [];
      countStatements(store, texts);
      const [a, b] = await Promise.all([
        ingest.acceptBatch(node.id, mine),
        ingest.acceptBatch(other.id, theirs),
      ]);
      const codes = (rs: typeof a) => rs.map((r) => (r.accepted ? r.outcome : r.error.code));
      assert.deepEqual(codes(a), ['stored', 'LEASE_NOT_HELD', 'stored']);
      assert.deepEqual(codes(b), ['stored', 'stored']);
      // PostgreSQL's transactions run side by side: each batch commits in its own
      assert.equal(transactions(), backend.name === 'sqlite' ? 1 : 2, 'transactions for the two batches');
      const payReads = texts.filter((q) => /node_credibility/.test(q));
      assert.equal(
        payReads.length,
        2,
        `paying reads each node and its operator once: ${payReads.join(' | ')}`,
      );
      const rows = await store.db.all<{ requested_url: string; node_id: string; body_sha256: string }>(
        "SELECT requested_url, node_id, body_sha256 FROM captures WHERE job_id = ? AND outcome = 'stored' ORDER BY requested_url",
        [job.id],
      );
      assert.deepEqual(
        rows.map((r) => [new URL(r.requested_url).pathname, r.node_id === node.id ? 'mine' : 'theirs']),
        [
          ['/', 'mine'],
          ['/a', 'mine'],
          ['/b', 'mine'],
          ['/f', 'theirs'],
          ['/g', 'theirs'],
        ],
      );
      assert.equal(rows[1]?.body_sha256, sha256Hex(Buffer.from(page('a'))), 'the first answer to /a');
      assert.equal((await store.frontier.getJob(job.id))?.stored, 5);
      // each node paid for its own pages, once
      const paid = await store.db.all<{ node_id: string; n: number; points: number }>(
        'SELECT node_id, count(*) AS n, sum(points) AS points FROM rw_captures WHERE capture_id IN (SELECT id FROM captures WHERE job_id = ?) GROUP BY node_id',
        [job.id],
      );
      const byNode = new Map(paid.map((r) => [r.node_id, r]));
      assert.equal(Number(byNode.get(node.id)?.n), 3, '/, /a, /b');
      assert.equal(Number(byNode.get(other.id)?.n), 2);
      for (const id of [node.id, other.id]) {
        const work = await store.db.get<{ n: number }>(
          "SELECT count(*) AS n FROM rw_transactions WHERE kind = 'work' AND ref IN (SELECT id FROM captures WHERE node_id = ? AND outcome = 'stored')",
          [id],
        );
        assert.equal(Number(work?.n), id === node.id ? 3 : 2, 'one work posting per stored page');
        const balance = await store.db.get<{ balance: number }>(
          'SELECT balance FROM rw_balances WHERE account = ?',
          [`op:${id}`],
        );
        assert.ok(Number(balance?.balance) > 0, `node ${id.slice(0, 8)}'s operator holds its points`);
      }
      await store.close();
    });

    test("a lease claim and another node's batch that reach their commit together share one transaction on SQLite", async () => {
      const { store, ingest, node } = await setup();
      const { job, lease } = await fiveLeases(store, ingest, node);
      const other = await secondNode(store, job.id, ['/f']);
      // as server.ts wires them
      const scheduler = schedulerFor(store);
      scheduler.claimTransactions = (fn) => ingest.inBatchTransaction(fn);
      const transactions = countTransactions(store);
      const [answers, leases] = await Promise.all([
        ingest.acceptBatch(node.id, [item(node, lease('/a'), { body: page('a') })]),
        scheduler.claim(other.id, 1),
      ]);
      assert.deepEqual(
        answers.map((r) => r.accepted && r.outcome),
        ['stored'],
      );
      assert.deepEqual(
        leases.map((l) => l.url),
        ['http://b.test/f'],
      );
      assert.equal(transactions(), backend.name === 'sqlite' ? 1 : 2);
      const held = await store.db.get<{ leased_to: string }>(
        "SELECT leased_to FROM urls WHERE url = 'http://b.test/f' AND state = 'leased'",
      );
      assert.equal(held?.leased_to, other.id);
      // a claim that throws fails alone; the batch beside it is stored
      const failing = (async () => {
        throw new Error('no claim');
      }) as () => Promise<never>;
      const [stored, refused] = await Promise.allSettled([
        ingest.acceptBatch(node.id, [item(node, lease('/b'), { body: page('b') })]),
        ingest.inBatchTransaction(failing),
      ]);
      assert.deepEqual(stored.status === 'fulfilled' && stored.value.map((r) => r.accepted && r.outcome), [
        'stored',
      ]);
      assert.equal(refused.status === 'rejected' && (refused.reason as Error).message, 'no claim');
      await store.close();
    });

    test("a batch whose part of a shared transaction fails fails alone: the other node's batch is stored", async () => {
      const { store, ingest, node } = await setup();
      const { job, lease } = await fiveLeases(store, ingest, node);
      const { other, lease: otherLease } = await otherNode(store, job.id);
      const transactions = countTransactions(store);
      let lastRuns = 0;
      const [a, b] = await Promise.allSettled([
        ingest.acceptBatch(node.id, [item(node, lease('/a'), { body: page('a') })], undefined, async () => {
          throw new Error('the claim broke');
        }),
        ingest.acceptBatch(
          other.id,
          [item(other, otherLease('/f'), { body: page('f') })],
          undefined,
          async () => {
            lastRuns++;
          },
        ),
      ]);
      assert.equal(a.status === 'rejected' && (a.reason as Error).message, 'the claim broke');
      assert.deepEqual(b.status === 'fulfilled' && b.value.map((r) => r.accepted && r.outcome), ['stored']);
      // SQLite: the shared transaction, rolled back, then each batch alone; PostgreSQL: each alone at once
      assert.equal(transactions(), backend.name === 'sqlite' ? 3 : 2);
      assert.ok(lastRuns >= 1);
      const urls = await store.db.all<{ url: string; state: string }>(
        "SELECT url, state FROM urls WHERE job_id = ? AND url IN ('http://b.test/a', 'http://b.test/f') ORDER BY url",
        [job.id],
      );
      assert.deepEqual(
        urls.map((u) => `${new URL(u.url).pathname} ${u.state}`),
        ['/a leased', '/f stored'],
        "the failed batch left nothing; the other node's page is stored",
      );
      const paid = await store.db.get<{ n: number }>(
        'SELECT count(*) AS n FROM rw_captures WHERE node_id = ? AND capture_id IN (SELECT id FROM captures WHERE job_id = ?)',
        [other.id, job.id],
      );
      assert.equal(Number(paid?.n), 1);
      await store.close();
    });

    test('paying a batch reads its node, credibility and operator in one statement', async () => {
      const { store, ingest, node } = await setup();
      const { lease } = await fiveLeases(store, ingest, node);
      const texts: string[] = [];
      countStatements(store, texts);
      const two = ['/a', '/b'].map((p) => item(node, lease(p), { body: page(p) }));
      const answers = await ingest.acceptBatch(node.id, two);
      assert.deepEqual(
        answers.map((a) => a.accepted && a.outcome),
        ['stored', 'stored'],
      );
      const reads = texts.filter((q) => /credibility|rw_operators/.test(q) && /^\s*SELECT/.test(q));
      assert.equal(reads.length, 1, `the node and its operator read once: ${reads.join(' | ')}`);
      const paid = await store.db.get<{ n: number }>(
        "SELECT count(*) AS n FROM rw_transactions WHERE kind = 'work' AND ref IN (SELECT id FROM captures WHERE lease_id IN (?, ?))",
        [lease('/a').leaseId, lease('/b').leaseId],
      );
      assert.equal(Number(paid?.n), 2, 'both pages paid');
      await store.close();
    });

    test('a crawl is captured first and done once the workers made its documents, as --rederive would', async () => {
      const { store, ingest, node, blobs } = await setup();
      const { job, lease } = await fiveLeases(store, ingest, node);
      const bodies = new Map(['/a', '/b', '/c', '/d', '/e'].map((p) => [p, page(p)]));
      const results = await ingest.acceptBatch(
        node.id,
        [...bodies].map(([p, body]) => item(node, lease(p), { body })),
      );
      assert.ok(results.every((r) => r.accepted));
      let j = await store.frontier.getJob(job.id);
      assert.equal(j?.state, 'running', 'not done while documents are missing');
      assert.ok(j?.capturedAt, 'captured: every page answered');
      assert.equal(j?.finishedAt, null);
      assert.equal((await store.frontier.progress(job.id)).documentsPending, 6);
      // rounds run here one at a time (no background loop), so each round's statements can be counted
      const pool = new ExtractionPool(store, blobs, { threads: 2 });
      const count = countStatements(store);
      // the main thread's messages to the threads: the round's pages go in one message a thread
      const post = Worker.prototype.postMessage;
      const messages: number[] = [];
      // only this pool's requests (their bodies are in this test's store): another test's pool, still
      // running in this process, posts to threads of its own
      Worker.prototype.postMessage = function (this: Worker, ...args: Parameters<Worker['postMessage']>) {
        const items = (args[0] as { items?: { bodyPath?: string }[] } | undefined)?.items;
        if (items?.some((i) => i.bodyPath?.startsWith(blobs.root))) messages.push(this.threadId);
        return post.apply(this, args);
      };
      try {
        while ((await store.frontier.progress(job.id)).documentsPending > 0) {
          const before = count();
          messages.length = 0;
          const made = await pool.round();
          // claim, the job's options, one insert and one delete for the round's documents, the job finished
          if (made > 1)
            assert.ok(count() - before <= 12, `${made} documents stored in ${count() - before} statements`);
          assert.ok(
            messages.length <= 2 && new Set(messages).size === messages.length,
            `${made} documents in ${messages.length} messages to the threads ${messages}`,
          );
        }
      } finally {
        Worker.prototype.postMessage = post;
        await pool.stop();
      }
      j = await store.frontier.getJob(job.id);
      assert.equal(j?.state, 'done');
      assert.ok((j?.finishedAt ?? 0) >= (j?.capturedAt ?? Number.POSITIVE_INFINITY));
      const docs = await store.captures.documents(job.id, 0, 100);
      assert.equal(docs.length, 6);
      for (const d of docs) {
        const body = await blobs.get(d.bodySha256);
        const expected = {
          ...extract(decodeHtml(body as Buffer, 'text/html; charset=utf-8').text, { url: d.finalUrl }),
          extractor: EXTRACTOR,
        };
        assert.deepEqual(d.document, JSON.parse(JSON.stringify(expected)), `document of ${d.url}`);
        assert.equal(sha256Hex(body as Buffer), d.bodySha256);
      }
      await store.close();
    });

    test('the last document stored while the last page is settled: the job ends done, not running for good', async () => {
      // PostgreSQL runs the two transactions at once (SQLite has one writer: nothing to race)
      if (backend.name !== 'postgres') return;
      const { store, ingest, node, blobs } = await setup();
      const { job, lease } = await fiveLeases(store, ingest, node);
      const pool = new ExtractionPool(store, blobs, { threads: 1 });
      try {
        await ingest.acceptBatch(
          node.id,
          ['/a', '/b'].map((p) => item(node, lease(p), { body: page(p) })),
        );
        await pool.round(); // the seed, /a, /b: the thread loads here, not in the race below
        await ingest.acceptBatch(
          node.id,
          ['/c', '/d'].map((p) => item(node, lease(p), { body: page(p) })),
        );
        // A capture batch closing /e, as ingest runs it (the job's row first, the URL settled, finishIfDone),
        // held open while the round stores the documents of /c and /d.
        let release = () => {};
        const held = new Promise<void>((r) => {
          release = r;
        });
        let settled = () => {};
        const ready = new Promise<void>((r) => {
          settled = r;
        });
        const closing = store.db.transaction(async (tx) => {
          await tx.run('SELECT id FROM jobs WHERE id = ? FOR UPDATE', [job.id]);
          await tx.run("UPDATE urls SET state = 'failed', reason = 'http_404' WHERE job_id = ? AND url = ?", [
            job.id,
            lease('/e').url,
          ]);
          await store.frontier.finishIfDone(tx, job.id);
          settled();
          await held;
        });
        await ready;
        const round = pool.round();
        // without the row lock the round commits here, having read /e as still out on lease
        await Promise.race([round, new Promise((r) => setTimeout(r, 1500))]);
        release();
        await closing;
        assert.equal(await round, 2);
      } finally {
        await pool.stop();
      }
      const j = await store.frontier.getJob(job.id);
      assert.equal(j?.state, 'done', 'every page answered and documented');
      assert.equal((await store.frontier.progress(job.id)).documentsPending, 0);
      await store.close();
    });

    test('a job left running with nothing open is ended by the idle extraction pool', async () => {
      const { store, ingest, node, blobs } = await setup();
      const { job, lease } = await fiveLeases(store, ingest, node);
      await ingest.acceptBatch(
        node.id,
        ['/a', '/b', '/c', '/d', '/e'].map((p) => item(node, lease(p), { body: page(p) })),
      );
      // another job, still fetching: not to be touched
      const open = await store.frontier.createJob(
        { tenant: 'default' },
        { seed: 'http://c.test/', maxPages: 10, maxDepth: 1, include: [], exclude: [] },
      );
      const pool = new ExtractionPool(store, blobs, { threads: 1 });
      try {
        while ((await store.frontier.progress(job.id)).documentsPending > 0) await pool.round();
        assert.equal((await store.frontier.getJob(job.id))?.state, 'done');
        // what two transactions that closed its last pieces at once, each reading the other's work as not
        // done yet, leave: every page answered and documented, the job still running
        await store.db.run("UPDATE jobs SET state = 'running', finished_at = NULL WHERE id = ?", [job.id]);
        const warned: unknown[] = [];
        const idle = new ExtractionPool(store, blobs, {
          threads: 1,
          idleMs: 20,
          stalledJobsMs: 50,
          log: { warn: (o: unknown) => warned.push(o), error: () => {} } as unknown as Logger,
        });
        idle.start();
        try {
          for (let i = 0; i < 200 && (await store.frontier.getJob(job.id))?.state !== 'done'; i++)
            await new Promise((r) => setTimeout(r, 25));
        } finally {
          await idle.stop();
        }
        assert.equal((await store.frontier.getJob(job.id))?.state, 'done', 'ended by the idle pool');
        assert.deepEqual(warned, [{ jobs: 1 }]);
        assert.equal((await store.frontier.getJob(open.id))?.state, 'running', 'a job with a URL queued');
      } finally {
        await pool.stop();
      }
      await store.close();
    });

    test('a page whose body the blob store lost stays queued, named in the log; the others get their documents', async () => {
      const { store, ingest, node, blobs } = await setup();
      const { job, lease } = await fiveLeases(store, ingest, node);
      await ingest.acceptBatch(
        node.id,
        ['/a', '/b'].map((p) => item(node, lease(p), { body: page(p) })),
      );
      const lost = sha256Hex(Buffer.from(page('/b')));
      rmSync(join(blobs.root, blobs.relativePath(lost)));
      const errors: { obj: Record<string, unknown>; msg: string }[] = [];
      const log = { error: (obj: Record<string, unknown>, msg: string) => errors.push({ obj, msg }) };
      // the extraction thread reads the bodies: the coordinator's main thread, which runs the capture path,
      // reads none of them (nor rebuilds and serialises the documents)
      let mainThreadReads = 0;
      const get = blobs.get.bind(blobs);
      blobs.get = (sha) => {
        mainThreadReads++;
        return get(sha);
      };
      const pool = new ExtractionPool(store, blobs, { threads: 1, log: log as unknown as Logger });
      try {
        assert.equal(await pool.round(), 2, 'the seed and /a');
      } finally {
        await pool.stop();
        blobs.get = get;
      }
      assert.equal(mainThreadReads, 0, 'bodies read on the main thread');
      assert.deepEqual(
        errors.map((e) => [e.msg, e.obj.sha256]),
        [['body missing for extraction', lost]],
      );
      assert.equal((await store.frontier.progress(job.id)).documentsPending, 1, '/b waits for its body');
      const docs = await store.captures.documents(job.id, 0, 100);
      assert.deepEqual(docs.map((d) => new URL(d.url).pathname).sort(), ['/', '/a']);
      await store.close();
    });
  });
}
