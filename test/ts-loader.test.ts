// The test runner's TypeScript hooks (scripts/ts-loader) and the environment tests give `sward` children.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundleEnv, SOURCE_FLAGS } from './support/processes.js';

const hooks = new URL('../scripts/ts-loader/hooks.mjs', import.meta.url).href;
const register = new URL('../scripts/ts-loader/register.mjs', import.meta.url).href;

test("a .ts file's import of './x.js' is x.ts when only x.ts exists; anything else is left to node", async () => {
  const { resolve } = await import(hooks);
  const parent = new URL('./support/processes.ts', import.meta.url).href;
  const next = (specifier: string) => ({ url: `next:${specifier}` });
  const own = await resolve('./cli-run.js', { parentURL: parent }, next);
  assert.equal(
    own.url,
    new URL('./support/cli-run.ts', import.meta.url).href,
    'not mapped to the .ts source',
  );
  const pkg = await resolve('node:fs', { parentURL: parent }, next);
  assert.equal(pkg.url, 'next:node:fs', 'a bare specifier did not go to node');
  const missing = await resolve('./no-such-file.js', { parentURL: parent }, next);
  assert.equal(missing.url, 'next:./no-such-file.js', 'a missing file was not left to node to report');
});

test('a .ts file loads as an ES module with its types stripped; JavaScript goes to node untouched', async () => {
  const { load } = await import(hooks);
  const url = new URL('./support/processes.ts', import.meta.url).href;
  const next = (u: string) => ({ format: 'next', source: u });
  const ts = await load(url, {}, next);
  assert.equal(ts.format, 'module', 'a .ts file is not an ES module');
  assert.ok(String(ts.source).includes('function bundleEnv(extra = {})'), 'types were not stripped');
  const js = await load(hooks, {}, next);
  assert.equal(js.format, 'next', 'a JavaScript file did not go to node');
});

test("a sward child's environment has neither the runner's hooks nor its source condition", () => {
  const env = bundleEnv({
    NODE_OPTIONS: `--max-old-space-size=512 --conditions=source --import="${register}"`,
  });
  assert.equal(env.NODE_OPTIONS, '--max-old-space-size=512', `kept: ${env.NODE_OPTIONS}`);
});

const dir = mkdtempSync(join(tmpdir(), 'sward-ts-loader-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const recorder = new URL('./support/record-loads.mjs', import.meta.url).href;
const repo = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs test/support/source-workers.ts (a worker of each pool, from sources) with `flags` and NODE_OPTIONS
 * `options`, the recorder among them so that every thread records the modules it loads; returns those.
 */
function workerLoads(flags: string[], options: string[]): string[] {
  const file = join(dir, `loads-${Math.random().toString(36).slice(2)}.txt`);
  const env = {
    ...process.env,
    SWARD_RECORD_LOADS: file,
    NODE_OPTIONS: [...options, `--import=${recorder}`].join(' '),
  };
  const r = spawnSync(process.execPath, [...flags, 'test/support/source-workers.ts'], {
    cwd: repo,
    env,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'workers ready\n');
  const loads = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  // a worker's first module names its entry (the recorder, registered first, does not see the .ts files
  // that hooks registered after it load)
  for (const entry of ['coordinator/src/ingest/extraction-worker.ts', 'sdk/src/verify-worker.ts'])
    assert.ok(
      loads.some((u) => decodeURIComponent(u).includes(entry)),
      `${entry} was not recorded: the recorder missed the workers`,
    );
  return loads;
}

test("the pools' worker threads run the sources through the runner's hooks and load no tsx", () => {
  // as the runner starts a test file: the hooks in NODE_OPTIONS, which a worker reads again
  const inherited = workerLoads([], SOURCE_FLAGS);
  assert.deepEqual(
    inherited.filter((u) => u.includes('/node_modules/tsx/')),
    [],
    'a worker loaded tsx',
  );
  // as `node --import <register.mjs> file.ts` runs: the workers get none of the parent's flags, and register
  // the parent's hooks themselves
  const given = workerLoads(SOURCE_FLAGS, []);
  assert.deepEqual(
    given.filter((u) => u.includes('/node_modules/tsx/')),
    [],
    'a worker loaded tsx',
  );
  assert.equal(
    given.filter((u) => u.endsWith('/scripts/ts-loader/register.mjs')).length,
    3,
    "the process and each of its two workers did not register the runner's hooks once",
  );
});
