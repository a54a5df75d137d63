// What the order of the suite's files is worth: the runner's greedy schedule (a file starts when one of
// `concurrency` slots frees, in the order given), each file taking the time a full run recorded, for three
// orders: by name (what `node --test <files>` did), by the runner's guesses (a clone with no durations) and
// longest first by the recorded times. Read a durations file a full `npm test` left:
//   node --import tsx bench/test-schedule.ts node_modules/.cache/sward/test-durations.json [concurrency]
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error: plain JavaScript of the scripts folder, without type declarations
import { groupFiles } from '../scripts/test-groups.mjs';
// @ts-expect-error: plain JavaScript of the scripts folder, without type declarations
import { durationKey, guessMs, orderFiles } from '../scripts/test-order.mjs';

const [durationsPath, concurrencyArg = '2'] = process.argv.slice(2);
if (!durationsPath) throw new Error('usage: test-schedule.ts <test-durations.json> [concurrency]');
const durations = JSON.parse(readFileSync(durationsPath, 'utf8')) as Record<string, number>;
const slots = Number(concurrencyArg);

// the runner's own file list and groups (run-tests.mjs), the groups written to a folder of their own
const files: string[] = [];
const walk = (dir: string) => {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(p);
  }
};
walk('packages');
walk('test');
files.sort();
// where the runner writes its own (its run's folder there is its pid; this one's is the bench's)
const groupsDir = join('node_modules/.cache/sward/test-groups', `schedule-${process.pid}`);
const { paths: units, members } = groupFiles(files, groupsDir) as {
  paths: string[];
  members: Record<string, string[]>;
};
rmSync(groupsDir, { recursive: true, force: true });
const key = (unit: string) => durationKey(unit) as string;
const took = (unit: string) => durations[key(unit)] ?? 0;
const guess = (unit: string) =>
  members[unit]
    ? (members[unit] as string[]).reduce((s, f) => s + (guessMs(f) as number), 0)
    : (guessMs(unit) as number);

function makespan(order: string[]): number {
  const free = Array<number>(slots).fill(0);
  for (const unit of order) {
    const i = free.indexOf(Math.min(...free));
    free[i] = (free[i] as number) + took(unit);
  }
  return Math.max(...free);
}
const sum = units.reduce((s, u) => s + took(u), 0);
const s = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
console.log(`${units.length} units, ${s(sum)} of file time, ${slots} slots: lower bound ${s(sum / slots)}`);
console.log(
  `by name (node --test):     ${s(makespan([...units].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))))}`,
);
console.log(`by guesses (no durations): ${s(makespan(orderFiles(units, {}, guess)))}`);
console.log(`by recorded durations:     ${s(makespan(orderFiles(units, durations, guess)))}`);
