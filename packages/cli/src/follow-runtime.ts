import { setFlagsFromString } from 'node:v8';

/**
 * Called before `sward crawl` submits its job and follows it (minutes of one small request every 250 ms):
 * keeps WebAssembly on V8's baseline compiler from then on: fetch parses HTTP with llhttp compiled to
 * WebAssembly, which V8 compiles at once with Liftoff and then again, optimised, on background threads,
 * whose compiler memory the process keeps (the same reason `sward node` sets it,
 * packages/node/src/lean-runtime.ts). Measured on the crawl bench's command (docs/BENCHMARKS.md, session 14):
 * 60 MiB resident while following against 78-86 without, and the output phase's CPU unchanged (8.6-9.3 s
 * against 9.3 for 2,000 pages). The flag is read when a module is compiled, so it stays on for the output
 * phase, whose requests the baseline code parses as well.
 *
 * Not `--max-opt=1` for the JavaScript as well: set for following and back to 999 after, it left the output
 * phase's functions unoptimised (the phase's CPU 1.6-1.9× in the same bench), and saved no memory Liftoff did not.
 */
export function followLean(): void {
  setFlagsFromString('--liftoff-only');
}
