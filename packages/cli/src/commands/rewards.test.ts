import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { defaultRewardsPolicy, openStore, RewardsService } from '@sward/coordinator';
import { Command } from 'commander';
import { runCli } from '../run-cli.js';
import { register as registerAdmin } from './admin.js';
import { addNodeStatusCommand, register } from './rewards.js';

const dir = mkdtempSync(join(tmpdir(), 'sward-rewards-cli-'));
const db = join(dir, 'sward.db');
const epoch = Math.floor(Date.now() / defaultRewardsPolicy.epochMs) - 2;
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `sward …` in process; returns what it printed and the exit code it ended with. */
async function sward(...args: string[]) {
  const printed = { out: '', err: '' };
  const io = {
    out: (t: string) => {
      printed.out += t;
    },
    err: (t: string) => {
      printed.err += t;
    },
  };
  const program = new Command('sward');
  register(program, io);
  registerAdmin(program, io.out);
  addNodeStatusCommand(program.command('node'), io);
  // through the CLI's one error handler, as bin/sward.js runs it
  let code = 0;
  await runCli(program, ['node', 'sward', ...args], {
    err: io.err,
    exit: (c) => {
      code = c;
    },
    env: {},
  });
  return { ...printed, code };
}

before(async () => {
  const store = await openStore(db);
  const rewards = new RewardsService(store.db);
  const at = epoch * defaultRewardsPolicy.epochMs + 3600_000;
  for (const [i, op] of ['alice', 'bob', 'carol'].entries()) {
    await store.auth.upsertNode({ id: `n${i}`, operator: op, ip: '203.0.113.9', fingerprint: 'same' });
    await rewards.onNodeSession({ nodeId: `n${i}`, operator: op });
    await rewards.onCaptureAccepted({ captureId: `c${i}`, nodeId: `n${i}`, bytes: 1024 * 1024 * i, at });
  }
  // Evidence for the sybil scan: these three and a fourth operator behind one address for three days.
  await store.auth.upsertNode({ id: 'n3', operator: 'dave' });
  await rewards.onNodeSession({ nodeId: 'n3', operator: 'dave' });
  const slot = defaultRewardsPolicy.availability.slotMs;
  for (let t = Date.now() - 72 * 3600_000; t < Date.now(); t += slot)
    for (const id of ['n0', 'n1', 'n2', 'n3']) await rewards.onHeartbeat(id, t, '203.0.113.9');
  await store.close();
});

test('close-epoch writes the table; verify-claim accepts the true claim and refuses a changed amount', async () => {
  const anchorFile = join(dir, 'anchors.jsonl');
  const closed = await sward(
    'rewards',
    'close-epoch',
    '--db',
    db,
    '--epoch',
    String(epoch),
    '--out',
    dir,
    '--anchor-file',
    anchorFile,
  );
  assert.equal(closed.code, 0, closed.err);
  assert.match(closed.out, new RegExp(`epoch ${epoch} closed: 3 accounts`));
  const file = join(dir, `epoch-${epoch}.json`);
  const table = JSON.parse(readFileSync(file, 'utf8'));
  const bob = table.claims.find((c: { account: string }) => c.account === 'op:bob');
  const ok = await sward(
    'rewards',
    'verify-claim',
    '--root',
    table.root,
    '--account',
    'op:bob',
    '--amount',
    String(bob.amount),
    '--proof',
    file,
    '--anchor-file',
    anchorFile,
  );
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /claim ok: op:bob is owed 1500000 micro-points/);
  assert.match(ok.out, /anchor ok/);
  const asJson = await sward(
    'rewards',
    'verify-claim',
    '--json',
    '--root',
    table.root,
    '--account',
    'op:bob',
    '--amount',
    String(bob.amount),
    '--proof',
    file,
    '--anchor-file',
    anchorFile,
  );
  assert.equal(asJson.code, 0, asJson.err);
  const answer = JSON.parse(asJson.out);
  assert.deepEqual([answer.ok, answer.claim.amount, typeof answer.anchorSeq], [true, bob.amount, 'number']);
  const inline = await sward(
    'rewards',
    'verify-claim',
    '--root',
    table.root,
    '--account',
    'op:bob',
    '--amount',
    String(bob.amount),
    '--proof',
    bob.proof.join(','),
    '--epoch',
    String(epoch),
    '--index',
    String(bob.index),
    '--size',
    '3',
  );
  assert.equal(inline.code, 0, inline.err);
  const bad = await sward(
    'rewards',
    'verify-claim',
    '--root',
    table.root,
    '--account',
    'op:bob',
    '--amount',
    String(bob.amount + 1),
    '--proof',
    file,
  );
  assert.equal(bad.code, 1);
  assert.match(bad.err, /^sward rewards verify-claim: claim does NOT verify/);
  const csv = readFileSync(join(dir, `epoch-${epoch}.csv`), 'utf8')
    .trim()
    .split('\n');
  assert.equal(csv[0], 'epoch,root,size,index,account,amount,proof');
  assert.equal(csv.length, 4);
});

test('admin flags: scan, list, clear; node status shows the numbers and the flag', async () => {
  const scan = await sward('admin', 'flags', 'scan', '--db', db);
  assert.match(scan.out, /^\d+ new flag/, 'close-epoch already scanned: nothing new');
  const list = JSON.parse((await sward('admin', 'flags', '--db', db, '--json')).out);
  assert.ok(list.some((f: { kind: string }) => f.kind === 'cluster'));
  const status = await sward('node', 'status', '--db', db, '--operator', 'alice');
  assert.equal(status.code, 0, status.err);
  assert.match(status.out, /operator alice {2}referral code ref-/);
  assert.match(status.out, /flag flag_\S+ cluster open/);
  assert.match(status.out, new RegExp(`^${epoch} +closed +1 +0 +100.0%`, 'm'));
  const id = list.find((f: { kind: string }) => f.kind === 'cluster').id;
  const cleared = await sward('admin', 'flags', 'clear', id, '--db', db, '--note', 'one office');
  assert.match(cleared.out, new RegExp(`flag ${id} cleared`));
  const json = JSON.parse((await sward('node', 'status', '--db', db, '--node', 'n1', '--json')).out);
  assert.equal(json.operator, 'bob');
  assert.equal(json.settled, 1_500_000);
});
