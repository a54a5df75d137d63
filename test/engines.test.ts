// The Node versions Sward supports are declared once, in the root package.json's engines.node. Every
// runtime dependency of every publishable package (optional features included) must accept all of them,
// or `npm install` warns EBADENGINE and a user on a supported Node gets a package that refuses it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import semver from 'semver';
import { dependencyClosure, REPO, readPackageJson } from './support/dependency-closure.js';

const PUBLISHED = ['core', 'extract', 'node', 'coordinator', 'sdk', 'cli', 'testsites'];
const declared = readPackageJson(REPO).engines?.node ?? '';

test('the supported Node versions are declared, and this Node is one of them', () => {
  assert.ok(semver.validRange(declared), `root engines.node is not a semver range: "${declared}"`);
  assert.ok(semver.satisfies(process.version, declared), `${process.version} is outside "${declared}"`);
  for (const p of PUBLISHED) {
    // One place: a package that declares its own range would drift from the root's.
    assert.equal(
      readPackageJson(join(REPO, 'packages', p)).engines,
      undefined,
      `packages/${p} declares engines`,
    );
  }
});

test('every runtime dependency accepts every supported Node version', () => {
  const refusing = new Map<string, string>();
  let checked = 0;
  for (const p of PUBLISHED) {
    for (const dep of dependencyClosure(join(REPO, 'packages', p), { optionalPeers: true }).values()) {
      const range = dep.json.engines?.node;
      if (!range) continue;
      checked++;
      if (!semver.subset(declared, range, { includePrerelease: false }))
        refusing.set(`${dep.json.name}@${dep.json.version}`, `needs node ${range} (via ${dep.via})`);
    }
  }
  assert.ok(
    checked > 20,
    `only ${checked} installed dependencies declare engines: is node_modules installed?`,
  );
  assert.deepEqual(Object.fromEntries(refusing), {}, `declared: ${declared}`);
});

test('no installed package, dev tools included, refuses a supported Node (npm would warn EBADENGINE)', () => {
  const refusing: string[] = [];
  const walk = (modules: string): void => {
    for (const name of readdirSync(modules)) {
      if (name.startsWith('.')) continue;
      const dir = join(modules, name);
      if (name.startsWith('@')) {
        walk(dir);
        continue;
      }
      if (!existsSync(join(dir, 'package.json'))) continue;
      const json = readPackageJson(dir);
      const range = json.engines?.node;
      if (range && !semver.subset(declared, range)) refusing.push(`${json.name}@${json.version} (${range})`);
      if (existsSync(join(dir, 'node_modules'))) walk(join(dir, 'node_modules'));
    }
  };
  walk(join(REPO, 'node_modules'));
  assert.deepEqual(refusing, [], `declared: ${declared}`);
});
