import { setFlagsFromString } from 'node:v8';

/**
 * Called by `sward node` / `sward-node` before the daemon opens its first connection. undici parses HTTP
 * with llhttp compiled to WebAssembly; V8 compiles it at once with its baseline compiler (Liftoff) and then
 * again, optimised, on background threads, which holds 20-35 MB of compiler memory for several seconds on a
 * busy machine and was most of the idle node's RSS swing (73-88 MiB, issue #11; docs/BENCHMARKS.md). The
 * baseline code parses a node's few requests fast enough, so the daemon keeps it. Wasm flags are read
 * when a module is compiled, so setting them here, after start-up, takes effect: no environment
 * variable or node option for the operator to set.
 */
export function useLeanRuntime(): void {
  setFlagsFromString('--liftoff-only');
}
