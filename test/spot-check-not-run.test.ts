import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startCoordinator } from '@sward/coordinator';
import { auditSpotChecks, SwardClient } from '@sward/sdk';
import { pino } from 'pino';
import { appCaller, crawlByHand } from './support/hand-node.js';

const PAGES = 4;

// Issue #14 point 4, end to end: a coordinator with one node (the liar's position: alone on the network) checks
// every capture (rate 1). No node may take those checks; past notRunAfterMs they end as not run, and everything
// that reports checks says so: the metric, the draw's answer, the SDK's audit. None counts as passed.
test('checks no node may take end as not run and are reported as such by the metric, the draw and the audit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sward-not-run-'));
  const co = await startCoordinator({
    db: join(dir, 'sward.db'),
    dataDir: dir,
    scheduler: { hostDelayMs: 0 },
    collections: { refresh: false },
    spotChecks: { rate: 1, notRunAfterMs: 500 },
    log: pino({ level: 'silent' }),
  });
  after(async () => {
    await co.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const call = appCaller(co.app);
  const { node, token, admin } = await crawlByHand(co, call, {
    operator: 'mallory',
    seed: 'http://nr.test/',
    pages: PAGES,
    onLease: (lease) =>
      assert.ok(!lease.jobId.startsWith('_spotcheck:'), 'the node is never given a check of its own capture'),
  });
  const ids = (
    await co.store.db.all<{ id: string }>("SELECT id FROM captures WHERE outcome = 'stored' ORDER BY id")
  ).map((r) => r.id);
  assert.equal(ids.length, PAGES);
  const checks = (state: string) =>
    co.store.db
      .get<{ n: number }>("SELECT count(*) AS n FROM urls WHERE kind = 'spotcheck' AND state = ?", [state])
      .then((r) => Number(r?.n));
  // (the first ones may have ended already, on a slow machine: the node's asks during the crawl are claims too)
  assert.equal(
    (await checks('queued')) + (await checks('skipped')),
    PAGES,
    'every capture drawn for a check',
  );
  // Past the deadline, the node's next ask for work ends them (a claim looks for them).
  await new Promise((r) => setTimeout(r, 600));
  assert.deepEqual((await call('POST', '/v1/nodes/lease', token, { max: 1 })).json.leases, []);
  assert.equal(await checks('queued'), 0, 'no check left queued');
  assert.equal(await checks('skipped'), PAGES, 'every check ended, none leased');

  const metrics = (await call('GET', '/metrics', admin)).text;
  assert.match(metrics, new RegExp(`sward_spot_checks_total\\{result="not_run"\\} ${PAGES}\\b`), metrics);
  assert.doesNotMatch(metrics, /sward_spot_checks_total\{result="agrees"\}/, 'none counted as agreeing');
  for (const id of ids) {
    const draw = await call('GET', `/v1/log/spot-check/draws/${id}`, admin);
    assert.deepEqual([draw.json.selected, draw.json.check], [true, 'not_run'], draw.text);
  }
  const audit = await auditSpotChecks(new SwardClient({ url: co.url, apiKey: admin }), ids);
  assert.deepEqual(
    [...audit.notRun].sort(),
    ids,
    'the audit lists every drawn capture whose check was not run',
  );
  assert.deepEqual(audit.unresolved, []);
  const n = await co.store.auth.getNode(node.id);
  assert.equal(n?.credibility, 1, 'credibility neither raised nor lowered');
  const ledger = await co.store.db.get<{ n: number }>('SELECT count(*) AS n FROM rw_spot_checks');
  assert.equal(Number(ledger?.n), 0, 'no verdict recorded for the rewards: no credit, no clawback');
});
