// Instructions per row of `sward verify` (in-process) against the raw ed25519 verify of the same captures,
// counted by valgrind's callgrind, which a busy machine does not change (wall clock on a shared machine does).
//
//   node --import tsx bench/verify-instructions.ts write DIR [--rows 2000] [--format 2]
//   node --import tsx bench/verify-instructions.ts count DIR [--reps 1,3]
//
// `count` runs `run` under callgrind once per repetition count (raw and verify alike) and reports
// (I(reps_b) - I(reps_a)) / ((reps_b - reps_a) * rows): start-up, compilation of the bench and the set-up
// before the loop cancel out, so what is left is what one more pass over the rows costs. Each process runs
// one warm-up pass first, so that the difference is of warmed-up code, and runs node --single-threaded,
// so that background compilation and GC threads do not make the count depend on timing. `run DIR raw|verify REPS` is the
// measured process (it can also be timed on its own).
import { execFileSync } from 'node:child_process';
import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SignedCapture } from '@sward/core';
import { verifyBundleDir } from '@sward/sdk';
import { benchOption as opt } from './support-args.js';
import { rawVerifyInputs, writeBundle } from './support-bundle.js';

const [cmd, dir, mode, repsArg] = process.argv.slice(2);
if (!dir) throw new Error('usage: verify-instructions.ts write|count|run DIR …');

if (cmd === 'write') {
  await writeBundle({ [Number(opt('format', '2'))]: dir }, Number(opt('rows', '2000')));
} else if (cmd === 'run') {
  await run(dir, mode as 'raw' | 'verify', Number(repsArg));
} else if (cmd === 'count') {
  count(dir, opt('reps', '1,3').split(',').map(Number) as [number, number]);
} else throw new Error(`unknown command ${cmd}`);

/** Warm-up pass, then `reps` passes of raw ed25519 verification or of verifyBundleDir in-process. */
async function run(dir: string, mode: 'raw' | 'verify', reps: number): Promise<void> {
  if (mode === 'raw') {
    const lines = readFileSync(join(dir, 'pages.jsonl'), 'utf8').split('\n').filter(Boolean);
    const caps = lines.map((l) => (JSON.parse(l) as { signedCapture: SignedCapture }).signedCapture);
    const { msgs, sigs, keys } = rawVerifyInputs(caps);
    for (let r = 0; r <= reps; r++)
      for (let i = 0; i < caps.length; i++)
        if (!cryptoVerify(null, msgs[i] as Buffer, keys[i] as KeyObject, sigs[i] as Buffer))
          throw new Error('raw verify failed');
    return;
  }
  for (let r = 0; r <= reps; r++) {
    const res = await verifyBundleDir(dir, [], { workers: 0 });
    if (res.failures.length) throw new Error(`verify failed: ${JSON.stringify(res.failures.slice(0, 3))}`);
  }
}

function instructions(dir: string, mode: string, reps: number): number {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-callgrind-'));
  const out = join(tmp, 'callgrind.out');
  try {
    execFileSync(
      'valgrind',
      [
        '--tool=callgrind',
        `--callgrind-out-file=${out}`,
        process.execPath,
        // Compilation and GC on the main thread: the same work, counted the same way on every run.
        '--single-threaded',
        '--import',
        'tsx',
        new URL(import.meta.url).pathname,
        'run',
        dir,
        mode,
        String(reps),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const summary = readFileSync(out, 'utf8').match(/^summary: (\d+)/m);
    if (!summary) throw new Error('no summary line in the callgrind output');
    return Number(summary[1]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function count(dir: string, [a, b]: [number, number]): void {
  const rows = readFileSync(join(dir, 'pages.jsonl'), 'utf8').split('\n').filter(Boolean).length;
  const per: Record<string, number> = {};
  for (const mode of ['raw', 'verify']) {
    const load = loadavg()[0]?.toFixed(2);
    const ia = instructions(dir, mode, a);
    const ib = instructions(dir, mode, b);
    per[mode] = (ib - ia) / ((b - a) * rows);
    process.stdout.write(
      `${mode}: I(${a})=${ia} I(${b})=${ib} → ${(per[mode] / 1e6).toFixed(3)} M instructions/row (load ${load})\n`,
    );
  }
  const ratio = (per.raw as number) / (per.verify as number);
  process.stdout.write(`raw / verify = ${(ratio * 100).toFixed(1)} % (goal ≥ 80 %)\n`);
}
