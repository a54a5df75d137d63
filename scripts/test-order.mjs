// The order run-tests.mjs hands test files to node's runner, which starts them in that order as its slots
// free up: longest first, so the last file to start is a short one and both cores stay busy to the end
// (alphabetical order started the 80-second chaos test two thirds of the way in).
// Durations come from the previous runs on this machine (recordDurations); a file never timed is guessed
// from its place and name, and goes before timed files of the same guess, since a new file is often the
// one a change is about.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Milliseconds a file never timed is taken to need: end-to-end and PostgreSQL files are the long ones. */
export function guessMs(file) {
  const p = file.replaceAll('\\', '/');
  if (!p.startsWith('test/') && !p.includes('/test/')) return 3_000;
  return /e2e|postgres|chaos|console-|cli-|demo/.test(p) ? 20_000 : 8_000;
}

/**
 * The name a file's duration is kept under: its path, but a test group's (test-groups.mjs) without the
 * run's own folder, so the next run finds it.
 */
export const durationKey = (file) =>
  file.replaceAll('\\', '/').replace(/test-groups\/[^/]+\//, 'test-groups/');

/** What `file` weighs for order and packing: its recorded duration, or `guess`'s when it was never timed. */
export function weighMs(file, durations, guess = guessMs) {
  const known = durations[durationKey(file)];
  return typeof known === 'number' && known >= 0 ? known : guess(file);
}

/**
 * `files` (paths relative to the repository) ordered longest first; ties keep their given order. A file
 * never timed is guessed by `guess` (a group: the sum of its members' guesses).
 */
export function orderFiles(files, durations, guess = guessMs) {
  return files
    .map((file, i) => ({
      file,
      i,
      ms: weighMs(file, durations, guess),
      unknown: typeof durations[durationKey(file)] !== 'number',
    }))
    .sort((a, b) => b.ms - a.ms || Number(b.unknown) - Number(a.unknown) || a.i - b.i)
    .map((f) => f.file);
}

/** The durations recorded so far, {} when there are none or the file is unreadable. */
export function readDurations(path) {
  try {
    const d = JSON.parse(readFileSync(path, 'utf8'));
    return d && typeof d === 'object' && !Array.isArray(d) ? d : {};
  } catch {
    return {};
  }
}

/**
 * The durations to order and pack by: this machine's own (`own`), and for a file it never timed, as on a fresh
 * clone, the repository's `seed` (scripts/test-durations-seed.json: another machine's, so proportions more than
 * seconds). Without it a fresh clone packed by guesses: a 60-100 s file guessed at 8 s landed in a group of a
 * minute's guesses and ran last.
 */
export function readDurationsWithSeed(own, seed) {
  return { ...readDurations(seed), ...readDurations(own) };
}

/** Adds this run's durations (lines of JSON [file, ms] from the reporter) to the stored ones. */
export function recordDurations(path, runLines) {
  const all = readDurations(path);
  for (const line of runLines.split('\n')) {
    if (!line.trim()) continue;
    try {
      const [file, ms] = JSON.parse(line);
      if (typeof file === 'string' && typeof ms === 'number') all[file] = Math.round(ms);
    } catch {
      // a line cut short by a killed run: the other files still count
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(all, null, 1)}\n`);
  return all;
}
