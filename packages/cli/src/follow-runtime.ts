import { setFlagsFromString } from 'node:v8';

/**
 * Runs `follow` (submitting a crawl and polling it until it is done: minutes of one small request every
 * 250 ms) with V8 kept off its optimising compilers, then lets the output phase's JavaScript optimise again.
 * Measured on the crawl bench's command (docs/BENCHMARKS.md, session 14, mem): 57 MiB resident while
 * following against 65-66 without, and no 78-86 MiB spike at its first requests.
 *
 * - `--liftoff-only`: fetch parses HTTP with llhttp compiled to WebAssembly, which V8 compiles at once with
 *   its baseline compiler and then again, optimised, on background threads, whose compiler memory the
 *   process keeps (the same reason `sward node` sets it, packages/node/src/lean-runtime.ts). Read when a
 *   module is compiled; left on for the output phase, whose requests the baseline code parses as well.
 * - `--max-opt=1`: the polling loop's JavaScript stays baseline (Sparkplug) code; TurboFan's compile zones
 *   are malloc'd on V8's platform threads and stay resident. Read at every tier-up decision, so setting it
 *   back to V8's default (999: any tier) holds from then on, also when `follow` throws (the CLI also runs
 *   in a test's own process).
 */
export async function followLean<T>(follow: () => Promise<T>): Promise<T> {
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--max-opt=1');
  try {
    return await follow();
  } finally {
    setFlagsFromString('--max-opt=999');
  }
}
