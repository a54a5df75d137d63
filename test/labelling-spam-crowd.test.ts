// Spam and bot detection on a real crowd: the development set welinder2010-bluebirds (Welinder et al. 2010;
// see testdata/crowd/README.md) with 20% bots of four kinds injected, in several seeded trials. In each, the
// aggregate after dropping flagged workers must stay within 1% of the clean crowd's (at least one task: on
// bluebirds' 97 scored tasks one task is 0.0103), at least 90% of bots must be flagged, and at most 5% of the
// honest original workers (the crowd includes real spammers of its own, who may rightly be flagged).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '@sward/core';
import { aggregateAccepted } from '../packages/coordinator/src/labelling/aggregate-accepted.js';
import { detectSpammers, type LabelEvent } from '../packages/coordinator/src/labelling/spam-detect.js';
import { parseGoldCsv } from '../packages/coordinator/src/labels/inference/index.js';

const dataDir = fileURLToPath(new URL('../testdata/crowd/', import.meta.url));
const DATASET = 'welinder2010-bluebirds';
// Seeded trials: one trial on 39 workers and 108 tasks is an anecdote; each must pass on its own.
const SEEDS = [2010, 1, 2, 3];

const MIN_MS = 4000;

function readCrowd() {
  // A gate never skips: missing data is a failure that names the folder.
  assert.ok(existsSync(join(dataDir, DATASET, 'labels.csv')), `missing crowd set ${join(dataDir, DATASET)}`);
  const text = readFileSync(join(dataDir, DATASET, 'labels.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const rows = text.map((l) => {
    const [task, worker, label] = l.split(',') as [string, string, string];
    return { task, worker, label };
  });
  const truth = parseGoldCsv(readFileSync(join(dataDir, DATASET, 'gold.csv'), 'utf8'));
  return { rows, truth };
}

for (const seed of SEEDS)
  test(`bots injected into ${DATASET} (seed ${seed}) are flagged and the aggregate holds`, () => trial(seed));

function trial(seed: number) {
  // seeded, so the injected crowd is the same on every run
  const rand = seededRandom(seed);
  const { rows, truth } = readCrowd();
  const classes = [...new Set(rows.map((r) => r.label))].sort();
  const tasks = [...truth.keys()];
  // 10% of the items are gold (known answers), as a project's gold share would make them.
  const gold = new Map(tasks.filter(() => rand() < 0.1).map((t) => [t, truth.get(t) as string]));
  // Honest people look: 6–30 s a task.
  const honest: LabelEvent[] = rows.map((r) => ({ ...r, ms: 6000 + rand() * 24000, minMs: MIN_MS }));
  const originals = new Set(rows.map((r) => r.worker));
  // The crowd has real spammers of its own (bluebirds: 17 of 39 workers at 0.32–0.60 on 108 answers each);
  // flagging them is right, so "honest" means an original worker who beats a coin significantly: accuracy on
  // gold above chance by a one-sided binomial test at 1% (z = 2.326), whatever the number of answers.
  const answers = new Map<string, number>();
  const correct = new Map<string, number>();
  for (const r of rows) {
    answers.set(r.worker, (answers.get(r.worker) ?? 0) + 1);
    if (truth.get(r.task) === r.label) correct.set(r.worker, (correct.get(r.worker) ?? 0) + 1);
  }
  const chance = 1 / classes.length;
  const honestWorkers = new Set(
    [...originals].filter((w) => {
      const n = answers.get(w) as number;
      return (correct.get(w) ?? 0) / n >= chance + 2.326 * Math.sqrt((chance * (1 - chance)) / n);
    }),
  );
  // A bot answers as many tasks as the crowd's median worker: a bot that did less than a person would be
  // easier to spot by its thin record and harder by its few gold answers, neither of which we want to test.
  const perWorker = [...answers.values()].sort((a, b) => a - b);
  const perBot = Math.min(tasks.length, perWorker[Math.floor(perWorker.length / 2)] as number);
  // 20% of all workers are bots: a quarter each random, constant, fast (random and instant), always wrong.
  const nBots = Math.round(originals.size / 4);
  const kinds = ['random', 'constant', 'fast', 'wrong'] as const;
  const bots: LabelEvent[] = [];
  const botIds: string[] = [];
  for (let b = 0; b < nBots; b++) {
    const kind = kinds[b % 4] as (typeof kinds)[number];
    const worker = `bot-${kind}-${b}`;
    botIds.push(worker);
    const picked = new Set<string>();
    while (picked.size < perBot) picked.add(tasks[Math.floor(rand() * tasks.length)] as string);
    for (const task of picked) {
      const right = truth.get(task) as string;
      const other = classes.find((c) => c !== right) as string;
      const randomLabel = classes[Math.floor(rand() * classes.length)] as string;
      const label = kind === 'constant' ? (classes[0] as string) : kind === 'wrong' ? other : randomLabel;
      const ms = kind === 'fast' ? 200 + rand() * 600 : 6000 + rand() * 24000;
      bots.push({ task, worker, label, ms, minMs: MIN_MS });
    }
  }
  const accuracyOf = (labels: Map<string, string>) => {
    let n = 0;
    let ok = 0;
    for (const [t, l] of labels) {
      if (gold.has(t)) continue;
      n++;
      if (truth.get(t) === l) ok++;
    }
    return ok / n;
  };
  const clean = detectSpammers(honest, gold, classes);
  const cleanFlagged = new Set(clean.verdicts.filter((v) => v.reasons.length).map((v) => v.worker));
  const cleanAcc = accuracyOf(aggregateAccepted(honest, gold, classes, cleanFlagged).labels);

  const all = [...honest, ...bots];
  const report = detectSpammers(all, gold, classes);
  const flagged = new Set(report.verdicts.filter((v) => v.reasons.length).map((v) => v.worker));
  const dirtyAcc = accuracyOf(aggregateAccepted(all, gold, classes, flagged).labels);
  const botsFlagged = botIds.filter((b) => flagged.has(b)).length / botIds.length;
  const honestFlagged = [...honestWorkers].filter((w) => flagged.has(w)).length / honestWorkers.size;
  const missed = botIds.filter((b) => !flagged.has(b));
  const nearRandomFlagged = [...originals].filter((w) => !honestWorkers.has(w) && flagged.has(w)).length;
  console.log(
    JSON.stringify({
      cleanAcc,
      dirtyAcc,
      botsFlagged,
      honestFlagged,
      nearRandomFlagged,
      originals: originals.size,
      honest: honestWorkers.size,
      missed,
      threshold: report.threshold,
      median: report.median,
      alpha: [report.alphaAll, report.alphaAccepted],
    }),
  );
  const scored = [...truth.keys()].filter((t) => !gold.has(t)).length;
  assert.ok(
    Math.abs(dirtyAcc - cleanAcc) <= Math.max(0.01, 1 / scored) + 1e-9,
    `aggregate ${dirtyAcc} vs clean ${cleanAcc}`,
  );
  assert.ok(botsFlagged >= 0.9, `bots flagged ${botsFlagged}`);
  assert.ok(honestFlagged <= 0.05, `honest flagged ${honestFlagged}`);
  for (const kind of kinds)
    assert.ok(
      botIds.filter((b) => b.includes(kind) && flagged.has(b)).length >= (nBots / 4) * 0.75,
      `${kind} bots mostly flagged`,
    );
}
