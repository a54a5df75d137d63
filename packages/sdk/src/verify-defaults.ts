// The pool defaults alone (@sward/sdk/verify-defaults): `sward verify --help` prints them, and the CLI's
// help must not load the verifier, core and zod to do so.
import { availableParallelism } from 'node:os';

/**
 * From this many rows a pool is on by default. Each worker loads zod and core (and tsx, from sources) before its first row
 * (0.7-1 s of CPU on the 2-core reference machine; this thread checks rows meanwhile), so below about
 * 10,000 rows a pool of 2 gained nothing there, and at 20,000 it was ~1.5x faster (bench/log-bench.ts).
 */
export const POOL_MIN_ROWS = 10_000;
export const DEFAULT_WORKERS = () => Math.min(availableParallelism(), 4);
