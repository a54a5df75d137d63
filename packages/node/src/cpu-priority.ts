import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** Where Linux lists a process's threads; another system sets one priority for the whole process. */
const TASKS = '/proc/self/task';

/**
 * Lowers this process's CPU priority to `nice` (0-19; 0 leaves it as it is), every thread of it: a node is
 * a guest on its operator's machine, so the operator's own work, and on one box the coordinator it feeds,
 * come first, and the node takes what CPU is left (docs/BENCHMARKS.md, session 21, slots). Never raises a
 * priority (that needs privilege, and an operator who started the node lower meant it).
 *
 * On Linux a priority belongs to each thread, and `os.setPriority(0, n)` changes only the calling one; the
 * threads already running (V8's compiler and GC helpers, libuv's pool once used) are set one by one, and
 * threads started later inherit their creator's. Returns how many threads were lowered.
 */
export function lowerCpuPriority(nice: number): number {
  if (nice <= 0) return 0;
  let threads: number[];
  try {
    threads = readdirSync(TASKS).map(Number);
  } catch {
    threads = [0]; // no /proc: one priority for the process
  }
  let lowered = 0;
  for (const tid of threads) {
    try {
      if (getPriority(tid) >= nice) continue;
      setPriority(tid, nice);
      lowered++;
    } catch {
      // a thread that ended since the listing
    }
  }
  return lowered;
}
