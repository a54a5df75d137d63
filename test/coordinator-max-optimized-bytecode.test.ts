// `sward coordinator` sets V8's --max-optimized-bytecode-size=2048 before anything loads
// (packages/cli/bin/sward.js): TurboFan leaves its few huge functions (the lease scheduler's leasePages, the
// extractor's readMetadata and detectPageType, ingest's commitBatches), which it compiled two to four times a
// crawl at the highest cost a compile, to the baseline tiers (docs/BENCHMARKS.md, session 18, jit). The command
// is stopped by a config error right after its modules load; a probe preloaded into it calls a function of
// ~3 KiB of bytecode until V8 optimises it or gives up, and says which.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { probeBin } from './support/bin-probe.js';

const probe = fileURLToPath(new URL('./support/tiering-probe.mjs', import.meta.url));

/** Runs `sward …args` under the probe: was a hot function of ~3 KiB of bytecode optimised? */
function bigFunctionOptimised(nodeFlags: string[], args: string[], status: number): boolean {
  const text = probeBin(probe, nodeFlags, args, status);
  assert.match(text, /^(not )?optimised$/, text);
  return text === 'optimised';
}

const BAD_CONFIG = ['coordinator', '--sqlite-cache-mib', '0'];

test('sward coordinator leaves a function of ~3 KiB of bytecode to the baseline tiers', () => {
  assert.equal(bigFunctionOptimised([], BAD_CONFIG, 2), false);
});

test("other commands, and an operator's own limit, keep V8's (the probe's function is optimised)", () => {
  assert.equal(bigFunctionOptimised([], ['--version'], 0), true);
  assert.equal(bigFunctionOptimised(['--max-optimized-bytecode-size=61440'], BAD_CONFIG, 2), true);
});
