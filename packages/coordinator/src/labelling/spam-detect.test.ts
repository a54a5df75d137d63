import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binomialCdf, detectSpammers, type LabelEvent } from './spam-detect.js';

/** 60 binary items; 8 careful workers (right 90%), and one bot of each kind. Deterministic. */
function crowd(): { events: LabelEvent[]; gold: Map<string, string> } {
  const truth = (t: number) => (t % 3 === 0 ? '0' : '1');
  const events: LabelEvent[] = [];
  const gold = new Map<string, string>();
  for (let t = 0; t < 60; t++) if (t % 6 === 0) gold.set(`t${t}`, truth(t));
  const add = (worker: string, answer: (t: number) => string, ms: number) => {
    for (let t = 0; t < 60; t++) events.push({ task: `t${t}`, worker, label: answer(t), ms, minMs: 3000 });
  };
  for (let w = 0; w < 8; w++)
    add(`h${w}`, (t) => ((t + w) % 10 === 0 ? (truth(t) === '0' ? '1' : '0') : truth(t)), 9000);
  add('constant', () => '0', 9000);
  add('wrong', (t) => (truth(t) === '0' ? '1' : '0'), 9000);
  add('fast', (t) => truth(t), 400);
  add('random', (t) => String((t * 7919) % 2), 9000);
  return { events, gold };
}

test('flags each kind of bot and no careful worker', () => {
  const { events, gold } = crowd();
  const r = detectSpammers(events, gold, ['0', '1']);
  const reasons = new Map(r.verdicts.map((v) => [v.worker, v.reasons]));
  for (let w = 0; w < 8; w++) assert.deepEqual(reasons.get(`h${w}`), [], `h${w}`);
  assert.ok(reasons.get('constant')?.includes('constant'));
  assert.ok(reasons.get('wrong')?.includes('low-accuracy'));
  assert.ok(reasons.get('wrong')?.includes('gold-failed'));
  assert.deepEqual(reasons.get('fast'), ['fast']);
  assert.ok(reasons.get('random')?.includes('low-accuracy'));
  assert.ok(r.alphaAccepted > r.alphaAll, 'dropping the flagged raises agreement');
});

test('an always-wrong worker is scored by accuracy (near 0), not by how informative the flip is', () => {
  const { events, gold } = crowd();
  const r = detectSpammers(events, gold, ['0', '1']);
  const wrong = r.verdicts.find((v) => v.worker === 'wrong');
  assert.ok((wrong?.accuracy as number) < 0.3, String(wrong?.accuracy));
});

test('binomialCdf', () => {
  assert.equal(binomialCdf(0, 0, 0.5), 1);
  assert.ok(Math.abs(binomialCdf(1, 3, 0.5) - 0.5) < 1e-12);
  assert.ok(Math.abs(binomialCdf(0, 3, 0.9) - 0.001) < 1e-12);
});
