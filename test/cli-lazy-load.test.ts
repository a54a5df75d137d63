// `sward --help`, `sward --version` and `sward-node --help` run the compiled JavaScript and load only
// commander and the command descriptions: every command imports its heavy modules inside its action.
// The child runs without the test runner's NODE_OPTIONS (tsx, the "source" condition), as a user's would,
// with a module hook that records each module it loads.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const recorder = fileURLToPath(new URL('./support/record-loads.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sward-lazy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a bin under the recorder; returns its stdout and the repository-relative paths it loaded. */
function loads(bin: string, args: string[]): { stdout: string; modules: string[] } {
  const file = join(dir, `loads-${Math.random().toString(36).slice(2)}.txt`);
  const env: NodeJS.ProcessEnv = { ...process.env, SWARD_RECORD_LOADS: file };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, ['--import', recorder, join(repo, bin), ...args], {
    env,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const modules = readFileSync(file, 'utf8')
    .split('\n')
    .filter((u) => u.startsWith('file://'))
    .map((u) => fileURLToPath(u).slice(repo.length));
  return { stdout: r.stdout, modules };
}

/** Modules under packages/ that the help may load: the entry, the error handler, the command files and their constants. */
const LIGHT = [
  /^packages\/cli\/(bin\/sward\.js|dist\/(index|main|options|summary|run-cli|cli-error)\.js|dist\/commands\/[a-z-]+\.js)$/,
  /^packages\/node\/(bin\/sward-node\.js|dist\/(command|version)\.js)$/,
  /^packages\/coordinator\/dist\/labels\/inference\/label-methods\.js$/,
  /^packages\/sdk\/dist\/verify-defaults\.js$/,
];

function assertLight(modules: string[]): void {
  const packageNames = new Set(
    modules
      .filter((m) => m.includes('node_modules/'))
      .map((m) => {
        const rest = m.slice(m.lastIndexOf('node_modules/') + 'node_modules/'.length).split('/');
        return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
      }),
  );
  assert.deepEqual([...packageNames], ['commander'], `third-party packages loaded: ${[...packageNames]}`);
  const ours = modules.filter((m) => m.startsWith('packages/'));
  const heavy = ours.filter((m) => !LIGHT.some((re) => re.test(m)));
  assert.deepEqual(heavy, [], 'modules loaded that belong inside an action');
  assert.ok(!ours.some((m) => m.includes('/src/')), 'ran TypeScript sources instead of dist/');
}

test('sward --help loads commander and the command files only, from dist/', () => {
  const { stdout, modules } = loads('packages/cli/bin/sward.js', ['--help']);
  assert.match(stdout, /Usage: sward/);
  assert.match(stdout, /\bcrawl\b/);
  assert.ok(modules.includes('packages/cli/dist/main.js'), 'the compiled CLI ran');
  assertLight(modules);
});

test('sward --version and the help of a command are as light', () => {
  const version = loads('packages/cli/bin/sward.js', ['--version']);
  assert.equal(version.stdout.trim(), '0.1.0');
  assertLight(version.modules);
  const verify = loads('packages/cli/bin/sward.js', ['verify', '--help']);
  assert.match(verify.stdout, /--workers/);
  assertLight(verify.modules);
});

test('sward-node --help loads only its command file', () => {
  const { stdout, modules } = loads('packages/node/bin/sward-node.js', ['--help']);
  assert.match(stdout, /Usage: sward-node/);
  assert.match(stdout, /--max-concurrent/);
  assertLight(modules);
  assert.deepEqual(modules.filter((m) => m.startsWith('packages/')).sort(), [
    'packages/node/bin/sward-node.js',
    'packages/node/dist/command.js',
    'packages/node/dist/version.js',
  ]);
});

test('a command still loads what it needs when it runs', () => {
  // The other side of the structural check: extract's action imports @sward/extract when it runs.
  const html = join(dir, 'page.html');
  writeFileSync(html, '<html><body><article><p>Hello there, lazy world.</p></article></body></html>');
  const { stdout, modules } = loads('packages/cli/bin/sward.js', ['extract', html, '--format', 'text']);
  assert.match(stdout, /lazy world/);
  assert.ok(modules.includes('packages/extract/dist/index.js'), 'extract ran from dist/');
});
