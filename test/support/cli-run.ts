import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { bundleEnv, SWARD_BIN } from './processes.js';

/** The environment of every run: nothing of the caller's SWARD_* settings leaks in. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = bundleEnv({ SWARD_LOG_LEVEL: 'warn' });
  for (const k of Object.keys(env)) if (k.startsWith('SWARD_')) delete env[k];
  return { ...env, SWARD_LOG_LEVEL: 'warn', ...extra };
}

export interface Run {
  code: number | null;
  out: string;
  err: string;
}

export function run(
  args: string[],
  opts: { env?: Record<string, string>; stdin?: string } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SWARD_BIN, ...args], {
      env: cleanEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out, err }));
    child.stdin.end(opts.stdin ?? '');
  });
}

/** One line on stderr, naming the command, matching `re`; no stack; nothing on stdout; the exit code. */
export function assertOneLineFailure(r: Run, exitCode: 1 | 2, command: string, re: RegExp): void {
  const detail = `exit ${r.code}\nstdout: ${r.out}\nstderr: ${r.err}`;
  assert.equal(r.code, exitCode, detail);
  assert.equal(r.out, '', detail);
  assert.ok(r.err.endsWith('\n'), detail);
  assert.equal(r.err.trimEnd().split('\n').length, 1, `one line on stderr\n${detail}`);
  assert.doesNotMatch(r.err, /^\s+at /m, detail);
  assert.ok(r.err.startsWith(`${command}: `), `names the command "${command}"\n${detail}`);
  assert.match(r.err, re, detail);
}

export type Case = [
  args: string[],
  exitCode: 1 | 2,
  command: string,
  re: RegExp,
  env?: Record<string, string>,
];
