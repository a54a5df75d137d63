// A package's unit test files run in one process, a few groups per package, instead of one process each:
// every test process pays ~0.35 s of CPU to start tsx and up to ~1 s more to load the same modules through
// it again (measured: packages/core's 30 files 19.0 s of CPU alone, 6.6 s grouped; coordinator, extract
// and node 72.0 s, 42.5 s). The files of test/ keep a process each: they start coordinators, nodes and
// databases whose top-level `after` would wait for a whole group's end.
// SWARD_TEST_GROUPS=0 gives every file its own process again (to rule out one file disturbing another).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const UNIT = /^packages\/([^/]+)\/src\//;

/**
 * `files` (relative paths) as the runner should run them: unit test files of a package with two or more
 * of them become group files in `dir` (at most `perGroup` files each), the rest stay as they are. Returns
 * the paths to run and each group's members.
 */
export function groupFiles(files, dir, { perGroup = 20 } = {}) {
  const byPackage = new Map();
  const alone = [];
  for (const f of files) {
    const pkg = f.replaceAll('\\', '/').match(UNIT)?.[1];
    if (pkg) byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), f]);
    else alone.push(f);
  }
  const paths = [...alone];
  const members = {};
  rmSync(dir, { recursive: true, force: true });
  for (const [pkg, list] of byPackage) {
    if (list.length < 2) {
      paths.push(...list);
      continue;
    }
    mkdirSync(dir, { recursive: true });
    const count = Math.ceil(list.length / perGroup);
    for (let g = 0; g < count; g++) {
      // interleaved, so each group gets some of every folder (sorted paths put slow neighbours together)
      const part = list.filter((_, i) => i % count === g);
      const path = join(dir, `${pkg}-${g + 1}.test.mjs`);
      writeFileSync(path, groupSource(pkg, part));
      paths.push(path);
      members[path] = part;
    }
  }
  return { paths, members };
}

/**
 * Each member runs as a suite of its own: the hooks a file registers at its top level (after, before…) belong
 * to that suite, so they run around that file's tests. In the group's root they ran around the whole group's,
 * and one file's `after` (removing its temporary folder) ran while its own tests were still to come
 * (solana-online-check, fresh-clone CI, 2026-12-05).
 */
function groupSource(pkg, files) {
  const members = files.map((f) => [f.replaceAll('\\', '/'), pathToFileURL(resolve(f)).href]);
  return `// Written by scripts/run-tests.mjs (test-groups.mjs): unit test files of packages/${pkg} in one process.
import { describe, test } from 'node:test';
for (const [name, url] of ${JSON.stringify(members, null, 1)}) {
  describe(name, async () => {
    try {
      await import(url);
    } catch (e) {
      // a file that fails to load fails as a test of its own; the group's other files still run
      test(\`\${url} loads\`, () => {
        throw e;
      });
    }
  });
}
`;
}
