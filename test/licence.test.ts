// The repository says what it is licensed under and what it bundles: LICENSE is the full Apache License 2.0
// text that package.json names, and every data set in testdata/ is listed in NOTICE and has a README with
// its licence.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

test('LICENSE is the full Apache License 2.0 that package.json names', () => {
  assert.equal(JSON.parse(read('package.json')).license, 'Apache-2.0');
  const text = read('LICENSE');
  assert.match(text, /^\s*Apache License\s+Version 2\.0, January 2004/);
  // all nine sections and the end marker: the whole text, not a pointer to it
  for (let s = 1; s <= 9; s++) assert.match(text, new RegExp(`^\\s*${s}\\. \\S`, 'm'), `section ${s}`);
  assert.match(text, /END OF TERMS AND CONDITIONS/);
});

test('every testdata folder is in NOTICE and has a README with a licence line', () => {
  const notice = read('NOTICE');
  const sets = readdirSync(join(ROOT, 'testdata')).filter((d) =>
    statSync(join(ROOT, 'testdata', d)).isDirectory(),
  );
  assert.ok(sets.length > 0, 'testdata/ holds no data set');
  for (const set of sets) {
    assert.match(notice, new RegExp(`^testdata/${set}$`, 'm'), `NOTICE does not list testdata/${set}`);
    const readme = join(ROOT, 'testdata', set, 'README.md');
    assert.ok(existsSync(readme), `testdata/${set} has no README.md`);
    assert.match(
      readFileSync(readme, 'utf8'),
      /^\*\*Licen[cs]e:\*\* \S/m,
      `testdata/${set}/README.md has no licence line`,
    );
  }
});
