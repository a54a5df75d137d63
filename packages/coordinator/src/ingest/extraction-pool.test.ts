import assert from 'node:assert/strict';
import { test } from 'node:test';
import { profilerFlags } from './extraction-pool.js';

test("extraction threads get the coordinator's --cpu-prof flags and nothing else of its command line", () => {
  assert.deepEqual(
    profilerFlags([
      '--import',
      '/bench/support-sqlite-count.mjs',
      '--cpu-prof',
      '--cpu-prof-dir',
      '/tmp/prof',
      '--cpu-prof-interval=500',
      '--max-old-space-size=512',
    ]),
    ['--cpu-prof', '--cpu-prof-dir', '/tmp/prof', '--cpu-prof-interval=500'],
  );
  assert.deepEqual(profilerFlags(['--import', 'tsx']), []);
});
