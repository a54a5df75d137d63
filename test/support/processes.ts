import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const SWARD_BIN = new URL('../../packages/cli/bin/sward.js', import.meta.url).pathname;

/**
 * Node's flags for a child that runs one of the repository's TypeScript files: the "source" condition and the
 * test runner's hooks (scripts/ts-loader). Under the runner its NODE_OPTIONS name the same hooks by the same
 * URL, so they load once; `--import tsx` beside them cost each child ~0.75 CPU-s more (two loaders).
 */
export const SOURCE_FLAGS = [
  '--conditions=source',
  `--import=${new URL('../../scripts/ts-loader/register.mjs', import.meta.url).href}`,
];

/**
 * The environment of a `sward` child: the caller's, without the test runner's "source" condition and its
 * TypeScript hooks (scripts/ts-loader; tsx when a caller set it), so the child runs the compiled bundle as
 * a user's would (scripts/run-tests.mjs rebuilds it before the suite). Under tsx a child spends 0.3-3 s compiling the sources again, which cost the suite minutes.
 */
export function bundleEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  const options = (env.NODE_OPTIONS ?? '')
    .split(/\s+(?=--)/)
    .filter(
      (o) =>
        o !== '' &&
        o !== '--conditions=source' &&
        !/^--import[= ]"?[^ ]*(tsx|ts-loader\/register\.mjs)/.test(o),
    );
  if (options.length) env.NODE_OPTIONS = options.join(' ');
  else delete env.NODE_OPTIONS;
  return env;
}

export interface Proc {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first match of `re` in the output, waiting up to `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `sward <args>` as a real child process. */
export function sward(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [SWARD_BIN, ...args], {
    env: bundleEnv({ SWARD_LOG_LEVEL: 'warn', SWARD_NODE_LOG_LEVEL: 'warn', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: (() => void)[] = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    output: () => out,
    exited,
    async waitFor(re, ms = 60_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = out.match(re);
        if (m) return m;
        if (child.exitCode !== null)
          throw new Error(`process exited (${child.exitCode}) before ${re}:\n${out}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}:\n${out}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

/**
 * Starts `sward node` for a loopback test site: its key, fetch log and byte-cap state live in `dir`
 * (node.key, log.jsonl, state.json), and --allow-private lets it reach 127.0.0.1.
 */
export function swardNode(coordinatorUrl: string, dir: string, env: Record<string, string> = {}): Proc {
  return sward(swardNodeArgs(coordinatorUrl, dir), env);
}

/** `sward coordinator` on the SQLite file `db` at `port`, no delay between one host's fetches (a loopback test site). */
export function swardCoordinatorArgs(db: string, port: number): string[] {
  return ['coordinator', '--db', db, '--port', String(port), '--host-delay-ms', '0'];
}

/** The arguments of `sward node` that swardNode starts, for a caller that starts the process its own way. */
export function swardNodeArgs(coordinatorUrl: string, dir: string): string[] {
  return [
    'node',
    '--coordinator',
    coordinatorUrl,
    '--key',
    join(dir, 'node.key'),
    '--log-file',
    join(dir, 'log.jsonl'),
    '--state-file',
    join(dir, 'state.json'),
    '--allow-private',
  ];
}
