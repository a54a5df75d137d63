// Checks that run beside the tests (`npm test`: type-check, dependency rooms) instead of before them: most
// test files spend much of their time waiting (on child processes, PostgreSQL, polls), which leaves CPU
// idle; the checks take it at the lowest priority, so they slow the tests down as little as they can.
// Their output is kept and printed once they end, so it never interleaves with the tests' report.
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';

/**
 * Starts each [name, command, args] at once and resolves, when all have ended, with each one's name,
 * exit code and output (stdout and stderr in order).
 */
export function startChecks(checks, { nice = 19 } = {}) {
  return Promise.all(
    checks.map(
      ([name, command, args]) =>
        new Promise((resolve) => {
          const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
          try {
            if (nice && child.pid) setPriority(child.pid, nice);
          } catch {
            // not allowed here (a container may refuse it): the check runs at normal priority
          }
          let output = '';
          child.stdout.on('data', (d) => {
            output += d;
          });
          child.stderr.on('data', (d) => {
            output += d;
          });
          child.once('error', (e) => resolve({ name, code: 1, output: `${output}${e.message}\n` }));
          child.once('close', (code, signal) =>
            resolve({ name, code: code ?? 1, output: signal ? `${output}killed by ${signal}\n` : output }),
          );
        }),
    ),
  );
}

/** Prints each check's result; true when every one passed. */
export function reportChecks(results, write = (s) => process.stdout.write(s)) {
  let ok = true;
  for (const r of results) {
    if (r.code === 0) write(`check ${r.name}: passed\n`);
    else {
      ok = false;
      write(`check ${r.name}: FAILED (exit ${r.code})\n${r.output}`);
    }
  }
  return ok;
}
