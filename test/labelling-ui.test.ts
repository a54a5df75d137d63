// The labeller's page end to end in headless Chromium (Debian's, driven by playwright-core) against a real
// coordinator on SQLite: sign up, pass the qualification test, label ten tasks with the keyboard, and see
// the earnings the quality pass credited through the rewards ledger.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { type Browser, chromium } from 'playwright-core';
import { labellerAccount, RewardsService } from '../packages/coordinator/src/index.js';
import { type RunningCoordinator, startCoordinator } from '../packages/coordinator/src/server.js';

const CHROMIUM = '/usr/bin/chromium';

// Each item says which rating it deserves, so the test (like a careful human) answers from what it reads;
// gold items look the same as the rest.
const items = Array.from({ length: 14 }, (_, i) => {
  const rating = (i % 5) + 1;
  return {
    id: `item-${i}`,
    prompt: `Question ${i}: how good is this answer? (a careful reader gives it ${rating})`,
    response: `Answer number ${i}.`,
    ...(i % 3 === 0 ? { gold: rating } : {}),
  };
});
const qualification = [
  { id: 'q1', prompt: 'Q1: rate this (deserves 5)', response: 'Perfect answer', gold: 5 },
  { id: 'q2', prompt: 'Q2: rate this (deserves 1)', response: 'Wrong answer', gold: 1 },
];
const deserved = (prompt: string) =>
  Number(/gives it (\d)|deserves (\d)/.exec(prompt)?.slice(1).find(Boolean));

let coord: RunningCoordinator;
let browser: Browser;
let dir: string;
let projectId: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sward-label-ui-'));
  coord = await startCoordinator({
    db: join(dir, 'sward.db'),
    dataDir: dir,
    log: pino({ level: 'silent' }),
  });
  const res = await fetch(`${coord.url}/v1/labelling/projects`, {
    method: 'POST',
    headers: { authorization: `Bearer ${coord.firstApiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Helpfulness ratings',
      type: 'rating',
      rubric: '5 = fully correct and helpful; 1 = wrong or harmful.',
      items: items.map((i) => JSON.stringify(i)).join('\n'),
      overlap: 3,
      goldShare: 0.2,
      payPerTask: 2,
      qualification: { items: qualification.map((q) => JSON.stringify(q)).join('\n'), passScore: 1 },
      // A test browser answers in milliseconds; reading-time checks are exercised in the spam suites.
      minTaskMs: 0,
      msPerChar: 0,
    }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  projectId = ((await res.json()) as { id: string }).id;
  // .ci/run installs Debian's chromium; a developer machine without it skips these tests instead
  if (!existsSync(CHROMIUM)) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  await coord?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a labeller signs up, qualifies, labels ten tasks and sees earnings', {
  skip: !existsSync(CHROMIUM) && 'no chromium',
}, async () => {
  const page = await browser.newPage();
  await page.goto(`${coord.url}/label`);
  await page.fill('#signup-name', 'Ada');
  await page.click('#signup-btn');
  await page.click(`button[data-project="${projectId}"]`);

  // The qualification test: one question wrong first (and it fails), then all right.
  await page.waitForSelector('#view-test:not([hidden])');
  const questions = page.locator('#test-questions fieldset');
  assert.equal(await questions.count(), 2);
  for (let i = 0; i < 2; i++) {
    const prompt = (await questions.nth(i).locator('.prompt').textContent()) as string;
    const answer = i === 0 ? 2 : deserved(prompt);
    await questions.nth(i).locator(`input[value="${answer}"]`).check();
  }
  await page.click('#test-submit');
  await page.waitForSelector('#test-result:has-text("Not enough yet. You may retake it from")');
  assert.match((await page.textContent('#test-result')) as string, /\(2 attempts left\)\.$/);
  // The hour between attempts passes (moved back in the database rather than waited for).
  await coord.store.db.run('UPDATE lb_qualifications SET last_at = last_at - 3600000');
  for (let i = 0; i < 2; i++) {
    const prompt = (await questions.nth(i).locator('.prompt').textContent()) as string;
    await questions
      .nth(i)
      .locator(`input[value="${deserved(prompt)}"]`)
      .check();
  }
  await page.click('#test-submit');

  // Ten tasks, each answered with its keyboard shortcut.
  const seen = new Set<string>();
  for (let n = 0; n < 10; n++) {
    await page.waitForSelector('#view-task:not([hidden])');
    await page.waitForFunction(`document.getElementById('progress')?.textContent === '${n} done'`);
    const prompt = (await page.textContent('#task-prompt')) as string;
    assert.ok(!seen.has(prompt), `item shown twice: ${prompt}`);
    seen.add(prompt);
    await page.keyboard.press(String(deserved(prompt)));
  }
  await page.waitForFunction(`document.getElementById('progress')?.textContent === '10 done'`);
  // The tenth answer triggered the project's quality pass: the labels were judged and paid.
  await page.waitForFunction(`/earned [1-9]/.test(document.getElementById('earnings')?.textContent ?? '')`);
  const earnings = (await page.textContent('#earnings')) as string;
  assert.match(earnings, /earned 20\.00 points/);

  // The page's figure is the ledger's: ten labels at 2 points each, full weight for a perfect labeller.
  const me = (await page.evaluate(async () => (await fetch('/v1/labelling/me')).json())) as {
    labeller: { id: string };
  };
  const rewards = new RewardsService(coord.store.db);
  assert.equal(await rewards.ledger.balance(labellerAccount(me.labeller.id)), 20_000_000);
  // Time per task was recorded for every answer.
  const rows = await coord.store.db.all<{ ms: number; client_ms: number }>(
    'SELECT ms, client_ms FROM lb_assignments WHERE labeller_id = ? AND submitted_at IS NOT NULL',
    [me.labeller.id],
  );
  assert.equal(rows.length, 10);
  assert.ok(rows.every((r) => r.ms !== null && r.client_ms !== null));
  const gold = await coord.store.db.get<{ n: number }>(
    'SELECT COUNT(*) AS n FROM lb_assignments WHERE labeller_id = ? AND is_gold = 1',
    [me.labeller.id],
  );
  assert.ok(Number(gold?.n) >= 1, 'gold items were interleaved');
  await page.close();
});

test('pairwise and ranking tasks answer from the keyboard', {
  skip: !existsSync(CHROMIUM) && 'no chromium',
}, async () => {
  const create = async (body: object) => {
    const res = await fetch(`${coord.url}/v1/labelling/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${coord.firstApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ payPerTask: 1, goldShare: 0, minTaskMs: 0, msPerChar: 0, ...body }),
    });
    assert.equal(res.status, 201);
    return ((await res.json()) as { id: string }).id;
  };
  const pairwise = await create({
    name: 'Pairs',
    type: 'pairwise',
    items: JSON.stringify({
      id: 'p1',
      prompt: 'Which is kinder?',
      responses: ['Go away.', 'Happy to help!'],
    }),
  });
  const ranking = await create({
    name: 'Ranks',
    type: 'ranking',
    items: JSON.stringify({ id: 'r1', prompt: 'Order these', responses: ['ok', 'bad', 'best'] }),
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${coord.url}/label`);
  await page.fill('#signup-name', 'Grace');
  await page.click('#signup-btn');

  await page.click(`button[data-project="${pairwise}"]`);
  await page.waitForSelector('#task-prompt:has-text("Which is kinder?")');
  await page.keyboard.press('b');
  await page.waitForSelector('#message:has-text("No more tasks")');
  await page.click('#back-btn');

  await page.click(`button[data-project="${ranking}"]`);
  await page.waitForSelector('#task-prompt:has-text("Order these")');
  for (const key of ['3', '1', '2']) await page.keyboard.press(key);
  await page.waitForSelector('#message:has-text("No more tasks")');

  const answers = await coord.store.db.all<{ project_id: string; answer: string }>(
    `SELECT a.project_id, a.answer FROM lb_assignments a JOIN lb_labellers l ON l.id = a.labeller_id
     WHERE l.name = 'Grace' ORDER BY a.submitted_at`,
  );
  assert.deepEqual(
    answers.map((a) => [a.project_id, a.answer]),
    [
      [pairwise, 'B'],
      [ranking, '2,0,1'],
    ],
  );
  await context.close();
});
