// The test runner's own parts (scripts/run-tests.mjs): files start longest first by the durations the
// previous runs recorded; the recorder reads the runner's events; the checks that run beside the tests
// report a failure with its output and fail the run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
// @ts-expect-error: plain JavaScript of the scripts folder, without type declarations
import { reportChecks, startChecks } from '../scripts/background-checks.mjs';
// @ts-expect-error: plain JavaScript of the scripts folder, without type declarations
import { groupFiles } from '../scripts/test-groups.mjs';
import {
  durationKey,
  guessMs,
  orderFiles,
  readDurations,
  readDurationsWithSeed,
  recordDurations,
  // @ts-expect-error: plain JavaScript of the scripts folder, without type declarations
} from '../scripts/test-order.mjs';
// @ts-expect-error: plain JavaScript of the scripts folder, without type declarations
import { cachedPath } from '../scripts/ts-loader/cache.mjs';
// @ts-expect-error: plain JavaScript of the scripts folder, without type declarations
import { warmCache } from '../scripts/ts-loader/warm.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'sward-runner-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('files start longest first; a file never timed goes by its guess, before timed files of the same', () => {
  const files = [
    'packages/core/src/a.test.ts',
    'packages/core/src/new.test.ts',
    'test/chaos-postgres-e2e.test.ts',
    'test/new-e2e.test.ts',
    'test/quick.test.ts',
    'test/slow.test.ts',
  ];
  const durations = {
    'packages/core/src/a.test.ts': 500,
    'test/chaos-postgres-e2e.test.ts': 80_000,
    'test/quick.test.ts': 1_000,
    'test/slow.test.ts': 20_000,
  };
  assert.deepEqual(orderFiles(files, durations), [
    'test/chaos-postgres-e2e.test.ts',
    'test/new-e2e.test.ts',
    'test/slow.test.ts',
    'packages/core/src/new.test.ts',
    'test/quick.test.ts',
    'packages/core/src/a.test.ts',
  ]);
  assert.equal(guessMs('test/new-e2e.test.ts'), 20_000);
  assert.equal(guessMs('test/quick.test.ts'), 8_000);
  assert.equal(guessMs('packages/core/src/new.test.ts'), 3_000);
  // nothing recorded: the guesses alone, the given order within each
  assert.deepEqual(orderFiles(['packages/x.test.ts', 'test/b.test.ts', 'test/a-e2e.test.ts'], {}), [
    'test/a-e2e.test.ts',
    'test/b.test.ts',
    'packages/x.test.ts',
  ]);
});

test("a group's duration is kept without its run's folder; a group never timed weighs what its members do", () => {
  const unit = 'node_modules/.cache/sward/test-groups/4242/core-1.test.mjs';
  assert.equal(durationKey(unit), 'node_modules/.cache/sward/test-groups/core-1.test.mjs');
  const durations = {
    'node_modules/.cache/sward/test-groups/core-1.test.mjs': 50_000,
    'test/x.test.ts': 30_000,
  };
  assert.deepEqual(orderFiles(['test/x.test.ts', unit], durations), [unit, 'test/x.test.ts']);
  const guess = (f: string) => (f === unit ? 40_000 : guessMs(f));
  assert.deepEqual(orderFiles(['test/y-e2e.test.ts', unit], {}, guess), [unit, 'test/y-e2e.test.ts']);
});

test("a package's unit test files share a process, a few groups each; a lone file keeps its own", () => {
  const dir = join(tmp, 'groups', 'run');
  const files = [
    'packages/core/src/a.test.ts',
    'packages/core/src/b.test.ts',
    'packages/core/src/c.test.ts',
    'packages/sdk/src/only.test.ts',
  ];
  const { paths, members } = groupFiles(files, dir, { perGroup: 2 });
  const core1 = join(dir, 'core-1.test.mjs');
  const core2 = join(dir, 'core-2.test.mjs');
  assert.deepEqual(paths, [core1, core2, 'packages/sdk/src/only.test.ts']);
  assert.deepEqual(members, {
    [core1]: ['packages/core/src/a.test.ts', 'packages/core/src/c.test.ts'],
    [core2]: ['packages/core/src/b.test.ts'],
  });
  assert.match(
    readFileSync(core1, 'utf8'),
    /packages\/core\/src\/a\.test\.ts[\s\S]*packages\/core\/src\/c\.test\.ts/,
  );
});

test('files of test/ are packed by their durations into groups of about a minute; a file that long runs alone', () => {
  const dir = join(tmp, 'groups', 'packed');
  const files = ['test/api.test.ts', 'test/b.test.ts', 'test/c.test.ts', 'test/d.test.ts', 'test/e.test.ts'];
  // e was never timed: it weighs its guess (8 s)
  const durations = {
    'test/api.test.ts': 70_000,
    'test/b.test.ts': 30_000,
    'test/c.test.ts': 20_000,
    'test/d.test.ts': 25_000,
  };
  const { paths, members } = groupFiles(files, dir, { endToEndMs: 60_000, durations });
  const [g1, g2] = [join(dir, 'test-1.test.mjs'), join(dir, 'test-2.test.mjs')];
  assert.deepEqual(paths, ['test/api.test.ts', g1, g2]);
  // longest first into the lighter group: 30 | 25, then 20 onto 25, then 8 onto 30
  assert.deepEqual(members, {
    [g1]: ['test/b.test.ts', 'test/e.test.ts'],
    [g2]: ['test/d.test.ts', 'test/c.test.ts'],
  });
  // nothing timed: guesses (20 s for an end-to-end file, 8 s otherwise) fill groups the same way
  const guessed = groupFiles(['test/x-e2e.test.ts', 'test/y.test.ts'], join(tmp, 'groups', 'guessed'), {
    endToEndMs: 60_000,
  });
  assert.equal(guessed.paths.length, 1);
  // one file left in a group runs as itself, without a group around it
  assert.deepEqual(groupFiles(['test/z.test.ts'], join(tmp, 'groups', 'one')).paths, ['test/z.test.ts']);
});

test("a grouped file's top-level hooks (before, after) run around its own tests, not the group's", () => {
  const root = join(tmp, 'hooks');
  const src = join(root, 'packages', 'p', 'src');
  mkdirSync(src, { recursive: true });
  // each file logs its hooks and tests in one list; the last test reads the list
  const hooked = (n: string) =>
    [
      "import { after, before, test } from 'node:test';",
      'const log = (globalThis.order ??= []);',
      `before(() => log.push('${n} before'));`,
      `after(() => log.push('${n} after'));`,
      `test('${n} runs', () => log.push('${n} test'));`,
    ].join('\n');
  writeFileSync(join(src, 'a.test.ts'), hooked('a'));
  writeFileSync(join(src, 'b.test.ts'), hooked('b'));
  writeFileSync(
    join(src, 'c.test.ts'),
    "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\n" +
      "test('order', () => assert.deepEqual(globalThis.order, ['a before', 'a test', 'a after', 'b before', 'b test', 'b after']));\n",
  );
  const files = ['a', 'b', 'c'].map((n) => `packages/p/src/${n}.test.ts`);
  const cwd = process.cwd();
  process.chdir(root);
  let paths: string[];
  try {
    ({ paths } = groupFiles(files, 'groups'));
  } finally {
    process.chdir(cwd);
  }
  assert.deepEqual(paths, [join('groups', 'p-1.test.mjs')], 'the files do not share a process');
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...paths], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_TEST_CONTEXT: undefined },
  });
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /^ {4}ok \d+ - order$/m);
});

test("a group runs every member's tests; one that fails to load fails by its name, the others still run", () => {
  const root = join(tmp, 'grouped');
  const src = join(root, 'packages', 'p', 'src');
  mkdirSync(src, { recursive: true });
  writeFileSync(
    join(src, 'one.test.ts'),
    "import { test } from 'node:test';\ntest('one passes', () => {});\n",
  );
  writeFileSync(join(src, 'broken.test.ts'), "throw new Error('broken at load');\n");
  writeFileSync(
    join(src, 'two.test.ts'),
    "import { test } from 'node:test';\ntest('two passes', () => {});\n",
  );
  const files = ['broken', 'one', 'two'].map((n) => `packages/p/src/${n}.test.ts`);
  const cwd = process.cwd();
  process.chdir(root);
  let paths: string[];
  try {
    ({ paths } = groupFiles(files, 'groups'));
  } finally {
    process.chdir(cwd);
  }
  assert.deepEqual(paths, [join('groups', 'p-1.test.mjs')]);
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...paths], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_TEST_CONTEXT: undefined },
  });
  assert.equal(r.status, 1, r.stdout);
  // each member is a suite named by its path, its tests one level in
  assert.match(r.stdout, /^ {4}ok \d+ - one passes$/m);
  assert.match(r.stdout, /^ {4}ok \d+ - two passes$/m);
  assert.match(r.stdout, /^ {4}not ok \d+ - file:\/\/\S+\/broken\.test\.ts loads$/m);
  assert.match(r.stdout, /broken at load/);
});

test("a run's durations are added to the recorded ones; broken lines and a broken file are passed over", () => {
  const file = join(tmp, 'cache', 'durations.json');
  assert.deepEqual(readDurations(file), {});
  recordDurations(file, '["test/a.test.ts",1200.4]\n["test/b.test.ts",300]\n');
  const all = recordDurations(file, '["test/a.test.ts",900]\n["test/c.te\n{"not":"a pair"}\n');
  assert.deepEqual(all, { 'test/a.test.ts': 900, 'test/b.test.ts': 300 });
  assert.deepEqual(readDurations(file), all);
  writeFileSync(file, '{ cut sh');
  assert.deepEqual(readDurations(file), {});
  writeFileSync(file, '[1, 2]');
  assert.deepEqual(readDurations(file), {});
});

test("a machine's own durations come first; a file it never timed takes the repository's seed, then a guess", () => {
  const own = join(tmp, 'seeded', 'own.json');
  const seed = join(tmp, 'seeded', 'seed.json');
  mkdirSync(join(tmp, 'seeded'), { recursive: true });
  writeFileSync(seed, JSON.stringify({ 'test/a.test.ts': 90_000, 'test/b.test.ts': 5_000 }));
  // a fresh clone: nothing of its own yet
  assert.deepEqual(readDurationsWithSeed(own, seed), { 'test/a.test.ts': 90_000, 'test/b.test.ts': 5_000 });
  writeFileSync(own, JSON.stringify({ 'test/b.test.ts': 7_000, 'test/c.test.ts': 1_000 }));
  const durations = readDurationsWithSeed(own, seed);
  assert.deepEqual(durations, { 'test/a.test.ts': 90_000, 'test/b.test.ts': 7_000, 'test/c.test.ts': 1_000 });
  // the seed's long file runs alone and first, not in a group by its guess
  const { paths } = groupFiles(
    ['test/a.test.ts', 'test/b.test.ts', 'test/c.test.ts', 'test/d.test.ts'],
    join(tmp, 'seeded', 'g'),
    { durations },
  );
  assert.deepEqual(orderFiles(paths, durations)[0], 'test/a.test.ts');
});

test("the runner fills the TypeScript hooks' cache for the whole tree first, once; the hooks read the same entries", async () => {
  const root = join(tmp, 'warm');
  mkdirSync(join(root, 'sub'), { recursive: true });
  const file = join(root, 'sub', 'typed.ts');
  const text = `export const n: number = 1;\nexport type T = { a: string };\n// ${Math.random()}\n`;
  writeFileSync(file, text);
  writeFileSync(join(root, 'sub', 'types.d.ts'), 'export type U = 1;\n');
  assert.equal(await warmCache([root]), 1, 'one source, declarations left out');
  const cached = cachedPath(file, text);
  assert.match(readFileSync(cached, 'utf8'), /^const n = 1;\nexport \{\n {2}n\n\};/);
  assert.equal(await warmCache([root]), 0, 'nothing to do the second time');
  // the hooks load it from there: a test process pays no transform
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      fileURLToPath(new URL('../scripts/ts-loader/register.mjs', import.meta.url)),
      '-e',
      `import(${JSON.stringify(pathToFileURL(file).href)}).then((m) => console.log(m.n))`,
    ],
    { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
  );
  assert.equal(r.stdout.trim(), '1', r.stderr);
});

/** `node --test <files>` in `cwd` with the durations recorder writing to `out`. */
function runRecorded(cwd: string, files: string[], out: string) {
  const reporter = fileURLToPath(new URL('../scripts/test-durations-reporter.mjs', import.meta.url));
  return spawnSync(
    process.execPath,
    [
      '--test',
      '--test-reporter=tap',
      '--test-reporter-destination=/dev/null',
      `--test-reporter=${reporter}`,
      `--test-reporter-destination=${out}`,
      ...files,
    ],
    // without the context this file's runner gives it, the inner runner would report to this one instead
    { cwd, encoding: 'utf8', env: { ...process.env, NODE_TEST_CONTEXT: undefined } },
  );
}

test("the recorder names each file the runner ran, with its time, from node's own runner events", () => {
  for (const name of ['one', 'two'])
    writeFileSync(
      join(tmp, `${name}.test.mjs`),
      `import { test } from 'node:test'; test('${name}', () => {}); test('${name} again', () => {});\n`,
    );
  const out = join(tmp, 'run.jsonl');
  const r = runRecorded(tmp, ['one.test.mjs', 'two.test.mjs'], out);
  assert.equal(r.status, 0, r.stderr);
  const lines = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(lines.map(([f]) => f).sort(), ['one.test.mjs', 'two.test.mjs']);
  for (const [, ms] of lines) assert.ok(typeof ms === 'number' && ms > 0, String(ms));
});

test('the recorder times each member of a group by its own path, so the next run can pack it anywhere', () => {
  const root = join(tmp, 'members');
  mkdirSync(join(root, 'test'), { recursive: true });
  for (const name of ['one', 'two'])
    writeFileSync(
      join(root, 'test', `${name}.test.ts`),
      `import { test } from 'node:test';\ntest('${name}', () => {});\n`,
    );
  const cwd = process.cwd();
  process.chdir(root);
  let paths: string[];
  try {
    ({ paths } = groupFiles(['test/one.test.ts', 'test/two.test.ts'], join('test-groups', '1'), {
      endToEndMs: 60_000,
    }));
  } finally {
    process.chdir(cwd);
  }
  assert.equal(paths.length, 1);
  const out = join(root, 'run.jsonl');
  const r = runRecorded(root, paths, out);
  assert.equal(r.status, 0, r.stderr);
  const timed = Object.fromEntries(
    readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)),
  );
  assert.deepEqual(Object.keys(timed).sort(), [
    'test-groups/test-1.test.mjs',
    'test/one.test.ts',
    'test/two.test.ts',
  ]);
  for (const ms of Object.values(timed)) assert.ok(typeof ms === 'number' && ms > 0, String(ms));
});

test('files run in the order given, not by name (`node --test <files>` sorts them); a failure exits 1', () => {
  const dir = join(tmp, 'order');
  mkdirSync(dir, { recursive: true });
  for (const name of ['a', 'b', 'c'])
    writeFileSync(
      join(dir, `${name}.test.mjs`),
      `import { test } from 'node:test'; test('${name} runs', () => {${name === 'b' ? " throw new Error('b fails');" : ''} });\n`,
    );
  const script = fileURLToPath(new URL('../scripts/run-test-files.mjs', import.meta.url));
  const runFiles = (...args: string[]) =>
    spawnSync(process.execPath, [script, ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NODE_TEST_CONTEXT: undefined },
    });
  const out = join(dir, 'run.jsonl');
  const r = runFiles('--concurrency=1', `--durations=${out}`, 'c.test.mjs', 'a.test.mjs', 'b.test.mjs');
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const ran = [...r.stdout.matchAll(/^(?:not )?ok \d+ - (\w) runs$/gm)].map((m) => m[1]);
  assert.deepEqual(ran, ['c', 'a', 'b']);
  const timed = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l)[0]);
  assert.deepEqual(timed, ['c.test.mjs', 'a.test.mjs', 'b.test.mjs']);
  const passing = runFiles('--timeout=60000', 'a.test.mjs', 'c.test.mjs');
  assert.equal(passing.status, 0, passing.stdout);
});

test('checks beside the tests: each result with its exit code and output; one failure fails the lot', async () => {
  const node = process.execPath;
  const results = await startChecks([
    ['passes', node, ['-e', 'console.log("fine")']],
    ['fails', node, ['-e', 'console.log("out"); console.error("what is wrong"); process.exit(3)']],
    ['missing', join(tmp, 'no-such-command'), []],
  ]);
  assert.deepEqual(
    results.map((r: { name: string; code: number }) => [r.name, r.code]),
    [
      ['passes', 0],
      ['fails', 3],
      ['missing', 1],
    ],
  );
  assert.equal(results[1].output, 'out\nwhat is wrong\n');
  let printed = '';
  assert.equal(
    reportChecks(results, (s: string) => {
      printed += s;
    }),
    false,
  );
  assert.match(printed, /^check passes: passed\ncheck fails: FAILED \(exit 3\)\nout\nwhat is wrong\n/);
  assert.match(printed, /check missing: FAILED \(exit 1\)\n.*ENOENT/);
  assert.equal(
    reportChecks([results[0]], () => undefined),
    true,
  );
});
