// What each publishable package ships: compiled ESM with type declarations and a README, no sources, no
// tests. And the SDK works in a plain JavaScript project: core and sdk are packed with `npm pack`, their
// tarballs unpacked into a temporary node_modules beside copies of the third-party packages they depend
// on (taken from this repository's install, so nothing is downloaded and no npm cache is read), and a
// plain `node` — no tsx, no "source" condition — imports @sward/sdk and checks a webhook signature.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { dependencyClosure, REPO } from './support/dependency-closure.js';

const PUBLISHED = ['core', 'extract', 'node', 'coordinator', 'sdk', 'cli', 'testsites'];
const dir = mkdtempSync(join(tmpdir(), 'sward-pack-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--ignore-scripts', '--json'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });

test('each package packs to dist/ JavaScript with declarations and a README, nothing else', () => {
  for (const p of PUBLISHED) {
    const [info] = JSON.parse(npm(['pack', '--dry-run'], join(REPO, 'packages', p))) as {
      files: { path: string }[];
    }[];
    const files = (info?.files ?? []).map((f) => f.path);
    for (const needed of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts'])
      assert.ok(files.includes(needed), `@sward/${p} does not pack ${needed}`);
    const stray = files.filter(
      (f) =>
        // the coordinator reads the labelling page and the built-in reference sample beside its modules
        !/^(package\.json|README\.md|bin\/[a-z-]+\.js|dist\/.+\.(js|d\.ts|js\.map)|labelling-page\/[a-z]+\.(html|js)|reference-sample\/(README\.md|sample\.json|excluded\.jsonl|data\/train-\d{5}\.parquet))$/.test(
          f,
        ),
    );
    assert.deepEqual(stray, [], `@sward/${p} packs files it should not`);
    assert.deepEqual(
      files.filter((f) => f.includes('.test.')),
      [],
      `@sward/${p} packs tests`,
    );
  }
});

test('the SDK imports and works under plain node from its packed tarballs', () => {
  const project = join(dir, 'project');
  const modules = join(project, 'node_modules');
  mkdirSync(modules, { recursive: true });
  for (const p of ['core', 'sdk']) {
    const [info] = JSON.parse(npm(['pack', '--pack-destination', dir], join(REPO, 'packages', p))) as {
      filename: string;
    }[];
    const into = join(modules, '@sward', p);
    mkdirSync(into, { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, info?.filename ?? ''), '--strip-components=1', '-C', into]);
  }
  const closure = [...dependencyClosure(join(REPO, 'packages/sdk')).values()];
  const thirdParty = closure.filter((d) => !relative(REPO, d.dir).startsWith('packages/'));
  const names = thirdParty.map((d) => d.json.name);
  assert.ok(!names.includes('tsx') && !names.includes('esbuild'), `the SDK still depends on tsx: ${names}`);
  for (const d of thirdParty)
    cpSync(d.dir, join(modules, d.json.name), { recursive: true, dereference: true });
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'plain', type: 'module', private: true }),
  );
  writeFileSync(
    join(project, 'check.js'),
    `import { signWebhook } from '@sward/core';
import { SwardClient, verifyWebhook } from '@sward/sdk';
const body = '{"changed":1}';
const now = 1_800_000_000;
const header = signWebhook('s3cret', body, now);
verifyWebhook('s3cret', body, header, { nowSec: now });
let refused = false;
try { verifyWebhook('s3cret', body + ' ', header, { nowSec: now }); } catch { refused = true; }
const client = new SwardClient({ url: 'http://127.0.0.1:9', apiKey: 'k' });
console.log(JSON.stringify({ refused, client: typeof client.createCrawl }));
`,
  );
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, ['check.js'], { cwd: project, env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { refused: true, client: 'function' });
  // Only what was unpacked: no source files came along.
  assert.deepEqual(readdirSync(join(modules, '@sward', 'sdk')).sort(), ['README.md', 'dist', 'package.json']);
});
