// Child process for the log-peers test: one real coordinator (its own process, pool and sequencer) on a
// shared database and data folder, accepting fake captures in rounds while its peers do the same, then
// flushing the log. Prints the number of captures it accepted as its last line.
import { startCoordinator } from '@sward/coordinator';
import { pino } from 'pino';
import { insertFakeCaptures } from './fake-captures.js';

const [db, dataDir, anchorFile, tag, roundsText] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const co = await startCoordinator({
  processMetrics: false,
  db,
  dataDir,
  anchor: { kind: 'file', path: anchorFile },
  collections: { refresh: false },
  // Short turns and frequent checkpoints: peers contend for the log writer lock many times per second.
  sequenceMs: 5,
  checkpoints: { everyLeaves: 40, everyMs: 30 },
  log: pino({ level: 'silent' }),
});
let accepted = 0;
for (let round = 0; round < Number(roundsText); round++) {
  const n = 11 + ((round * 7) % 23);
  await insertFakeCaptures(co.store, n, `${tag}r${round}`);
  accepted += n;
  await new Promise((r) => setTimeout(r, round % 4));
}
await co.flushLog();
await co.close();
process.stdout.write(`${accepted}\n`);
