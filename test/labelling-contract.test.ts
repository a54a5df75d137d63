// The labelling marketplace on both storage backends: projects from JSONL (bad files leave nothing behind),
// assignment that never repeats an item and interleaves gold, pay by estimated accuracy through the rewards
// ledger, a colluding group caught by gold, and the export (JSONL, Parquet read back, dataset card).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parquetReadObjects } from 'hyparquet';
import { pino } from 'pino';
import { LabellingService } from '../packages/coordinator/src/labelling/labelling-service.js';
import { openStore } from '../packages/coordinator/src/open-store.js';
import { labellerAccount, MICRO, RewardsService } from '../packages/coordinator/src/rewards/index.js';
import { startCoordinator } from '../packages/coordinator/src/server.js';
import type { Store } from '../packages/coordinator/src/store/store.js';
import { backends } from './support/backends.js';

const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n');

/** A clock that moves only when told: time per task is then exact, not measured. */
function clock() {
  let t = 1_750_000_000_000;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

async function world(location: string) {
  const store = await openStore(location);
  const rewards = new RewardsService(store.db);
  const c = clock();
  const svc = new LabellingService(store.db, rewards, { now: c.now });
  return { store, rewards, svc, clock: c };
}

const count = async (store: Store, table: string) =>
  Number((await store.db.get<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n);

for (const backend of backends()) {
  describe(`labelling contract: ${backend.name}`, () => {
    after(() => backend.cleanup());

    test('bad item files are rejected with line and reason over HTTP, and nothing is stored', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sward-label-http-'));
      const coord = await startCoordinator({
        db: await backend.create(),
        dataDir: dir,
        log: pino({ level: 'silent' }),
      });
      try {
        const post = (body: object) =>
          fetch(`${coord.url}/v1/labelling/projects`, {
            method: 'POST',
            headers: { authorization: `Bearer ${coord.firstApiKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ name: 'p', type: 'pairwise', payPerTask: 1, goldShare: 0, ...body }),
          });
        const good = { id: 'a', prompt: 'p', responses: ['x', 'y'] };
        const cases: [string, string][] = [
          [jsonl([good, { ...good, colour: 'red' }]), 'line 2: unknown field colour'],
          [jsonl([good, { ...good }]), 'line 2: duplicate id "a" (first on line 1)'],
          [jsonl([good, { id: 'b', prompt: 'p', responses: ['x'] }]), 'line 2: "responses" must hold 2'],
          [`${JSON.stringify(good)}\n{not json`, 'line 2: not JSON'],
          [jsonl([{ id: 'big', prompt: 'x'.repeat(70_000), responses: ['x', 'y'] }]), 'line 1: line is over'],
          [jsonl([{ ...good, gold: 'C' }]), 'line 1: "gold": a preference must be A, B or tie'],
        ];
        for (const [items, expected] of cases) {
          const res = await post({ items });
          assert.equal(res.status, 400);
          const body = (await res.json()) as { error: { message: string } };
          assert.ok(body.error.message.includes(expected), `${body.error.message} lacks ${expected}`);
        }
        const unauth = await fetch(`${coord.url}/v1/labelling/projects`, { method: 'POST', body: '{}' });
        assert.equal(unauth.status, 401);
        assert.equal(await count(coord.store, 'lb_projects'), 0);
        assert.equal(await count(coord.store, 'lb_items'), 0);
        const ok = await post({ items: jsonl([good, { ...good, id: 'b' }]) });
        assert.equal(ok.status, 201);
        assert.equal(await count(coord.store, 'lb_items'), 2);
      } finally {
        await coord.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('nobody gets an item twice, overlap holds, gold is interleaved, time per task is kept', async () => {
      const w = await world(await backend.create());
      try {
        const items = Array.from({ length: 24 }, (_, i) => ({
          id: `i${i}`,
          prompt: `prompt ${i}`,
          response: `response ${i}`,
          ...(i < 6 ? { gold: 3 } : {}),
        }));
        const p = await w.svc.projects.create(null, {
          name: 'ratings',
          type: 'rating',
          items: jsonl(items),
          overlap: 2,
          goldShare: 0.25,
          payPerTask: 1,
          settleEvery: 1000,
        });
        const labellers = await Promise.all(['a', 'b', 'c'].map((n) => w.svc.labellers.signUp(n)));
        const seen = new Map<string, string[]>();
        for (let round = 0; ; round++) {
          let any = false;
          for (const { labeller } of labellers) {
            const next = await w.svc.next(p, labeller.id);
            if (next.state !== 'task') continue;
            any = true;
            // Asking again before answering gives the same task back, not a new one.
            const again = await w.svc.next(p, labeller.id);
            assert.equal(again.state === 'task' && again.task.assignmentId, next.task.assignmentId);
            w.clock.advance(7000);
            const r = await w.svc.submit(p, labeller.id, next.task.assignmentId, '3', 6500);
            assert.equal(r.ms, 7000);
            seen.set(labeller.id, [...(seen.get(labeller.id) ?? []), next.task.prompt]);
          }
          if (!any) break;
          assert.ok(round < 100);
        }
        for (const [, prompts] of seen) assert.equal(new Set(prompts).size, prompts.length, 'an item twice');
        const perItem = await w.store.db.all<{ item_id: string; n: unknown }>(
          `SELECT a.item_id, COUNT(*) AS n FROM lb_assignments a JOIN lb_items i
             ON i.project_id = a.project_id AND i.id = a.item_id
           WHERE a.project_id = ? AND i.gold IS NULL GROUP BY a.item_id`,
          [p.id],
        );
        assert.equal(perItem.length, 18);
        assert.ok(
          perItem.every((r) => Number(r.n) === 2),
          'each regular item has exactly the overlap',
        );
        // 36 regular labels over 3 labellers; every labeller also did all 6 gold items, spread through.
        for (const { labeller } of labellers) {
          const rows = await w.store.db.all<{ is_gold: number }>(
            'SELECT is_gold FROM lb_assignments WHERE project_id = ? AND labeller_id = ? ORDER BY issued_at, id',
            [p.id, labeller.id],
          );
          const firstGold = rows.findIndex((r) => Number(r.is_gold) === 1);
          assert.ok(firstGold >= 0 && firstGold < 8, `gold comes early (at ${firstGold})`);
        }
        const undone = await w.store.db.get<{ n: unknown }>(
          'SELECT COUNT(*) AS n FROM lb_assignments WHERE project_id = ? AND ms IS NULL',
          [p.id],
        );
        assert.equal(Number(undone?.n), 0);
      } finally {
        await w.store.close();
      }
    });

    test('someone holding more accounts than the overlap cannot tell gold items by how many of them get one', async () => {
      const w = await world(await backend.create());
      try {
        // 10 of 30 items are gold; overlap 2. Five accounts of one person take turns asking, and pool what
        // they were shown: a gold item shown to more of them than any regular item can be would be a known
        // gold item, answered with care while the rest are answered at random.
        const items = Array.from({ length: 30 }, (_, i) => ({
          id: `i${i}`,
          prompt: `prompt ${i}`,
          response: `response ${i}`,
          ...(i % 3 === 0 ? { gold: 3 } : {}),
        }));
        const p = await w.svc.projects.create(null, {
          name: 'ratings',
          type: 'rating',
          items: jsonl(items),
          overlap: 2,
          goldShare: 0.3,
          payPerTask: 1,
          settleEvery: 100_000,
        });
        assert.deepEqual((await w.svc.status(p)).gold, { items: 10, tasksLeft: 20 });
        const sybils = await Promise.all(
          ['s1', 's2', 's3', 's4', 's5'].map((n) => w.svc.labellers.signUp(n)),
        );
        const shownTo = new Map<string, Set<string>>();
        for (let busy = true; busy; ) {
          busy = false;
          for (const { labeller } of sybils) {
            const next = await w.svc.next(p, labeller.id);
            if (next.state !== 'task') continue;
            busy = true;
            shownTo.set(next.task.prompt, (shownTo.get(next.task.prompt) ?? new Set()).add(labeller.id));
            w.clock.advance(9000);
            await w.svc.submit(p, labeller.id, next.task.assignmentId, '3', null);
          }
        }
        const spread = (gold: boolean) =>
          items
            .filter((it) => 'gold' in it === gold)
            .map((it) => shownTo.get(it.prompt)?.size ?? 0)
            .sort();
        // every item, gold or not, went to exactly the overlap: the pooled counts say nothing
        assert.deepEqual(
          spread(true),
          Array(10).fill(2),
          'gold items shown to more accounts than the overlap',
        );
        assert.deepEqual(spread(false), Array(20).fill(2));
        assert.deepEqual((await w.svc.status(p)).gold, { items: 10, tasksLeft: 0 });
        // a gold slot whose labeller is flagged is handed out again, as a regular item's is
        const first = sybils[0]?.labeller.id as string;
        await w.store.db.run(
          `INSERT INTO lb_flags (project_id, labeller_id, state, reasons, evidence, flagged_at)
           VALUES (?, ?, 'open', 'fast', '{}', ?)`,
          [p.id, first, w.clock.now()],
        );
        const left = (await w.svc.status(p)).gold.tasksLeft;
        assert.ok(left > 0 && left <= 10, `the flagged account's gold slots come back (${left})`);
      } finally {
        await w.store.close();
      }
    });

    test('gold items come round to a second label no sooner than regular ones: an early repeat does not name gold', async () => {
      const w = await world(await backend.create());
      try {
        // 4 gold items among 40 regular ones, gold share 0.25, overlap 3: fewest labels first in each pool alone,
        // the gold pool would be on its second round after 4 gold tasks while most regular items had none, and a
        // prompt two of one person's accounts both saw early would be gold.
        const items = Array.from({ length: 44 }, (_, i) => ({
          id: `i${i}`,
          prompt: `prompt ${i}`,
          response: `response ${i}`,
          ...(i >= 40 ? { gold: 2 } : {}),
        }));
        const p = await w.svc.projects.create(null, {
          name: 'ratings',
          type: 'rating',
          items: jsonl(items),
          overlap: 3,
          goldShare: 0.25,
          payPerTask: 1,
          settleEvery: 100_000,
        });
        const accounts = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => w.svc.labellers.signUp(n)));
        const labels = new Map<string, number>();
        const isGold = (prompt: string) => Number(prompt.split(' ')[1]) >= 40;
        let goldServed = 0;
        for (let busy = true; busy; ) {
          busy = false;
          for (const { labeller } of accounts) {
            const next = await w.svc.next(p, labeller.id);
            if (next.state !== 'task') continue;
            busy = true;
            const { prompt } = next.task;
            const k = (labels.get(prompt) ?? 0) + 1;
            if (isGold(prompt)) {
              goldServed++;
              const regularMin = Math.min(
                ...items.filter((it) => !('gold' in it)).map((it) => labels.get(it.prompt) ?? 0),
              );
              assert.ok(
                regularMin >= k - 1,
                `a gold item's label ${k} while a regular item had ${regularMin}`,
              );
            }
            labels.set(prompt, k);
            w.clock.advance(9000);
            await w.svc.submit(p, labeller.id, next.task.assignmentId, '2', null);
          }
        }
        assert.equal(goldServed, 12, 'every gold item still got its overlap');
        assert.ok([...labels.values()].every((n) => n === 3));
      } finally {
        await w.store.close();
      }
    });

    test('labellers asking at the same moment never push an item past its overlap', async () => {
      const w = await world(await backend.create());
      try {
        const items = Array.from({ length: 3 }, (_, i) => ({ id: `i${i}`, prompt: `p${i}`, response: 'r' }));
        const p = await w.svc.projects.create(null, {
          name: 'race',
          type: 'rating',
          items: jsonl(items),
          overlap: 2,
          goldShare: 0,
          payPerTask: 1,
        });
        const people = await Promise.all(
          Array.from({ length: 10 }, (_, i) => w.svc.labellers.signUp(`p${i}`)),
        );
        const got = await Promise.all(people.map(({ labeller }) => w.svc.next(p, labeller.id)));
        assert.equal(got.filter((g) => g.state === 'task').length, 6);
        const per = await w.store.db.all<{ n: unknown }>(
          'SELECT COUNT(*) AS n FROM lb_assignments WHERE project_id = ? GROUP BY item_id',
          [p.id],
        );
        assert.deepEqual(
          per.map((r) => Number(r.n)),
          [2, 2, 2],
        );
      } finally {
        await w.store.close();
      }
    });

    test('an answer after its hold expired is refused once the item went to someone else, taken while nobody did', async () => {
      const w = await world(await backend.create());
      try {
        const p = await w.svc.projects.create(null, {
          name: 'late',
          type: 'rating',
          items: jsonl([
            { id: 'i0', prompt: 'p0', response: 'r' },
            { id: 'i1', prompt: 'p1', response: 'r' },
          ]),
          overlap: 1,
          goldShare: 0,
          payPerTask: 1,
          settleEvery: 1,
        });
        const [late, other] = await Promise.all(['late', 'other'].map((n) => w.svc.labellers.signUp(n)));
        const task = async (id: string) => {
          const n = await w.svc.next(p, id);
          assert.equal(n.state, 'task');
          return n.state === 'task' ? n.task : (null as never);
        };
        // The attacker takes an item, sits on it past its 30-minute hold; the item goes to another labeller.
        const held = await task(late?.labeller.id as string);
        w.clock.advance(31 * 60_000);
        const handed = await task(other?.labeller.id as string);
        assert.equal(handed.prompt, held.prompt, 'the expired hold freed the slot');
        await w.svc.submit(p, other?.labeller.id as string, handed.assignmentId, '3', 5000);
        const expiry = new Date(held.issuedAt + 30 * 60_000).toISOString();
        await assert.rejects(w.svc.submit(p, late?.labeller.id as string, held.assignmentId, '3', 5000), {
          code: 'CONFLICT',
          message: new RegExp(`^task ${held.assignmentId}: its hold expired at ${expiry} .*not paid`),
        });
        const labels = await w.store.db.all<{ n: unknown }>(
          'SELECT COUNT(*) AS n FROM lb_assignments WHERE project_id = ? AND item_id = ? AND submitted_at IS NOT NULL',
          [p.id, 'i0'],
        );
        assert.equal(Number(labels[0]?.n), 1, 'the item stays at its overlap');
        assert.equal((await w.svc.earnings(late?.labeller.id as string)).tasksDone, 0);
        // Its next item, held past expiry too, but nobody else took it: the late answer is still welcome.
        const mine = await task(late?.labeller.id as string);
        w.clock.advance(45 * 60_000);
        const r = await w.svc.submit(p, late?.labeller.id as string, mine.assignmentId, '4', 5000);
        assert.equal(r.ms, 45 * 60_000);
        assert.equal((await w.svc.earnings(late?.labeller.id as string)).tasksDone, 1);
      } finally {
        await w.store.close();
      }
    });

    test('the qualification test cannot be hill-climbed: few attempts, spaced, pass or fail only', async () => {
      const w = await world(await backend.create());
      try {
        // Ten rating questions; the right answer to question i is 1 + (i % 5).
        const gold = Array.from({ length: 10 }, (_, i) => String(1 + (i % 5)));
        const p = await w.svc.projects.create(null, {
          name: 'gated',
          type: 'rating',
          items: jsonl([{ id: 'i0', prompt: 'p', response: 'r' }]),
          goldShare: 0,
          payPerTask: 1,
          qualification: {
            items: jsonl(
              gold.map((g, i) => ({ id: `q${i}`, prompt: `q${i}`, response: 'r', gold: Number(g) })),
            ),
            passScore: 0.9,
          },
        });
        const { labeller: bot } = await w.svc.labellers.signUp('bot');
        // The attacker: keep one guess, change one answer per attempt, read what each attempt says.
        const guess = Array.from({ length: 10 }, () => '1');
        const answers: unknown[] = [];
        const refusals: { code: string; message: string }[] = [];
        for (let q = 0; q < 10; q++)
          for (const v of ['1', '2', '3', '4', '5']) {
            const attempt = guess.map((g, i) => (i === q ? v : g));
            try {
              answers.push(await w.svc.labellers.takeTest(p, bot.id, attempt));
            } catch (e) {
              refusals.push(e as { code: string; message: string });
            }
            w.clock.advance(60_000);
          }
        // 50 attempts over 50 minutes: the first is scored, the rest wait for the hour.
        assert.equal(answers.length, 1);
        assert.deepEqual(answers[0], {
          passed: false,
          attemptsLeft: 2,
          retryAt: 1_750_000_000_000 + 3_600_000,
        });
        assert.ok(refusals.every((r) => r.code === 'RATE_LIMITED'));
        assert.match(
          refusals[0]?.message ?? '',
          /^qualification test of project \S+: next attempt from 2025-06-15T16:06:40\.000Z \(attempts are 60 min apart; 2 left\)$/,
        );
        // A patient attacker: one answer changed per attempt, an hour apart. Two failing attempts that
        // differ by one answer (one of them right) read the same: nothing says which answer was right.
        w.clock.advance(3_600_000);
        const second = await w.svc.labellers.takeTest(p, bot.id, ['1', ...guess.slice(1)]);
        w.clock.advance(3_600_000);
        const third = await w.svc.labellers.takeTest(p, bot.id, ['2', ...guess.slice(1)]);
        assert.deepEqual([second.passed, third.passed], [false, false]);
        assert.deepEqual(Object.keys(second).sort(), ['attemptsLeft', 'passed', 'retryAt']);
        assert.deepEqual([second.attemptsLeft, third.attemptsLeft, third.retryAt], [1, 0, null]);
        // Then no more, however long it waits, even with the right answers.
        w.clock.advance(30 * 86_400_000);
        await assert.rejects(w.svc.labellers.takeTest(p, bot.id, gold), {
          code: 'CONFLICT',
          message: /all 3 attempts used \(the last at .+\) without a pass; the project is closed to you$/,
        });
        assert.equal((await w.svc.next(p, bot.id)).state, 'unqualified');
        // A labeller who knows the work passes, and a pass is kept (a retake scores nothing).
        const { labeller: ada } = await w.svc.labellers.signUp('ada');
        assert.deepEqual(await w.svc.labellers.takeTest(p, ada.id, gold), {
          passed: true,
          attemptsLeft: 2,
          retryAt: null,
        });
        assert.equal((await w.svc.labellers.takeTest(p, ada.id, guess)).passed, true);
        assert.equal((await w.svc.next(p, ada.id)).state, 'task');
      } finally {
        await w.store.close();
      }
    });

    test('a cleared flag is no pass for later answers: a labeller who spams once cleared is flagged again (attacker: behave, get cleared, then spam)', async () => {
      const w = await world(await backend.create());
      try {
        const truth = (i: number) => (i % 2 === 0 ? 'A' : 'B');
        const items = Array.from({ length: 60 }, (_, i) => ({
          id: `i${i}`,
          prompt: `Which reply to question ${i} is better?`,
          responses: [`reply A${i}`, `reply B${i}`],
          ...(i < 12 ? { gold: truth(i) } : {}),
        }));
        const p = await w.svc.projects.create(null, {
          name: 'Cleared once',
          type: 'pairwise',
          items: jsonl(items),
          overlap: 3,
          goldShare: 0.2,
          payPerTask: 1,
          license: 'cc-by-4.0',
          settleEvery: 100_000,
        });
        const sign = async (name: string) => (await w.svc.labellers.signUp(name)).labeller.id;
        const honest = await Promise.all(['h1', 'h2', 'h3', 'h4'].map(sign));
        const sneaky = await sign('sneaky');
        // right every time and always faster than the project expects: cleared once, and that stands
        const expert = await sign('expert');
        let phase: 'fast' | 'spam' = 'fast';
        const done = new Map<string, number>();
        const work = async (who: string) => {
          const next = await w.svc.next(p, who);
          if (next.state !== 'task') return false;
          const i = Number(/question (\d+)/.exec(next.task.prompt)?.[1]);
          const right = truth(i);
          // first right but faster than anyone reads (flagged, then cleared: a fast expert), then always wrong
          const label = who === sneaky && phase === 'spam' ? (right === 'A' ? 'B' : 'A') : right;
          w.clock.advance((who === sneaky && phase === 'fast') || who === expert ? 300 : 12_000);
          await w.svc.submit(p, who, next.task.assignmentId, label, null);
          done.set(who, (done.get(who) ?? 0) + 1);
          return true;
        };
        while ((done.get(sneaky) ?? 0) < 10) for (const who of [...honest, sneaky, expert]) await work(who);
        const first = await w.svc.settlement.run(p);
        assert.deepEqual(new Set(first.flagged), new Set([sneaky, expert]));
        for (const who of [sneaky, expert])
          assert.equal(await w.svc.settlement.review(p.id, who, 'clear'), true);
        assert.equal((await w.svc.next(p, sneaky)).state, 'task', 'cleared: work again');
        phase = 'spam';
        for (let busy = true; busy; ) {
          busy = false;
          for (const who of [sneaky, expert, ...honest]) busy = (await work(who)) || busy;
        }
        assert.ok((done.get(sneaky) ?? 0) >= 10 + 8, `sneaky answered ${done.get(sneaky)}`);
        const second = await w.svc.settlement.run(p);
        assert.deepEqual(second.flagged, [sneaky], 'flagged again for what it did since the review');
        assert.ok((done.get(expert) ?? 0) >= 10 + 8, `expert answered ${done.get(expert)}`);
        assert.equal(
          (await w.svc.next(p, expert)).state !== 'under-review',
          true,
          'the expert, still fast, stays cleared',
        );
        const flag = (await w.svc.status(p)).flags.find((f) => f.labellerId === sneaky);
        assert.ok(
          flag?.reasons.some((r) => r === 'low-accuracy' || r === 'gold-failed'),
          `reasons: ${flag?.reasons}`,
        );
        assert.equal((await w.svc.next(p, sneaky)).state, 'under-review');
        // A third pass changes nothing: honest labellers are never flagged, the cleared-then-spamming one stays open.
        assert.deepEqual((await w.svc.settlement.run(p)).flagged, [sneaky]);
      } finally {
        await w.store.close();
      }
    });

    test('pay follows estimated accuracy; colluders are caught by gold, earn nothing and leave the export', async () => {
      const w = await world(await backend.create());
      try {
        // Truth alternates A/B; the first 8 items are gold.
        const truth = (i: number) => (i % 2 === 0 ? 'A' : 'B');
        const items = Array.from({ length: 24 }, (_, i) => ({
          id: `i${i}`,
          prompt: `Which reply to question ${i} is better?`,
          responses: [`reply A${i}`, `reply B${i}`],
          ...(i < 8 ? { gold: truth(i) } : {}),
        }));
        const p = await w.svc.projects.create(null, {
          name: 'Preference test',
          type: 'pairwise',
          items: jsonl(items),
          overlap: 6,
          goldShare: 0.25,
          payPerTask: 1,
          license: 'cc-by-4.0',
          settleEvery: 100_000,
        });
        const sign = async (name: string) => (await w.svc.labellers.signUp(name)).labeller.id;
        const honest = await Promise.all(['h1', 'h2', 'h3', 'h4', 'h5'].map(sign));
        const noisy = await sign('noisy');
        const colluders = await Promise.all(['c1', 'c2', 'c3'].map(sign));
        // Right every time, but faster than anyone reads: the coordinator's own clock gives it away.
        const speedy = await sign('speedy');
        // Every fourth non-gold answer of the noisy worker is wrong, whatever order items come in.
        let noisyNonGold = 0;
        const answer = (who: string, i: number, _nth: number) => {
          const right = truth(i);
          const wrong = right === 'A' ? 'B' : 'A';
          if (colluders.includes(who)) return wrong; // the group agrees on the wrong answer, everywhere
          if (who === noisy && i >= 8 && ++noisyNonGold % 4 === 0) return wrong; // right about 80% of the time
          return right;
        };
        const workers = [...honest, noisy, ...colluders, speedy];
        const nth = new Map<string, number>();
        for (let busy = true; busy; ) {
          busy = false;
          for (const who of workers) {
            const next = await w.svc.next(p, who);
            if (next.state !== 'task') continue;
            busy = true;
            const i = Number(/question (\d+)/.exec(next.task.prompt)?.[1]);
            const n = nth.get(who) ?? 0;
            nth.set(who, n + 1);
            w.clock.advance(who === speedy ? 300 : 12_000);
            await w.svc.submit(p, who, next.task.assignmentId, answer(who, i, n), null);
          }
        }
        const settled = await w.svc.settlement.run(p);
        assert.deepEqual(
          new Set(settled.flagged),
          new Set([...colluders, speedy]),
          'exactly the bots are flagged',
        );
        const status = await w.svc.status(p);
        assert.deepEqual(status.flags.find((f) => f.labellerId === speedy)?.reasons, ['fast']);
        for (const c of colluders) {
          const reasons = status.flags.find((f) => f.labellerId === c)?.reasons ?? [];
          assert.ok(reasons.includes('gold-failed'), `colluder ${c}: ${reasons}`);
        }
        assert.equal(await w.rewards.ledger.balance(labellerAccount(speedy)), 0, 'held, not paid');
        const balance = (id: string) => w.rewards.ledger.balance(labellerAccount(id));
        for (const c of colluders) {
          assert.equal(await balance(c), 0, 'a colluder earns nothing');
          assert.equal((await w.svc.next(p, c)).state, 'under-review', 'and gets no more tasks');
        }
        const honestPay = await Promise.all(honest.map(balance));
        for (const [k, h] of honest.entries()) {
          const done = Number(
            (
              await w.store.db.get<{ n: unknown }>(
                'SELECT COUNT(*) AS n FROM lb_assignments WHERE labeller_id = ? AND submitted_at IS NOT NULL',
                [h],
              )
            )?.n,
          );
          // Always right: close to the full 1 point per label (shrinkage toward the crowd keeps it a hair under).
          assert.ok(
            (honestPay[k] as number) > 0.9 * done * MICRO,
            `honest ${k} paid ${honestPay[k]} for ${done}`,
          );
        }
        const noisyPay = await balance(noisy);
        const noisyDone = (await w.svc.earnings(noisy, p.id)).tasksDone;
        assert.ok(
          noisyPay > 0 && noisyPay < 0.85 * noisyDone * MICRO,
          `noisy paid ${noisyPay} for ${noisyDone}`,
        );
        // The colluders' pay is held, and forfeited when a reviewer confirms the flag.
        assert.ok((await w.svc.earnings(colluders[0] as string, p.id)).tasksDone > 0);
        assert.equal(await w.svc.settlement.review(p.id, colluders[0] as string, 'confirm'), true);
        const held = await w.store.db.get<{ n: unknown }>(
          `SELECT COUNT(*) AS n FROM lb_pay WHERE labeller_id = ? AND state <> 'forfeited'`,
          [colluders[0] as string],
        );
        assert.equal(Number(held?.n), 0);

        // Export: every pairwise item's preference is right despite the colluders, in both formats.
        const { files, stats } = await w.svc.exporter.build(p);
        assert.deepEqual([...files.keys()].sort(), [
          'README.md',
          'annotations.jsonl',
          'annotations.parquet',
          'croissant.json',
          'preferences.jsonl',
          'preferences.parquet',
          'ratings.jsonl',
          'ratings.parquet',
        ]);
        const text = (name: string) => new TextDecoder().decode(files.get(name));
        const prefs = text('preferences.jsonl')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
        assert.equal(prefs.length, 24);
        for (const row of prefs) {
          assert.deepEqual(Object.keys(row), ['item_id', 'prompt', 'chosen', 'rejected']);
          const i = Number(/question (\d+)/.exec(row.prompt)?.[1]);
          assert.equal(row.item_id, `i${i}`, "the row's item");
          assert.equal(row.chosen, `reply ${truth(i)}${i}`);
        }
        const pq = files.get('preferences.parquet') as Uint8Array;
        const back = await parquetReadObjects({ file: pq.slice().buffer as ArrayBuffer });
        assert.deepEqual(back, prefs);
        const ratings = await parquetReadObjects({
          file: (files.get('ratings.parquet') as Uint8Array).slice().buffer as ArrayBuffer,
        });
        assert.equal(ratings.length, 48);
        assert.deepEqual(Object.keys(ratings[0] as object), [
          'item_id',
          'prompt',
          'response',
          'score',
          'confidence',
        ]);
        // Raw annotations: every submitted answer, the flagged colluders' marked as not kept, under pseudonyms.
        const annotations = await parquetReadObjects({
          file: (files.get('annotations.parquet') as Uint8Array).slice().buffer as ArrayBuffer,
        });
        const submitted = await w.store.db.get<{ n: unknown }>(
          'SELECT COUNT(*) AS n FROM lb_assignments WHERE project_id = ? AND submitted_at IS NOT NULL',
          [p.id],
        );
        assert.equal(annotations.length, Number(submitted?.n));
        assert.equal(annotations.filter((a) => a.kept === false).length, stats.labelsDropped);
        assert.ok(annotations.every((a) => !colluders.includes(String(a.labeller))));
        // croissant.json names every Parquet file with its real SHA-256 and a record set per table.
        const cr = JSON.parse(text('croissant.json'));
        assert.equal(cr.conformsTo, 'http://mlcommons.org/croissant/1.1');
        assert.equal(cr.license, 'cc-by-4.0');
        for (const f of cr.distribution) {
          const bytes = files.get(f.contentUrl) as Uint8Array;
          assert.equal(f.sha256, createHash('sha256').update(bytes).digest('hex'), f.contentUrl);
        }
        assert.deepEqual(
          cr.recordSet.map((r: { name: string }) => r.name),
          ['preferences', 'ratings', 'annotations'],
        );
        assert.equal(cr['rai:annotationsPerItem'], String(p.overlap));
        const card = text('README.md');
        const yaml = card.split('---')[1] as string;
        assert.match(yaml, /^license: "cc-by-4.0"$/m);
        assert.match(yaml, /^task_type: "pairwise"$/m);
        assert.match(yaml, /^num_labellers: 6$/m);
        assert.match(yaml, /krippendorff_alpha_nominal_all_labels: -?\d/);
        assert.match(yaml, /^size_categories:\n {2}- "n<1K"$/m);
        const dropped = Number(/^spam_dropped_share: ([\d.]+)$/m.exec(yaml)?.[1]);
        assert.ok(dropped > 0.2 && dropped < 0.5, `dropped share ${dropped}`);
        assert.equal(stats.labellersFlagged, 4);
        assert.ok((stats.alphaAccepted as number) > (stats.alphaAll as number));
      } finally {
        await w.store.close();
      }
    });
  });
}
