import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openStore, RewardsService } from '@sward/coordinator';
import { verifyConsistency } from '@sward/core';
import { startSampleSite } from '@sward/testsites';
import { LogStore } from '../packages/coordinator/src/log/log-store.js';
import { backends } from './support/backends.js';
import { checkOutput } from './support/crawl-checks.js';
import { freePort, type Proc, sward, swardNode } from './support/processes.js';

/**
 * Chaos on PostgreSQL (issue #14 point 4): a crawl served by 2 coordinators and 4 nodes, all real
 * processes running the compiled JavaScript, while a driver SIGKILLs a random one every 1.5-3 s and
 * starts it again. The suite crawls SWARD_CHAOS_PAGES pages (default 40, so it stays under a minute on
 * 2 shared cores); SWARD_CHAOS_PAGES=2000 is the full run (docs/BENCHMARKS.md). Politeness stays on (one
 * request at a time to the site), so a node killed holding the site's only lease stalls the whole crawl
 * until its lease is released: that stall is what the node timeout bounds, and it is measured here.
 */
const PAGES = Number(process.env.SWARD_CHAOS_PAGES ?? 40);
const NODE_TIMEOUT_MS = 3000;
/** SWARD_CHAOS_POLITENESS=0 lifts per-origin serialisation (as the crawl benchmark does) for large runs. */
const POLITE = process.env.SWARD_CHAOS_POLITENESS !== '0';

const rand = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `origin\nsize\nbase64 root\n…` (C2SP tlog-checkpoint). */
function checkpointRoot(note: string): { size: number; root: Buffer } {
  const [, size, root] = note.split('\n');
  return { size: Number(size), root: Buffer.from(root as string, 'base64') };
}

describe('chaos: SIGKILLs during a crawl on PostgreSQL', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-chaos-'));
  const procs = new Set<Proc>();
  after(async () => {
    await Promise.all([...procs].map((p) => p.kill('SIGKILL')));
    rmSync(tmp, { recursive: true, force: true });
  });

  const pg = backends().find((b) => b.name === 'postgres');
  test(`${PAGES} pages, 2 coordinators, 4 nodes, random SIGKILLs: every page stored once, ledger balanced, checkpoints consistent, verify passes`, {
    skip: !pg,
    timeout: Math.max(600_000, PAGES * 1500),
  }, async () => {
    const b = pg as NonNullable<typeof pg>;
    after(() => b.cleanup());
    const dbUrl = await b.create();
    const site = await startSampleSite({ pages: PAGES, politeness: false });
    after(() => site.close());
    const ports = [await freePort(), await freePort()];
    const dataDir = join(tmp, 'data'); // shared: blobs and the log key (docs: N coordinators on PostgreSQL)
    const coordinator = (i: number) => {
      const p = sward([
        'coordinator',
        '--db',
        dbUrl,
        '--port',
        String(ports[i]),
        '--data-dir',
        dataDir,
        '--anchor-file',
        join(tmp, `anchors-${i}.jsonl`),
        '--host-delay-ms',
        '0',
        '--node-timeout-ms',
        String(NODE_TIMEOUT_MS),
        '--lease-ms',
        '30000',
        ...(POLITE ? [] : ['--no-politeness']),
      ]);
      procs.add(p);
      return p;
    };
    const coords = [coordinator(0), coordinator(1)];
    for (const c of coords) await c.waitFor(/listening on/);
    const key = (
      await Promise.race(
        coords.map((c) =>
          c
            .waitFor(/first API key \(shown once, stored hashed\): (sk_\S+)/, 10_000)
            .catch(() => new Promise<never>(() => {})),
        ),
      )
    )[1] as string;
    // Nodes 0 and 1 talk to coordinator 0, nodes 2 and 3 to coordinator 1.
    const node = (i: number) => {
      const p = swardNode(`http://127.0.0.1:${ports[i < 2 ? 0 : 1]}`, join(tmp, `node${i}`), {
        SWARD_NODE_HEARTBEAT_MS: '1000',
      });
      procs.add(p);
      return p;
    };
    const nodes = [0, 1, 2, 3].map(node);
    const nodeIds = await Promise.all(
      nodes.map(async (n) => (await n.waitFor(/node ([0-9a-f]{64})/))[1] as string),
    );
    const store = await openStore(dbUrl);
    after(() => store.close());

    const out = join(tmp, 'out');
    const crawl = sward([
      'crawl',
      `${site.url}/`,
      '--out',
      out,
      '--api-key',
      key,
      '--coordinator',
      `http://127.0.0.1:${ports[0]}`,
      '--max-pages',
      String(PAGES * 2),
    ]);
    procs.add(crawl);
    const jobId = (await crawl.waitFor(/job (j_\S+) submitted/))[1] as string;
    const jobDone = async () =>
      (await store.db.get<{ state: string }>('SELECT state FROM jobs WHERE id = ?', [jobId]))?.state ===
      'done';

    // The driver. A killed node comes back after 0.5-6 s (long enough, often, for its leases to be
    // released by the node timeout rather than by its own hand-back at restart).
    const kills = { coordinator: 0, node: 0 };
    const failedStarts: string[] = [];
    const releaseMs: number[] = [];
    const restarts: Promise<void>[] = [];
    const watchers: Promise<void>[] = [];
    const startedAt = Date.now();
    while (!(await jobDone()) && crawl.child.exitCode === null) {
      await sleep(rand(1500, 3000));
      if (await jobDone()) break;
      const victim = rand(0, 6);
      if (process.env.SWARD_CHAOS_DEBUG) {
        const p = await store.db.all(
          'SELECT state, leased_to, count(*) AS n FROM urls GROUP BY state, leased_to',
        );
        console.log(
          `${((Date.now() - startedAt) / 1000).toFixed(1)} s: kill ${victim}; ${JSON.stringify(p)}`,
        );
      }
      if (victim < 2) {
        const i = victim;
        const c = coords[i] as Proc;
        await c.kill('SIGKILL');
        procs.delete(c);
        kills.coordinator++;
        await sleep(rand(200, 1500));
        // Started again until it listens, as a supervisor (systemd, Kubernetes) would: a start beside a busy
        // peer on PostgreSQL can still lose a deadlock (reported below; docs/BENCHMARKS.md).
        for (let attempt = 1; ; attempt++) {
          coords[i] = coordinator(i);
          try {
            await (coords[i] as Proc).waitFor(/listening on/, 120_000);
            break;
          } catch (e) {
            if (attempt >= 5) throw e;
            const said = (coords[i] as Proc).output().trim();
            console.log(`coordinator ${i} failed to start:\n${said}`);
            failedStarts.push(said.split('\n')[0] ?? '');
            procs.delete(coords[i] as Proc);
          }
        }
      } else {
        const i = victim - 2;
        const n = nodes[i] as Proc;
        if (n.child.exitCode !== null || n.child.signalCode !== null) continue; // still down
        const id = nodeIds[i] as string;
        const held = await store.db.all<{ id: number }>(
          "SELECT id FROM urls WHERE state = 'leased' AND leased_to = ?",
          [id],
        );
        await n.kill('SIGKILL');
        procs.delete(n);
        const killedAt = Date.now();
        kills.node++;
        // Time until every URL it held is leased to another node (or answered).
        if (held.length)
          watchers.push(
            (async () => {
              for (;;) {
                const still = await store.db.get<{ n: number }>(
                  `SELECT count(*) AS n FROM urls WHERE id IN (${held.map(() => '?').join(',')})
                     AND state = 'leased' AND leased_to = ?`,
                  [...held.map((h) => h.id), id],
                );
                if (Number(still?.n) === 0) break;
                await sleep(50);
              }
              releaseMs.push(Date.now() - killedAt);
            })(),
          );
        // Not waited for: on a loaded machine a start can take long, and the crawl goes on meanwhile.
        restarts.push(
          (async () => {
            await sleep(rand(500, 6000));
            nodes[i] = node(i);
          })(),
        );
      }
    }
    await Promise.all(restarts);
    assert.equal(await crawl.exited, 0, crawl.output());
    const crawlMs = Date.now() - startedAt;
    await Promise.all(watchers);

    // Every reachable allowed page stored exactly once, every skip for its reason.
    checkOutput(out, site.expected);
    const twice = await store.db.all(
      "SELECT url_id, count(*) AS n FROM captures WHERE outcome = 'stored' GROUP BY url_id HAVING count(*) > 1",
    );
    assert.deepEqual(twice, [], 'no URL stored twice');
    const finals = await store.db.all(
      "SELECT final_url FROM captures WHERE job_id = ? AND outcome = 'stored' GROUP BY final_url HAVING count(*) > 1",
      [jobId],
    );
    assert.deepEqual(finals, [], 'no page stored twice');

    // The ledger balances, and every accepted capture was paid once.
    const audit = await new RewardsService(store.db).ledger.audit();
    assert.deepEqual(audit.unbalanced, [], 'every posting sums to zero');
    assert.deepEqual(audit.drifted, [], 'running balances equal their entries');
    const paid = await store.db.get<{ n: number }>(
      "SELECT count(*) AS n FROM rw_captures WHERE outcome = 'stored'",
    );
    const stored = await store.db.get<{ n: number }>(
      "SELECT count(*) AS n FROM captures WHERE outcome = 'stored'",
    );
    assert.equal(Number(paid?.n), Number(stored?.n), 'each stored capture recorded for payment once');

    // Each checkpoint is consistent with the next: one log, never forked, across kills and replicas.
    const cps = await store.db.all<{ size: number; note: string }>(
      'SELECT size, note FROM checkpoints ORDER BY size',
    );
    assert.ok(cps.length >= 2, `${cps.length} checkpoints`);
    const log = new LogStore(store.db);
    for (let i = 1; i < cps.length; i++) {
      const a = checkpointRoot((cps[i - 1] as { note: string }).note);
      const z = checkpointRoot((cps[i] as { note: string }).note);
      verifyConsistency(a.size, z.size, await log.consistencyProof(a.size, z.size), a.root, z.root);
    }

    const verify = sward(['verify', out]);
    assert.equal(await verify.exited, 0, verify.output());
    assert.match(verify.output(), /^OK: \d+ checks passed/m);

    releaseMs.sort((x, y) => x - y);
    const median = releaseMs[Math.floor(releaseMs.length / 2)];
    console.log(
      `chaos: ${PAGES} pages in ${(crawlMs / 1000).toFixed(1)} s; ${kills.coordinator} coordinator and ${kills.node} node SIGKILLs; ` +
        `${Number(stored?.n)} captures stored; ${cps.length} checkpoints consistent; ` +
        `${failedStarts.length} coordinator starts failed${failedStarts.length ? ` (${[...new Set(failedStarts)].join('; ')})` : ''}; ` +
        `node SIGKILL → its URLs leased to another node: ${releaseMs.length} cases, median ${median ?? '-'} ms, max ${releaseMs.at(-1) ?? '-'} ms (node timeout ${NODE_TIMEOUT_MS} ms, heartbeat 1 s)`,
    );
    await Promise.all([...procs].map((p) => p.kill()));
  });
});
