// `npm run eval` (bench/eval.ts): refuses to run without its data, names a missing subfolder, and prints one
// table covering every set it was given. The fixture links the repository's own subsets in the layout of the
// full eval folder (the wcxb-dev subset stands in for wcxb-test here; the held-out sets are not in the repo).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkEvalDir, formatTable, runEval } from '../bench/eval.js';
import { SOURCE_FLAGS } from './support/processes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TESTDATA = join(ROOT, 'testdata');

function fixture(parts: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sward-eval-'));
  for (const [name, target] of Object.entries(parts))
    symlinkSync(join(TESTDATA, target), join(dir, name), 'dir');
  return dir;
}

test('without --data the eval exits 2 and says what to give', () => {
  const env = { ...process.env };
  delete env.SWARD_EVAL_DIR;
  const r = spawnSync(process.execPath, [...SOURCE_FLAGS, join(ROOT, 'bench/eval.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--data DIR/);
});

test('a missing subfolder is named in one line', () => {
  const dir = fixture({ 'article-extraction': 'article-extraction', 'wcxb-dev': 'wcxb-dev', crowd: 'crowd' });
  try {
    assert.throws(() => checkEvalDir(dir), { message: `missing wcxb-test/ in eval data folder ${dir}` });
    mkdirSync(join(dir, 'wcxb-test'));
    // present but empty: the loader names what is missing inside it
    assert.throws(() => runEval(dir), /no html\/ folder in .*wcxb-test/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('one table: extraction per set and per page type, every crowd set, anchors beside ours', () => {
  const dir = fixture({
    'article-extraction': 'article-extraction',
    'wcxb-dev': 'wcxb-dev',
    'wcxb-test': 'wcxb-dev',
    crowd: 'crowd',
  });
  try {
    const rows = runEval(dir);
    const row = (set: string) => {
      const r = rows.find((x) => x.set === set);
      assert.ok(r, `no row for ${set} in ${rows.map((x) => x.set).join(', ')}`);
      return r;
    };
    assert.equal(row('article-extraction').n, '37 pages');
    assert.match(row('article-extraction').anchors, /rs-trafilatura 0\.970/);
    assert.match(row('wcxb-test').anchors, /rs-trafilatura 0\.893, Trafilatura 0\.833/);
    assert.equal(row('wcxb-test').split, 'held out');
    for (const type of ['article', 'collection', 'documentation', 'forum', 'listing', 'product', 'service'])
      assert.equal(row(`  wcxb-dev ${type}`).n, '4 pages');
    for (const set of ['welinder2010-bluebirds']) {
      assert.equal(row(`crowd ${set}`).split, 'dev');
      assert.match(row(`crowd ${set}`).details, /MV \d\.\d{3}/);
    }
    // DS on bluebirds: 97 of 108 gold tasks (the crowd gate's measured figure)
    assert.equal(row('crowd welinder2010-bluebirds').sward, '0.898');
    const table = formatTable(rows);
    assert.equal(table.split('\n').length, rows.length + 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
