// Tests, scripts and benches read nothing outside the repository (DESIGN.md): no source under packages/,
// test/, scripts/ or bench/ may name the shared folder beside the repository, nor locate a file relative to
// itself (`new URL('../…', import.meta.url)`, `import.meta.dirname`) above the repository's root. Data
// belongs in testdata/. Relative strings elsewhere are data (a path-traversal probe in a tampered bundle).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const SCANNED = ['packages', 'test', 'scripts', 'bench'];
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs|json)$/;
// Built from parts so this file does not match itself.
const FORBIDDEN = [['..', 'shared'].join('/'), ['', 'work', 'shared'].join('/')];
// A quoted relative path: '../x', "../../y", `..`.
const RELATIVE = /(['"`])((?:\.\.\/)+[^'"`\s]*|\.\.)\1/g;

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (SOURCE.test(name)) out.push(p);
  }
  return out;
}

/** Every problem in one file's text, as "file:line: what". */
export function outsidePaths(file: string, text: string): string[] {
  const problems: string[] = [];
  const rel = relative(ROOT, file);
  text.split('\n').forEach((line, i) => {
    for (const f of FORBIDDEN) if (line.includes(f)) problems.push(`${rel}:${i + 1}: names ${f}`);
    if (!line.includes('import.meta')) return;
    for (const m of line.matchAll(RELATIVE)) {
      const target = resolve(dirname(file), m[2] as string);
      if (target !== ROOT && !target.startsWith(ROOT + sep))
        problems.push(`${rel}:${i + 1}: ${m[2]} leaves the repository (${target})`);
    }
  });
  return problems;
}

test('no test, script or bench names a path outside the repository', () => {
  const self = fileURLToPath(import.meta.url);
  const problems = SCANNED.flatMap((d) => sources(join(ROOT, d)))
    .filter((f) => f !== self) // its own examples below
    .flatMap((f) => outsidePaths(f, readFileSync(f, 'utf8')));
  assert.deepEqual(problems, []);
});

test('the check catches both kinds', () => {
  const file = join(ROOT, 'packages', 'x', 'src', 'a.test.ts');
  const shared = ['..', 'shared'].join('/');
  assert.equal(outsidePaths(file, `const d = '${shared}/eval';`).length, 1);
  assert.deepEqual(outsidePaths(file, "new URL('../../../../outside/', import.meta.url)"), [
    `packages/x/src/a.test.ts:1: ../../../../outside/ leaves the repository (${resolve(ROOT, '..', 'outside')})`,
  ]);
  assert.deepEqual(outsidePaths(file, "new URL('../../../testdata/', import.meta.url)"), []);
});
