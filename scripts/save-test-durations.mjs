#!/usr/bin/env node
// Writes scripts/test-durations.json, the test order a fresh clone starts with (test-order.mjs), from this
// clone's recorded durations. Run it after a full `npm test` on the reference machine (2 cores) when files
// were added or their times moved a lot, and commit the result.
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { committedDurationsText, readDurations } from './test-order.mjs';

const local = fileURLToPath(new URL('../node_modules/.cache/sward/test-durations.json', import.meta.url));
const durations = readDurations(local);
if (Object.keys(durations).length === 0) {
  console.error(`no recorded durations in ${local}: run npm test first`);
  process.exit(1);
}
const out = fileURLToPath(new URL('./test-durations.json', import.meta.url));
// keys are paths from the repository's root, wherever this runs from
writeFileSync(
  out,
  committedDurationsText(durations, (f) => existsSync(new URL(`../${f}`, import.meta.url))),
);
console.log(`wrote ${out} (${Object.keys(durations).length} files recorded)`);
