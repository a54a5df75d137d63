// Test files share processes: every test process pays ~0.4 s of CPU to start and ~1.5 s more to load the
// coordinator's sources through the TypeScript hooks (measured 2026-12-07: a file importing @sward/coordinator
// 1.4 s wall, 2.0 CPU-s; an empty one 0.55 CPU-s), so a file's process costs more than many a file's tests.
// - A package's unit test files: a few groups a package, interleaved (packages/core's 30 files 19.0 s of CPU
//   alone, 6.6 s grouped).
// - The files of test/: packed by their recorded durations into groups of about `endToEndMs` each, longest
//   first into the lightest group, so no group runs much longer than the longest file; a file as long as that
//   runs alone. Each member is a suite of its own, so its top-level `after` (stopping its coordinators and
//   databases) runs when its own tests end, not at the group's end. Files run one after another in a group;
//   the runner's concurrency (3) keeps the cores busy while one waits on a child or a timer.
// SWARD_TEST_GROUPS=0 gives every file its own process again (to rule out one file disturbing another).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { weighMs } from './test-order.mjs';

const UNIT = /^packages\/([^/]+)\/src\//;

/**
 * `files` (relative paths) as the runner should run them: unit test files of a package with two or more
 * of them become group files in `dir` (at most `perGroup` files each); files of test/ are packed into groups
 * of about `endToEndMs` by `durations` (the recorded ones; a file never timed weighs its guess); a lone file
 * stays as it is. Returns the paths to run and each group's members.
 */
export function groupFiles(files, dir, { perGroup = 20, endToEndMs = 60_000, durations = {} } = {}) {
  const byPackage = new Map();
  const endToEnd = [];
  const alone = [];
  for (const f of files) {
    const p = f.replaceAll('\\', '/');
    const pkg = p.match(UNIT)?.[1];
    if (pkg) byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), f]);
    else if (p.startsWith('test/')) endToEnd.push(f);
    else alone.push(f);
  }
  const paths = [...alone];
  const members = {};
  rmSync(dir, { recursive: true, force: true });
  const write = (name, part) => {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${name}.test.mjs`);
    writeFileSync(path, groupSource(name, part));
    paths.push(path);
    members[path] = part;
  };
  for (const [pkg, list] of byPackage) {
    if (list.length < 2) {
      paths.push(...list);
      continue;
    }
    const count = Math.ceil(list.length / perGroup);
    // interleaved, so each group gets some of every folder (sorted paths put slow neighbours together)
    for (let g = 0; g < count; g++)
      write(
        `${pkg}-${g + 1}`,
        list.filter((_, i) => i % count === g),
      );
  }
  const weighed = endToEnd
    .map((file) => ({ file, ms: weighMs(file, durations) }))
    .sort((a, b) => b.ms - a.ms);
  const long = weighed.filter((w) => w.ms >= endToEndMs);
  paths.push(...long.map((w) => w.file));
  const rest = weighed.filter((w) => w.ms < endToEndMs);
  const total = rest.reduce((sum, w) => sum + w.ms, 0);
  const bins = Array.from({ length: Math.ceil(total / endToEndMs) }, () => ({ ms: 0, files: [] }));
  // longest first into the lightest group (LPT): the groups end up within one file of each other
  for (const w of rest) {
    const bin = bins.reduce((a, b) => (b.ms < a.ms ? b : a));
    bin.ms += w.ms;
    bin.files.push(w.file);
  }
  bins.forEach((bin, i) => {
    if (bin.files.length === 1) paths.push(bin.files[0]);
    else if (bin.files.length > 1) write(`test-${i + 1}`, bin.files);
  });
  return { paths, members };
}

/**
 * Each member runs as a suite of its own: the hooks a file registers at its top level (after, before…) belong
 * to that suite, so they run around that file's tests. In the group's root they ran around the whole group's,
 * and one file's `after` (removing its temporary folder) ran while its own tests were still to come
 * (solana-online-check, fresh-clone CI, 2026-12-05).
 */
function groupSource(name, files) {
  const members = files.map((f) => [f.replaceAll('\\', '/'), pathToFileURL(resolve(f)).href]);
  return `// Written by scripts/run-tests.mjs (test-groups.mjs): test files of ${name} in one process.
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
