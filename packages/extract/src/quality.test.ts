import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExtractError } from './errors.js';
import { applyQualityPreset, type QualityPreset, qualityScore } from './quality-presets.js';
import { qualitySignals } from './quality-signals.js';

const prose = [
  'The river has shaped this valley for thousands of years, and the farmers who live here know its moods well.',
  'In spring the water rises quickly with melting snow from the mountains to the north of the town.',
  'Old maps show that the main channel once ran close to the church, which is now half a mile away.',
  'Each generation had to decide whether to build walls against the flood or to move the fields with it.',
  'Most families chose to move, because walls were expensive and often failed in the worst years.',
  'Records kept by the parish describe a great flood in 1762 that destroyed the mill and the bridge.',
  'After that disaster the village council paid for a new bridge made of stone rather than timber.',
  'That bridge still stands today, although traffic now crosses the river on a concrete road further south.',
  'Scientists from the university have studied the sediment to learn how fast the banks are eroding.',
  'Their measurements suggest the channel moves about one metre each year in a typical season.',
  'Local schools take pupils to the banks so that they can see the layers of gravel and clay themselves.',
  'Visitors who walk along the path in autumn often see herons waiting patiently in the shallow water.',
].join('\n\n');

test('ordinary prose passes every preset', () => {
  const s = qualitySignals({ text: prose, language: 'en' });
  assert.ok(s.words > 200 && s.stopWords >= 2 && s.c4Sentences >= 5);
  for (const p of ['none', 'c4', 'gopher', 'strict'] as QualityPreset[]) {
    assert.deepEqual(applyQualityPreset(s, p), { pass: true, reasons: [] }, p);
  }
});

test('short, repetitive, bulleted or symbol-heavy text fails with named reasons', () => {
  const short = applyQualityPreset(qualitySignals({ text: 'Buy now. Great deals.' }), 'gopher');
  assert.equal(short.pass, false);
  assert.ok(short.reasons.includes('gopher:words<50'));

  const rep = qualitySignals({
    text: Array(40).fill('click here to subscribe to our newsletter today').join('\n'),
  });
  const r = applyQualityPreset(rep, 'gopher');
  assert.ok(r.reasons.includes('gopher:dupLineFraction>0.3'), r.reasons.join());
  assert.ok(r.reasons.some((x) => x.startsWith('gopher:dup5gram')));

  const bullets = qualitySignals({
    text: Array.from({ length: 60 }, (_, i) => `• item number ${i} of the list…`).join('\n'),
  });
  const b = applyQualityPreset(bullets, 'gopher');
  assert.ok(b.reasons.includes('gopher:bulletLineFraction>0.9'));
  assert.ok(b.reasons.includes('gopher:ellipsisLineFraction>0.3'));

  const code = applyQualityPreset(qualitySignals({ text: `${prose}\n\nfunction f() { return 1; }` }), 'c4');
  assert.deepEqual(code.reasons, ['c4:curlyBracket']);
  const lorem = applyQualityPreset(qualitySignals({ text: `${prose}\n\nLorem ipsum dolor sit amet.` }), 'c4');
  assert.deepEqual(lorem.reasons, ['c4:loremIpsum']);
});

test('the stop-word rule only applies to English (or unknown) text', () => {
  const fr = qualitySignals({
    text: 'Le chat dort sur le canapé pendant que la pluie tombe. '.repeat(10),
    language: 'fr',
  });
  assert.ok(!applyQualityPreset(fr, 'gopher').reasons.includes('gopher:stopWords<2'));
  const en = qualitySignals({
    text: 'Cats sleep; rain falls; dogs bark loudly outside. '.repeat(10),
    language: 'en',
  });
  assert.ok(applyQualityPreset(en, 'gopher').reasons.includes('gopher:stopWords<2'));
});

test('an unknown preset is a typed error', () => {
  assert.throws(
    () => applyQualityPreset(qualitySignals({ text: '' }), 'lenient' as QualityPreset),
    (e: unknown) => e instanceof ExtractError && e.code === 'BAD_PRESET',
  );
});

test('the quality score is the share of the strict rules passed: 1 for prose, less per failed rule', () => {
  assert.equal(qualityScore(qualitySignals({ text: prose, language: 'en' })), 1);
  const short = qualitySignals({ text: 'Buy now. Great deals.' });
  const failed = applyQualityPreset(short, 'strict').reasons.length;
  assert.ok(failed > 0);
  const score = qualityScore(short);
  assert.ok(score > 0 && score < 1, String(score));
  const code = qualitySignals({ text: `${prose}\n\nfunction f() { return 1; }`, language: 'en' });
  assert.ok(qualityScore(code) < 1 && qualityScore(code) > score);
});
