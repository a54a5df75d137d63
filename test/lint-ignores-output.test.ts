// What the demo, crawls, benches and tests write must never be linted (nor committed): biome follows
// .gitignore through biome.json's `vcs` settings. A badly formatted JSON file is put in every output folder
// and biome, with the repository's own config, must pass over it; the same file at a path .gitignore does
// not name must fail, which proves biome really looked.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIOME = join(ROOT, 'node_modules', '.bin', 'biome');
const BAD_JSON = '{"a":1,   "b":[1,2]}';

// The folders written by `sward demo` (sward-out/demo/nodes/*/state.json), `sward crawl` (sward-out),
// `sward coordinator`/`keys`/`rewards` (sward-data), a node whose home is here (.sward), the README's
// `--out out/`, and the benches' --json default (bench/out).
const OUTPUT_DIRS = ['sward-out/demo/nodes/probe', 'sward-data', '.sward/node', 'out', 'bench/out'];

function biome(files: string[]) {
  // --no-errors-on-unmatched: a path biome ignores is "unmatched"; that is the success we look for.
  return spawnSync(BIOME, ['check', '--no-errors-on-unmatched', ...files], { cwd: ROOT, encoding: 'utf8' });
}

/** Creates dir (and its missing parents) and returns a cleanup that removes only what it created. */
function makeDir(rel: string): () => void {
  const parts = rel.split('/');
  let created: string | null = null;
  for (let i = 1; i <= parts.length; i++) {
    const p = join(ROOT, ...parts.slice(0, i));
    if (!existsSync(p)) {
      created = p;
      break;
    }
  }
  mkdirSync(join(ROOT, rel), { recursive: true });
  return () => {
    if (created) rmSync(created, { recursive: true, force: true });
  };
}

test('biome skips every output folder named in .gitignore and still checks other paths', (t) => {
  const probe = `lint-probe-${process.pid}.json`;
  const cleanups: (() => void)[] = [];
  t.after(() => {
    for (const c of cleanups.reverse()) c();
  });
  const ignored: string[] = [];
  for (const dir of OUTPUT_DIRS) {
    cleanups.push(makeDir(dir));
    const file = `${dir}/${probe}`;
    writeFileSync(join(ROOT, file), BAD_JSON);
    cleanups.push(() => rmSync(join(ROOT, file), { force: true }));
    ignored.push(file);
  }
  for (const file of ignored) {
    const r = biome([file]);
    assert.equal(
      r.status,
      0,
      `biome checked ${file}, which .gitignore should keep out:\n${r.stdout}${r.stderr}`,
    );
  }

  // Control: the same bytes where .gitignore says nothing.
  const controlDir = `lint-probe-${process.pid}`;
  cleanups.push(makeDir(controlDir));
  const control = `${controlDir}/state.json`;
  writeFileSync(join(ROOT, control), BAD_JSON);
  const r = biome([control]);
  assert.notEqual(r.status, 0, `biome passed a badly formatted ${control}; is it running at all?`);
  assert.match(`${r.stdout}${r.stderr}`, /lint-probe-\d+\/state\.json/);
});
