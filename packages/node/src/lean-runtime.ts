import { setFlagsFromString } from 'node:v8';

/**
 * Called first by `sward node` / `sward-node`, before the daemon's modules load: V8 flags that V8 reads at
 * run time, so the node sets them itself, with no environment variable or node option for the operator to
 * set (docs/BENCHMARKS.md, "Bundled bins" and issue #14's node memory section).
 *
 * - `--liftoff-only`: undici parses HTTP with llhttp compiled to WebAssembly; V8 compiles it at once with its
 *   baseline compiler (Liftoff) and then again, optimised, on background threads, which holds 20-35 MB of
 *   compiler memory for several seconds on a busy machine and was most of the idle node's RSS swing (73-88
 *   MiB, issue #11). The baseline code parses a node's few requests fast enough. Read when a module is
 *   compiled.
 * - `--semi-space-growth-factor=1`: the young generation stays at its initial 1 MiB semi-spaces (2 MiB in
 *   all) instead of doubling up to 16 MiB semi-spaces (32 MiB) as objects survive: loading the daemon's
 *   modules alone grew it to 8 MiB, a crawl to 16-32. A node's live set is a few fetches in flight, so a
 *   small young generation is collected often but cheaply. The same as starting node with
 *   `--max-semi-space-size=1`, which V8 reads only when the process starts; this one is read at every
 *   growth, so it holds from here on: hence before the daemon's modules load.
 * - `--max-opt=1`: JavaScript goes no further than V8's baseline compiler (Sparkplug), never to TurboFan,
 *   for the same reason as `--liftoff-only`. A node's JavaScript arranges I/O; its CPU per page is
 *   ed25519, hashing, sockets and files. TurboFan never stopped compiling in a crawl: 1.4-1.5 M of a node's
 *   3.9-4.4 M instructions per page in pages 300-600 and still in pages 1,500-1,800 (callgrind,
 *   bench/node-callgrind.ts), where running the same JavaScript as baseline code costs +0.74 M; and its
 *   compiler zones and optimised code were ~7 MiB of a busy node's peak RSS (docs/BENCHMARKS.md, session
 *   13, nodes). Read at every tier-up decision, so it holds for all the daemon's code.
 */
export function useLeanRuntime(): void {
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--max-opt=1');
}
