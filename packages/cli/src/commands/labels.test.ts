import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/sward.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sward-labels-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function sward(args: string[], stdin: string) {
  const r = spawnSync(process.execPath, [bin, 'labels', 'aggregate', ...args], {
    input: stdin,
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// Two reliable workers and one who always disagrees; the header is in a different column order.
const labels = [
  'worker,label,task',
  ...['t1', 't2', 't3', '"t,4"'].flatMap((t, i) => {
    const y = i % 2 ? 'yes' : 'no';
    const n = i % 2 ? 'no' : 'yes';
    return [`a,${y},${t}`, `b,${y},${t}`, `c,${n},${t}`];
  }),
].join('\n');

test('labels aggregate --method ds writes task,label,confidence in input task order', () => {
  const r = sward(['--method', 'ds'], labels);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.equal(lines[0], 'task,label,confidence');
  assert.deepEqual(
    lines.slice(1).map((l) => l.replace(/,[0-9.e-]+$/, '')),
    ['t1,no', 't2,yes', 't3,no', '"t,4",yes'],
  );
  for (const l of lines.slice(1)) assert.ok(Number(l.split(',').at(-1)) > 0.5);
});

// Each spawn loads the whole CLI (~1 s or more), so one method goes through here; aggregate.test.ts in the
// library runs all of them.
test('--workers writes accuracies and --gold fixes tasks and adds gold scores', () => {
  const gold = join(dir, 'gold.csv');
  const workers = join(dir, 'workers.csv');
  writeFileSync(gold, 'task,label\nt1,no\nt2,yes\n');
  const r = sward(['--method', 'mace', '--gold', gold, '--workers', workers], labels);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^task,label,confidence\nt1,no,1\nt2,yes,1\n/);
  const rows = readFileSync(workers, 'utf8').trim().split('\n');
  assert.equal(rows[0], 'worker,accuracy,answers,gold_answers,gold_accuracy');
  const byWorker = Object.fromEntries(rows.slice(1).map((l) => [l.split(',')[0], l.split(',')]));
  // c answered 4 tasks, 2 of them gold, none right; a is rated above c.
  assert.deepEqual(byWorker.c?.slice(2), ['4', '2', '0']);
  assert.ok(Number(byWorker.a?.[1]) > Number(byWorker.c?.[1]));
});

test('a malformed row fails with its line number and no output', () => {
  const r = sward([], 'task,worker,label\nt1,a,x\nt2,b\n');
  assert.equal(r.code, 1);
  assert.equal(r.out, '');
  assert.match(r.err, /line 3: expected 3 fields, found 2/);
});
