// Child process for the SIGKILL test: accepts fake captures and sequences them forever, printing each
// new tree size, until killed.
import { openStore } from '@sward/coordinator';
import { LogStore } from '../../packages/coordinator/src/log/log-store.js';
import { insertFakeCaptures } from './fake-captures.js';

const store = await openStore(process.argv[2] as string);
const log = new LogStore(store.db);
for (let round = 0; ; round++) {
  await insertFakeCaptures(store, 50 + (round % 7) * 31, `${process.pid}r${round}`);
  const head = await log.sequence(97 + round);
  if (head) process.stdout.write(`${head.size}\n`);
}
