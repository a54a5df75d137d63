import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startCoordinator } from '@sward/coordinator';
import { parseNote } from '@sward/core';
import { auditSpotChecks, SwardClient } from '@sward/sdk';
import { pino } from 'pino';
import { appCaller, crawlByHand } from './support/hand-node.js';

const PAGES = 12;

test('a coordinator commits to its spot-check keys in checkpoints, keeps them out of every answer and log line until the epoch is over, and anyone can then audit its choices', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sward-spot-audit-'));
  const lines: string[] = [];
  const co = await startCoordinator({
    db: join(dir, 'sward.db'),
    dataDir: dir,
    scheduler: { hostDelayMs: 0 },
    collections: { refresh: false },
    spotChecks: { rate: 0.5, epochMs: 2_000, revealDelayMs: 0 },
    log: pino({ level: 'trace' }, { write: (s: string) => void lines.push(s) }),
  });
  after(async () => {
    await co.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const responses: { at: number; text: string }[] = [];
  const call = appCaller(co.app, (text) => responses.push({ at: Date.now(), text }));
  const { admin } = await crawlByHand(co, call, {
    operator: 'alice',
    seed: 'http://audit.test/',
    pages: PAGES,
  });
  const stored = await co.store.db.all<{ id: string }>("SELECT id FROM captures WHERE outcome = 'stored'");
  assert.equal(stored.length, PAGES);
  const captureIds = stored.map((r) => r.id);
  await co.flushLog();
  const secrets = await co.store.db.all<{ secret: string; ends_at: number }>(
    'SELECT secret, ends_at FROM spot_check_keys',
  );
  assert.ok(secrets.length >= 2);

  // The checkpoint commits to the epoch's key (and the next one's) before any key is revealed.
  const cp = await call('GET', '/v1/log/checkpoint', admin);
  const ext = parseNote(cp.json.note)
    .text.split('\n')
    .filter((l) => l.startsWith('spot-check-commitment '));
  const open = await call('GET', '/v1/log/spot-check/epochs', admin);
  const draws = [];
  for (const id of captureIds) draws.push((await call('GET', `/v1/log/spot-check/draws/${id}`, admin)).json);
  // every checkpoint line is a published commitment
  for (const l of ext) {
    const [, epoch, commitment] = l.split(' ');
    const e = open.json.epochs.find((x: { epoch: number }) => x.epoch === Number(epoch));
    assert.equal(e?.commitment, commitment, l);
  }
  assert.equal(ext.length, 2, cp.json.note);
  // each draw's key was committed (its statement signed and stored) before the first capture was accepted
  const firstAccepted = await co.store.db.get<{ at: number }>('SELECT min(created_at) AS at FROM captures');
  for (const d of draws) {
    const k = await co.store.db.get<{ created_at: number }>(
      'SELECT created_at FROM spot_check_keys WHERE epoch = ?',
      [d.epoch],
    );
    assert.ok(Number(k?.created_at) <= Number(firstAccepted?.at) || Number(k?.created_at) <= d.epoch * 2_000);
  }
  // Wait for the epochs to end; then anyone with the public API audits every choice.
  // no API key: the audit uses public routes only
  const client = new SwardClient({ url: co.url, apiKey: '' });
  let audit = await auditSpotChecks(client, captureIds);
  for (let i = 0; i < 100 && audit.pending > 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    audit = await auditSpotChecks(client, captureIds);
  }
  // one node: nobody may take its checks, still queued (within notRunAfterMs), so neither not run nor unresolved
  assert.deepEqual(audit, { confirmed: PAGES, pending: 0, wrong: [], notRun: [], unresolved: [] });
  // the choices are the checks actually queued
  const queued = await co.store.db.all<{ detail: string }>(
    "SELECT detail FROM urls WHERE kind = 'spotcheck'",
  );
  assert.deepEqual(
    queued.map((q) => JSON.parse(q.detail).captureId).sort(),
    draws
      .filter((d) => d.selected)
      .map((d) => d.captureId)
      .sort(),
  );
  const chosen = draws.filter((d) => d.selected).length;
  assert.ok(
    chosen > 0 && chosen < PAGES,
    `some but not all of ${PAGES} pages chosen at rate 0.5 (${chosen})`,
  );

  // No key reached a log line, and none reached an answer before its epoch was revealed.
  for (const { secret, ends_at } of secrets) {
    assert.ok(!lines.some((l) => l.includes(secret)), 'a spot-check key was logged');
    const early = responses.filter((r) => r.text.includes(secret) && r.at < Number(ends_at));
    assert.deepEqual(early, [], 'a spot-check key was in an answer before its epoch ended');
  }
});
