// Runs `sward …args` (the repository's bin) with a probe preloaded (`node --import PROBE`) that writes what it
// found to the file named by SWARD_PROBE_OUT just before the command exits; returns that text. The probe:
// young-generation-probe.mjs (what V8 flags the bin set for a command).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../packages/cli/bin/sward.js', import.meta.url));

export function probeBin(probe: string, nodeFlags: string[], args: string[], status: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'sward-bin-probe-'));
  try {
    const out = join(dir, 'probe.txt');
    const env: NodeJS.ProcessEnv = { ...process.env, SWARD_PROBE_OUT: out };
    delete env.NODE_OPTIONS;
    const r = spawnSync(process.execPath, [...nodeFlags, '--import', probe, bin, ...args], {
      env,
      encoding: 'utf8',
    });
    assert.equal(r.status, status, r.stderr);
    return readFileSync(out, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
