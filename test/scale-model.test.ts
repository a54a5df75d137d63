import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runScaleModel } from '../bench/scale-sim.js';

const doc = readFileSync(new URL('../docs/SCALE.md', import.meta.url), 'utf8');
const fmt = (n: number) => n.toLocaleString('en');

// docs/SCALE.md quotes the simulation; if the model changes, the page must change with it.
test('the shard count docs/SCALE.md quotes for scenario C comes out of the simulation', () => {
  const r = runScaleModel({ statementsPerPage: 8, pgStatementsPerS: 100_000 });
  assert.equal(r.onePgPagesPerS, 12_500);
  assert.equal(r.shardsByArithmetic, 23);
  assert.equal(r.shardsNeeded, 23);
  assert.equal(r.politeBoundPerMin, 14_322_099);
  // table cells may be padded to align the columns
  const row = doc.split('\n').find((l) => l.startsWith('| C:'));
  const cells = row?.split('|').map((c) => c.trim());
  assert.deepEqual(cells?.slice(2, 8), ['8', '100,000', '12,500 pages/s', '7,500 pages/s', '23', '**23**']);
  assert.ok(doc.includes(`**${fmt(r.politeBoundPerMin)} pages a minute**`));
});

test('too few hosts: politeness alone keeps the target out of reach, as the page says', () => {
  const r = runScaleModel({ statementsPerPage: 8, pgStatementsPerS: 100_000, hosts: 400_000 });
  assert.equal(r.shardsNeeded, 0, 'no shard count reaches 10M pages a minute');
  assert.ok(r.politeBoundPerMin < 10_000_000);
  assert.ok(doc.includes(`**${fmt(r.politeBoundPerMin)}**`));
});
