import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureFalseFlags } from '../bench/support-false-flags.js';
import { defaultSpotCheckConfig } from '../packages/coordinator/src/spot-check/config.js';

test('honest nodes fetching a changing news site (render time, rotating ads, new articles, redesigns) are never charged', async () => {
  const run = await measureFalseFlags({
    articles: 20,
    rounds: 3,
    similarity: defaultSpotCheckConfig.similarity,
  });
  assert.equal(run.pages, 21 + 23 + 25, 'home and articles, two more articles each round');
  assert.deepEqual(
    [run.current.disagreements, run.current.charged],
    [0, 0],
    `${run.current.comparisons} comparisons, lowest similarity ${run.current.lowest}`,
  );
  // the same fetches judged as before (all visible text; a tie-break always charged the original)
  assert.ok(run.previous.charged > 0, 'the previous comparison charged honest nodes on this site');
});
