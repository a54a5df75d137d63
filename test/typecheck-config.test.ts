// `npm run typecheck` checks each source once: the packages' sources in their own builds
// (packages/*/tsconfig.build.json), the tests, benches and scripts in the root program and the console in
// packages/web against the packages' declarations (project references), not against their sources again.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** The files a tsconfig includes itself, and the projects it references, repository-relative. */
function config(path: string): { files: string[]; references: string[] } {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(repo, path),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) =>
        assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    },
  );
  assert.ok(parsed, `${path} did not parse`);
  assert.deepEqual(parsed.errors, [], `${path} has errors`);
  return {
    files: parsed.fileNames.map((f) => relative(repo, f)),
    references: (parsed.projectReferences ?? []).map((r) => relative(repo, r.path)),
  };
}

const built = readdirSync(join(repo, 'packages'))
  .filter((p) => readdirSync(join(repo, 'packages', p)).includes('tsconfig.build.json'))
  .map((p) => `packages/${p}/tsconfig.build.json`);

test("the root program checks tests, benches and scripts, and reads the packages' sources as their builds' declarations", () => {
  const root = config('tsconfig.json');
  const sources = root.files.filter((f) => /^packages\/[^/]+\/src\//.test(f) && !f.endsWith('.test.ts'));
  assert.deepEqual(sources, [], 'package sources checked again in the root program');
  assert.ok(
    root.files.includes('test/typecheck-config.test.ts') && root.files.some((f) => f.startsWith('bench/')),
  );
  assert.deepEqual([...root.references].sort(), [...built].sort(), 'a package build is not referenced');
});

test("the console's program holds its own sources and reads the SDK's and core's declarations", () => {
  const web = config('packages/web/tsconfig.json');
  assert.ok(
    web.files.every((f) => f.startsWith('packages/web/src/')),
    `${web.files}`,
  );
  assert.deepEqual(web.references.sort(), [
    'packages/core/tsconfig.build.json',
    'packages/sdk/tsconfig.build.json',
  ]);
});

test('npm run typecheck builds the references it reads first (tsc -b), so it never checks against a stale dist/', () => {
  const { scripts } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  assert.equal(scripts.typecheck, 'tsc -b tsconfig.json packages/web/tsconfig.json');
});
