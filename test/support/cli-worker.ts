// The worker thread of cli-in-process.ts: runs `sward` through the CLI's own main(), one run at a time,
// with the run's environment and everything the command writes to stdout and stderr kept for the answer.
// A worker, not the test's own thread: the test runner reports through the test process's stdout, and
// each thread has its own process.env.
import { parentPort } from 'node:worker_threads';
import { main } from '@sward/cli';

export interface CliRequest {
  id: number;
  args: string[];
  env: Record<string, string | undefined>;
}
export interface CliAnswer {
  id: number;
  code: number | null;
  out: string;
  err: string;
}

const port = parentPort;
if (!port) throw new Error('cli-worker.ts runs as a worker thread (see cli-in-process.ts)');

/** Puts `env` in place of this thread's environment (the main thread's is not touched). */
function setEnv(env: CliRequest['env']): void {
  for (const k of Object.keys(process.env)) delete process.env[k];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) process.env[k] = v;
}

const write = { out: process.stdout.write, err: process.stderr.write };
let queue = Promise.resolve();
port.on('message', (req: CliRequest) => {
  queue = queue.then(async () => {
    let out = '';
    let err = '';
    let code: number | null = null;
    const keep = (to: 'out' | 'err') =>
      ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
        if (to === 'out') out += text;
        else err += text;
        const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        done?.();
        return true;
      }) as typeof process.stdout.write;
    setEnv(req.env);
    process.stdout.write = keep('out');
    process.stderr.write = keep('err');
    try {
      await main([process.execPath, 'sward', ...req.args], {
        err: (t) => {
          err += t;
        },
        exit: (c) => {
          code = c;
        },
        env: process.env,
      });
      // a process whose command returned ends with 0 once nothing is left to do
      code ??= 0;
    } catch (e) {
      // what an unhandled rejection does to the process: its stack on stderr, exit 1
      err += `${(e as Error)?.stack ?? String(e)}\n`;
      code = 1;
    } finally {
      process.stdout.write = write.out;
      process.stderr.write = write.err;
    }
    port.postMessage({ id: req.id, code, out, err } satisfies CliAnswer);
  });
});
