// Spam and bot detection on a real crowd: the development set snow2008-rte (Snow et al. 2008; see
// testdata/crowd/README.md) with 20% bots of four kinds injected. The aggregate after dropping flagged
// workers must stay within 0.01 of the clean crowd's, at least 90% of bots must be flagged, and at most
// 5% of the original workers (who include a few real spammers of their own).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { aggregateAccepted } from '../packages/coordinator/src/labelling/aggregate-accepted.js';
import { detectSpammers, type LabelEvent } from '../packages/coordinator/src/labelling/spam-detect.js';
import { parseGoldCsv } from '../packages/coordinator/src/labels/inference/index.js';
import { seededRandom } from '../packages/coordinator/src/labels/inference/random.js';

const dataDir = fileURLToPath(new URL('../testdata/crowd/', import.meta.url));
const DATASET = 'snow2008-rte';

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

test(`bots injected into ${DATASET} are flagged and the aggregate holds`, () => {
  // seeded, so the injected crowd is the same on every run
  const rand = seededRandom(2008);
  const { rows, truth } = readCrowd();
  const classes = [...new Set(rows.map((r) => r.label))].sort();
  const tasks = [...truth.keys()];
  // 10% of the items are gold (known answers), as a project's gold share would make them.
  const gold = new Map(tasks.filter(() => rand() < 0.1).map((t) => [t, truth.get(t) as string]));
  // Honest people read: 6–30 s a task (the RTE items are a paragraph and a sentence).
  const honest: LabelEvent[] = rows.map((r) => ({ ...r, ms: 6000 + rand() * 24000, minMs: MIN_MS }));
  const originals = new Set(rows.map((r) => r.worker));
  // Snow's RTE crowd has a few real spammers of its own (accuracy 0.50–0.58 over hundreds of answers);
  // flagging them is right, so "honest" means an original worker who beats a coin clearly (≥ 0.6 on gold).
  const trueAccuracy = new Map<string, number>();
  for (const w of originals) {
    const mine = rows.filter((r) => r.worker === w);
    trueAccuracy.set(w, mine.filter((r) => truth.get(r.task) === r.label).length / mine.length);
  }
  const honestWorkers = new Set([...originals].filter((w) => (trueAccuracy.get(w) as number) >= 0.6));
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
    while (picked.size < 40) picked.add(tasks[Math.floor(rand() * tasks.length)] as string);
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
  assert.ok(Math.abs(dirtyAcc - cleanAcc) <= 0.01, `aggregate ${dirtyAcc} vs clean ${cleanAcc}`);
  assert.ok(botsFlagged >= 0.9, `bots flagged ${botsFlagged}`);
  assert.ok(honestFlagged <= 0.05, `honest flagged ${honestFlagged}`);
  for (const kind of kinds)
    assert.ok(
      botIds.filter((b) => b.includes(kind) && flagged.has(b)).length >= (nBots / 4) * 0.75,
      `${kind} bots mostly flagged`,
    );
});
