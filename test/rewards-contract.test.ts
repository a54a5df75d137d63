import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  FileAnchor,
  MICRO,
  operatorAccount,
  RewardsError,
  RewardsService,
  referrerAccount,
  rewardsPolicy,
  TREASURY,
  verifyClaim,
} from '@sward/coordinator';
import { verifyAnchorFileText, verifyAnchorRef } from '@sward/core';
import { rewardsWorld } from '../packages/coordinator/src/rewards/testing-world.js';
import { backends } from './support/backends.js';

const MiB = 1024 * 1024;
const policy = rewardsPolicy({ epochMs: 24 * 3600_000, availability: { slotMs: 3600_000 } });
const DAY = policy.epochMs;

for (const backend of backends()) {
  describe(`rewards contract: ${backend.name}`, () => {
    after(() => backend.cleanup());
    const world = async () => rewardsWorld(await backend.create(), policy);

    test('an accepted page pays work points once; rejected and skipped pages pay nothing', async () => {
      const w = await world();
      await w.node('n1', 'alice');
      const r = await w.rewards.onCaptureAccepted({ captureId: 'c1', nodeId: 'n1', bytes: 2 * MiB });
      assert.equal(r.paid, true);
      assert.equal(r.workPoints, MICRO + MICRO); // 1 point per page + 0.5 per MiB × 2
      const again = await w.rewards.onCaptureAccepted({ captureId: 'c1', nodeId: 'n1', bytes: 2 * MiB });
      assert.deepEqual([again.paid, again.duplicate], [false, true]);
      for (const outcome of ['skipped', 'policy', 'failed', 'retry']) {
        const x = await w.rewards.onCaptureAccepted({
          captureId: `c-${outcome}`,
          nodeId: 'n1',
          bytes: MiB,
          outcome,
        });
        assert.equal(x.paid, false, outcome);
      }
      assert.equal(await w.rewards.ledger.balance(operatorAccount('alice')), 2 * MICRO);
      assert.equal(await w.rewards.ledger.balance(TREASURY), -2 * MICRO);
      const status = await w.rewards.operatorStatus('alice');
      const [e] = status.epochs;
      assert.equal(e?.captures, 5);
      assert.equal(e?.pagesStored, 1);
      assert.equal(e?.bytesServed, 2 * MiB);
      assert.equal(e?.acceptanceRate, 1 / 5);
      await w.store.close();
    });

    test('paying inside the ingest transaction: a rollback takes the payment with it', async () => {
      const w = await world();
      await w.node('n1', 'alice');
      await assert.rejects(
        w.store.db.transaction(async (tx) => {
          await w.rewards.recordCapture(tx, { captureId: 'c1', nodeId: 'n1', bytes: 0 });
          throw new Error('ingest failed after paying');
        }),
        /ingest failed/,
      );
      assert.equal(await w.rewards.ledger.balance(operatorAccount('alice')), 0);
      const r = await w.store.db.transaction((tx) =>
        w.rewards.recordCapture(tx, { captureId: 'c1', nodeId: 'n1', bytes: 0 }),
      );
      assert.equal(r.paid, true, 'the retried capture is paid, once');
      assert.equal(await w.rewards.ledger.balance(operatorAccount('alice')), MICRO);
      await w.store.close();
    });

    test('ledger rows are immutable: UPDATE and DELETE are refused by the database', async () => {
      const w = await world();
      await w.node('n1', 'alice');
      await w.rewards.onCaptureAccepted({ captureId: 'c1', nodeId: 'n1', bytes: 0 });
      await assert.rejects(w.store.db.run('UPDATE rw_entries SET amount = amount + 1'), /immutable/);
      await assert.rejects(w.store.db.run('DELETE FROM rw_transactions'), /immutable/);
      await w.store.close();
    });

    test('referrals: two levels paid by the treasury, never by the referee; self and cycles refused', async () => {
      const w = await world();
      for (const [i, op] of ['root', 'mid', 'leaf'].entries())
        await w.node(`n${i + 1}`, op, { ip: `10.0.${i}.1` });
      const code = async (op: string) => (await w.rewards.referrals.get(op))?.referralCode as string;
      await w.rewards.referrals.refer('mid', await code('root'));
      await w.rewards.referrals.refer('leaf', await code('mid'));
      const refused = async (op: string, c: string, code: string) =>
        assert.rejects(w.rewards.referrals.refer(op, c), (e) => e instanceof RewardsError && e.code === code);
      await refused('root', await code('root'), 'SELF_REFERRAL');
      await refused('root', await code('leaf'), 'REFERRAL_CYCLE');
      await refused('leaf', await code('root'), 'ALREADY_REFERRED');
      await refused('leaf', 'ref-nope', 'UNKNOWN_CODE');
      const r = await w.rewards.onCaptureAccepted({ captureId: 'c1', nodeId: 'n3', bytes: 0 });
      assert.deepEqual(
        r.referral.map((x) => [x.operator, x.level, x.amount]),
        [
          ['mid', 1, MICRO / 10],
          ['root', 2, MICRO / 20],
        ],
      );
      assert.equal(
        await w.rewards.ledger.balance(operatorAccount('leaf')),
        MICRO,
        'referee keeps all its points',
      );
      assert.equal(await w.rewards.ledger.balance(referrerAccount('mid')), MICRO / 10);
      assert.equal(await w.rewards.ledger.balance(referrerAccount('root')), MICRO / 20);
      assert.equal(await w.rewards.ledger.balance(TREASURY), -(MICRO + MICRO / 10 + MICRO / 20));
      const s = await w.rewards.operatorStatus('root');
      assert.equal(s.epochs[0]?.referral.level2, MICRO / 20);
      await w.store.close();
    });

    test('a false capture is clawed back with a reversing posting, referral shares too', async () => {
      const w = await world();
      await w.node('n1', 'boss');
      await w.node('n2', 'kid');
      await w.rewards.referrals.refer('kid', (await w.rewards.referrals.get('boss'))?.referralCode as string);
      await w.rewards.onCaptureAccepted({ captureId: 'c1', nodeId: 'n2', bytes: MiB });
      await w.rewards.onCaptureAccepted({ captureId: 'c2', nodeId: 'n2', bytes: 0 });
      const sc = await w.rewards.recordSpotCheck({
        nodeId: 'n2',
        captureId: 'c1',
        agreed: false,
        reason: 'body differs',
      });
      assert.equal(sc.credibility, 4 / 5);
      assert.equal(sc.clawedBack, MICRO + MICRO / 2 + (MICRO + MICRO / 2) / 10);
      assert.equal(
        (await w.rewards.clawbackCapture('c1', 'again')).clawedBack,
        false,
        'clawback is idempotent',
      );
      assert.equal(await w.rewards.ledger.balance(operatorAccount('kid')), MICRO);
      assert.equal(await w.rewards.ledger.balance(referrerAccount('boss')), MICRO / 10);
      const audit = await w.rewards.ledger.audit();
      assert.deepEqual([audit.unbalanced, audit.drifted], [[], []]);
      // The lowered credibility prices the next page and is explained.
      const r = await w.rewards.onCaptureAccepted({ captureId: 'c3', nodeId: 'n2', bytes: 0 });
      assert.equal(r.workPoints, (MICRO * 8000) / 10000);
      const cred = await w.rewards.nodeCredibility('n2');
      assert.match(cred.reasons.join('\n'), /1 of 2 spot checks agreed|4 of 5|0 of 1/);
      assert.match(cred.reasons.join('\n'), /c1 \(body differs\)/);
      await w.store.close();
    });

    test('availability is capped by work and by flags; idling earns nothing', async () => {
      const w = await world();
      await w.node('busy', 'worker');
      await w.node('idle', 'idler');
      const e = w.rewards.epochOf();
      for (let t = e * DAY; t < (e + 1) * DAY; t += policy.availability.slotMs) {
        await w.rewards.onHeartbeat('busy', t);
        await w.rewards.onHeartbeat('idle', t);
      }
      // 24 h of uptime is worth 2.4 points; 4 pages of work cap it at 25% of 4 points.
      for (let i = 0; i < 4; i++)
        await w.rewards.onCaptureAccepted({ captureId: `c${i}`, nodeId: 'busy', bytes: 0 });
      await w.rewards.payAvailability(e);
      const s = await w.rewards.operatorStatus('worker');
      assert.equal(s.epochs[0]?.uptimeMs, DAY);
      assert.equal(s.epochs[0]?.availabilityPoints, (4 * MICRO * 2500) / 10000, 'capped at 25% of work');
      assert.equal(await w.rewards.ledger.balance(operatorAccount('idler')), 0);
      await w.store.close();
    });

    test('closing an epoch: payout table, Merkle root, proofs, files and anchor; closing again changes nothing', async () => {
      const w = await world();
      const dir = mkdtempSync(join(tmpdir(), 'sward-payouts-'));
      const anchor = await FileAnchor.open(join(dir, 'anchors.jsonl'));
      const rewards = new RewardsService(w.store.db, {
        policy,
        anchor,
        outDir: dir,
        now: () => w.clock.now,
      });
      for (let i = 0; i < 7; i++) await w.node(`n${i}`, `op${i}`);
      for (let i = 0; i < 7; i++)
        await rewards.onCaptureAccepted({ captureId: `c${i}`, nodeId: `n${i}`, bytes: i * MiB });
      const e = rewards.epochOf();
      await assert.rejects(
        rewards.closeEpoch(e),
        (x) => x instanceof RewardsError && x.code === 'EPOCH_OPEN',
      );
      w.clock.now += DAY;
      // Earned after the epoch ended: waits for the next close.
      await rewards.onCaptureAccepted({ captureId: 'late', nodeId: 'n1', bytes: 0 });
      const { epoch, table, files } = await rewards.closeEpoch(e);
      assert.equal(epoch.size, 7);
      assert.equal(table.claims.find((c) => c.account === operatorAccount('op1'))?.amount, MICRO + MICRO / 2);
      assert.equal(
        epoch.total,
        table.claims.reduce((s, c) => s + c.amount, 0),
      );
      for (const c of table.claims) assert.deepEqual(verifyClaim(epoch.root, c), { ok: true });
      const forged = { ...(table.claims[0] as (typeof table.claims)[0]) };
      forged.amount += 1;
      assert.equal(verifyClaim(epoch.root, forged).ok, false);
      assert.equal(epoch.anchor?.kind, 'file');
      verifyAnchorRef(epoch.anchor, epoch.root, {
        fileChain: verifyAnchorFileText(readFileSync(join(dir, 'anchors.jsonl'), 'utf8')),
      });
      const json = JSON.parse(readFileSync(files?.json as string, 'utf8'));
      assert.equal(json.root, epoch.root);
      assert.equal(
        readFileSync(files?.csv as string, 'utf8')
          .trim()
          .split('\n').length,
        8,
      );
      assert.equal(
        await rewards.ledger.balance(operatorAccount('op1')),
        MICRO,
        'only the late page is pending',
      );
      const again = await rewards.closeEpoch(e);
      assert.equal(again.epoch.root, epoch.root);
      const s = await rewards.operatorStatus('op1');
      assert.equal(s.settled, MICRO + MICRO / 2);
      assert.equal(s.pending.work, MICRO);
      await anchor.close();
      await w.store.close();
    });

    test('sybil flags: evidence, held referral rewards, admin clear releases and confirm forfeits', async () => {
      const w = await world();
      await w.node('h1', 'host', { ip: '198.51.100.1', fingerprint: 'fp-host' });
      const code = (await w.rewards.referrals.get('host'))?.referralCode as string;
      for (let i = 0; i < 3; i++) {
        await w.node(`s${i}`, `sock${i}`, { ip: '203.0.113.7', fingerprint: 'fp-same' });
        await w.rewards.referrals.refer(`sock${i}`, code);
      }
      // Three sock-puppets of host's tree behind one address for three days; host at home.
      await w.online(['h1'], '198.51.100.1', 72);
      await w.online(['s0', 's1', 's2'], '203.0.113.7', 72);
      const raised = await w.rewards.scanSybils();
      const flags = await w.rewards.flags.list('open');
      assert.equal(raised.length, flags.length);
      const kinds = flags.map((f) => f.kind).sort();
      assert.deepEqual(kinds, ['referral_tree']);
      const tree = flags.find((f) => f.kind === 'referral_tree');
      assert.ok(tree?.members.some((m) => m.operator === 'host'));
      assert.deepEqual(tree?.evidence.linked, ['sock0', 'sock1', 'sock2']);
      assert.deepEqual(await w.rewards.scanSybils(), [], 'same evidence is not raised twice');
      const r = await w.rewards.onCaptureAccepted({ captureId: 'c1', nodeId: 's0', bytes: 0 });
      assert.deepEqual(
        r.referral.map((x) => x.held),
        [true],
      );
      assert.equal(await w.rewards.ledger.balance(referrerAccount('host')), 0);
      assert.equal((await w.rewards.operatorStatus('host')).pending.held, MICRO / 10);
      // Clearing only some flags keeps the hold; clearing all releases it.
      for (const f of flags) await w.rewards.reviewFlag(f.id, 'clear', 'same household, checked');
      assert.equal(await w.rewards.ledger.balance(referrerAccount('host')), MICRO / 10);
      // A later farm, confirmed: its held rewards go back to the treasury, its referees pay nothing more.
      await w.node('s9', 'sock9', { ip: '203.0.113.7', fingerprint: 'fp-same' });
      await w.rewards.referrals.refer('sock9', code);
      await w.online(['s9'], '203.0.113.7', 72);
      const fresh = await w.rewards.scanSybils();
      assert.ok(fresh.length > 0);
      await w.rewards.onCaptureAccepted({ captureId: 'c2', nodeId: 's9', bytes: 0 });
      for (const id of fresh) await w.rewards.reviewFlag(id, 'confirm', 'farm');
      assert.equal(await w.rewards.ledger.balance(referrerAccount('host')), MICRO / 10);
      const after = await w.rewards.onCaptureAccepted({ captureId: 'c3', nodeId: 's9', bytes: 0 });
      assert.deepEqual(after.referral, []);
      const audit = await w.rewards.ledger.audit();
      assert.deepEqual([audit.unbalanced, audit.drifted], [[], []]);
      await w.store.close();
    });

    test('closes racing earnings and clawbacks: one payout, no floor crossed, every point accounted for', async () => {
      const w = await world();
      for (let i = 0; i < 6; i++) await w.node(`n${i}`, `op${i}`);
      const e = w.rewards.epochOf();
      for (let i = 0; i < 30; i++)
        await w.rewards.onCaptureAccepted({ captureId: `old${i}`, nodeId: `n${i % 6}`, bytes: 0 });
      w.clock.now += DAY;
      await Promise.all([
        w.rewards.closeEpoch(e),
        w.rewards.closeEpoch(e),
        ...Array.from({ length: 30 }, (_, i) =>
          w.rewards.onCaptureAccepted({ captureId: `new${i}`, nodeId: `n${i % 6}`, bytes: 0 }),
        ),
        ...Array.from({ length: 12 }, (_, i) => w.rewards.clawbackCapture(`old${i}`, 'found false')),
        w.rewards.closeEpoch(e),
      ]);
      const payouts = await w.store.db.get<{ n: unknown }>(
        "SELECT COUNT(*) AS n FROM rw_transactions WHERE kind = 'payout'",
      );
      assert.equal(Number(payouts?.n), 1);
      for (let i = 0; i < 6; i++) {
        const account = operatorAccount(`op${i}`);
        const paid = await w.store.db.get<{ s: unknown }>(
          'SELECT SUM(amount) AS s FROM rw_payouts WHERE account = ?',
          [account],
        );
        // 5 old pages + 5 new pages each; old0..old11 clawed back (2 per operator).
        assert.equal((await w.rewards.ledger.balance(account)) + Number(paid?.s ?? 0), 8 * MICRO, account);
      }
      const audit = await w.rewards.ledger.audit();
      assert.deepEqual([audit.unbalanced, audit.drifted], [[], []]);
      await w.store.close();
    });

    test('8 concurrent writers replaying the same captures: every capture pays once, balances add up', async () => {
      const w = await world();
      for (let i = 0; i < 4; i++) await w.node(`n${i}`, `op${i}`);
      await w.rewards.referrals.refer('op1', (await w.rewards.referrals.get('op0'))?.referralCode as string);
      await w.rewards.referrals.refer('op2', (await w.rewards.referrals.get('op1'))?.referralCode as string);
      const captures = Array.from({ length: 120 }, (_, i) => ({
        captureId: `c${i}`,
        nodeId: `n${i % 4}`,
        bytes: i * 1000,
      }));
      await Promise.all(
        Array.from({ length: 8 }, async (_, writer) => {
          for (const c of writer % 2 ? captures : [...captures].reverse())
            await w.rewards.onCaptureAccepted(c);
        }),
      );
      const paid = await w.store.db.get<{ n: unknown }>(
        "SELECT COUNT(*) AS n FROM rw_transactions WHERE kind = 'work'",
      );
      assert.equal(Number(paid?.n), 120);
      const audit = await w.rewards.ledger.audit();
      assert.deepEqual([audit.unbalanced, audit.drifted], [[], []]);
      await w.store.close();
    });
  });
}
