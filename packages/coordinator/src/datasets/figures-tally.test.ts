import assert from 'node:assert/strict';
import { test } from 'node:test';
import { qualitySignals } from '@sward/extract';
import { estimateTokens, FiguresTally, type ReportRow } from './figures-tally.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-06-01T12:00:00Z');
const source = { kind: 'build' as const, id: 'ds_t', name: 't', note: 'n' };
const prose = 'The river has shaped this valley for thousands of years, and farmers know its moods. '.repeat(
  20,
);

const row = (over: Partial<ReportRow>): ReportRow => ({
  text: prose,
  domain: 'a.example',
  language: 'en',
  fetched_at: new Date(NOW - HOUR).toISOString(),
  license: 'unspecified',
  allowed_purposes: 'train,input,index',
  usage_reasons: JSON.stringify({
    train: 'allow:no-signal',
    input: 'allow:no-signal',
    index: 'allow:no-signal',
  }),
  capture_id: 'c',
  ...over,
});

test('tokens: a quarter of the characters, each CJK character one', () => {
  assert.equal(estimateTokens('abcdefgh'), 2);
  assert.equal(estimateTokens('abcde'), 2);
  assert.equal(estimateTokens('日本語のテキスト'), 8);
  assert.equal(estimateTokens('ab日本'), 3);
  assert.equal(estimateTokens(''), 0);
});

test('freshness: ages at the report time, whole hours, percentiles and bins', () => {
  const t = new FiguresTally(source, 0.8);
  const q = qualitySignals({ text: prose, language: 'en' });
  // 10 rows: 5 an hour old, 4 ten days old, 1 two years old.
  const ages = [1, 1, 1, 1, 1, 240, 240, 240, 240, 2 * 365 * 24];
  for (const h of ages) t.addRow(row({ fetched_at: new Date(NOW - h * HOUR).toISOString() }), q);
  const f = t.figures(NOW);
  assert.deepEqual(f.freshness.ageHours, { p50: 1, p90: 240, max: 2 * 365 * 24 });
  assert.deepEqual(
    f.freshness.bins.map((b) => b.n),
    [5, 0, 4, 0, 0, 1],
  );
  assert.equal(f.freshness.oldest, new Date(NOW - 2 * 365 * 24 * HOUR).toISOString());
  // The same rows a year later are a year older.
  assert.equal(t.figures(NOW + 365 * 24 * HOUR).freshness.ageHours?.p50, 1 + 365 * 24);
});

test('opt-outs: a licence or a signal-based decision is a preference; per domain too', () => {
  const t = new FiguresTally(source, 0.8);
  const q = qualitySignals({ text: prose, language: 'en' });
  t.addRow(row({ domain: 'a.example' }), q);
  t.addRow(row({ domain: 'b.example', license: 'RSL https://b.example/license.xml' }), q);
  t.addRow(
    row({
      domain: 'c.example',
      usage_reasons: JSON.stringify({ train: 'allow:aipref:train-ai=y', input: 'allow:no-signal' }),
    }),
    q,
  );
  t.addRow(row({ domain: 'c.example', usage_reasons: 'not json' }), q);
  t.addExclusion({ excluded: 'purpose', reason: 'aipref:train-ai=n' });
  t.addExclusion({ excluded: 'purpose', reason: 'aipref:train-ai=n' });
  t.addExclusion({ excluded: 'duplicate', kind: 'near' });
  t.addExclusion({ excluded: 'duplicate', kind: 'exact' });
  t.addExclusion({ excluded: 'forged-step' });
  const f = t.figures(NOW);
  assert.equal(f.optOut.rowsWithPreference, 2);
  assert.equal(f.optOut.domainsWithPreference, 2);
  assert.deepEqual(f.optOut.byReason, [{ key: 'aipref:train-ai=n', n: 2 }]);
  assert.deepEqual(f.excluded, { purpose: 2, 'no-document': 0, language: 0, quality: 0, duplicate: 2 });
  assert.deepEqual(f.nearDuplicates, { threshold: 0.8, checked: 6, exact: 1, near: 1, rate: 2 / 6 });
  assert.equal(f.domains.unique, 3);
  assert.deepEqual(f.domains.top[0], { key: 'c.example', n: 2 });
});

test('quality: scores binned, presets counted; top lists end in "other"', () => {
  const t = new FiguresTally(source, 0.8);
  const good = qualitySignals({ text: prose, language: 'en' });
  const bad = qualitySignals({ text: 'Buy now. Great deals.', language: 'en' });
  for (let i = 0; i < 25; i++) t.addRow(row({ language: `l${i}` }), i < 20 ? good : bad);
  const f = t.figures(NOW);
  assert.equal(
    f.quality.bins.reduce((s, n) => s + n, 0),
    25,
  );
  assert.equal(f.quality.passing.c4, 20);
  assert.ok((f.quality.mean ?? 0) < 1);
  assert.equal(f.languages.length, 21, 'twenty shown, the rest as other');
  assert.deepEqual(f.languages.at(-1), { key: 'other', n: 5 });
  assert.equal(new FiguresTally(source, 1).figures(NOW).freshness.ageHours, null);
});
