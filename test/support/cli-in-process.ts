import { Worker } from 'node:worker_threads';
import { cleanEnv, type Run } from './cli-run.js';
import type { CliAnswer, CliRequest } from './cli-worker.js';

export interface InProcessCli {
  /** `sward <args>` as cli-run.ts's run() answers it, run by main() on the worker. */
  run(args: string[], opts?: { env?: Record<string, string> }): Promise<Run>;
  close(): Promise<void>;
}

/**
 * `sward` run in this process, on a worker thread that loads the CLI once for all its runs: a child
 * process loads it again each time (0.1-1 CPU-s a run; the SDK and core alone ~0.3). For tests of what a
 * command does and prints; what the process itself does (its exit, what reaches its stderr from the real
 * bin) keeps a real `sward` child in each file (cli-run.ts). Runs take turns; each gets the environment
 * cleanEnv() gives a child. Commands that log through pino or read stdin are not for this.
 */
export function inProcessCli(): InProcessCli {
  // anything written around main() (not by a run) is kept to explain a failure
  let stray = '';
  const waiting = new Map<number, { resolve(r: Run): void; reject(e: Error): void }>();
  let next = 0;
  const failAll = (e: Error) => {
    for (const w of waiting.values()) w.reject(new Error(`${e.message}\n${stray}`, { cause: e }));
    waiting.clear();
  };
  // started by the first run: a file whose commands come late (or never run) loads nothing before
  let worker: Worker | undefined;
  const start = (): Worker => {
    const w = new Worker(new URL('./cli-worker.ts', import.meta.url), { stdout: true, stderr: true });
    w.stdout.on('data', (d) => {
      stray += d;
    });
    w.stderr.on('data', (d) => {
      stray += d;
    });
    w.on('message', ({ id, code, out, err }: CliAnswer) => {
      waiting.get(id)?.resolve({ code, out, err });
      waiting.delete(id);
    });
    w.on('error', failAll);
    w.on('exit', (code) => failAll(new Error(`the CLI worker exited (${code})`)));
    return w;
  };
  return {
    run(args, opts = {}) {
      const id = next++;
      worker ??= start();
      const w = worker;
      // no run pending: the worker does not keep the test process alive
      w.ref();
      return new Promise<Run>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        w.postMessage({ id, args, env: cleanEnv(opts.env) } satisfies CliRequest);
      }).finally(() => {
        if (waiting.size === 0) w.unref();
      });
    },
    async close() {
      await worker?.terminate();
    },
  };
}
