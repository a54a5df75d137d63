// The test runner's TypeScript hooks (scripts/ts-loader) and the environment tests give `sward` children.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundleEnv } from './support/processes.js';

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
