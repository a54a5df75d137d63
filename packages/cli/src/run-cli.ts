import { inspect } from 'node:util';
import type { Command } from 'commander';
import { type FailureContext, failureLine, redactSecrets, toCliError } from './cli-error.js';
import { dbLocation } from './options.js';

/** Where the handler writes and how it leaves; tests swap it. */
export interface RunIo {
  err(text: string): void;
  exit(code: number): void;
  env: NodeJS.ProcessEnv;
}

const defaultIo: RunIo = {
  err: (t) => process.stderr.write(t),
  exit: (code) => process.exit(code),
  env: process.env,
};

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function allCommands(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(allCommands)];
}

/**
 * Parses argv and runs the command, with the one error handler of the CLI: every failure, commander's
 * usage errors included, becomes one line on stderr ("sward <command>: what is wrong and what to do")
 * and an exit status (0 success, 1 failure, 2 usage error). `--debug` or SWARD_DEBUG=1 adds the stack.
 */
export async function runCli(program: Command, argv: string[], io: RunIo = defaultIo): Promise<void> {
  program.option('--debug', 'on failure, print the stack trace too (or set SWARD_DEBUG=1)');
  let failedIn: Command = program;
  for (const c of allCommands(program)) {
    // commander would print its own "error: …" line and exit; throw instead so the handler below speaks.
    c.exitOverride((e) => {
      failedIn = c;
      throw e;
    });
    c.configureOutput({ outputError: () => {} });
  }
  program.hook('preAction', (_root, action) => {
    failedIn = action;
  });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    // --help and --version end the parse through the same path; they are not failures.
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return io.exit(0);
    // A command group run without a subcommand: commander already printed its help on stderr.
    if (code === 'commander.help') return io.exit(2);
    const opts = failedIn.optsWithGlobals<{ db?: unknown; debug?: boolean }>();
    const hasDb = failedIn.options.some((o) => o.long === '--db');
    const ctx: FailureContext = {
      command: commandPath(failedIn),
      db: hasDb ? dbLocation(typeof opts.db === 'string' ? opts.db : undefined, io.env) : undefined,
    };
    const e = toCliError(err, ctx);
    io.err(`${failureLine(e, ctx)}\n`);
    if (opts.debug || argv.includes('--debug') || io.env.SWARD_DEBUG === '1')
      io.err(`${redactSecrets(inspect(err, { depth: 6 }))}\n`);
    io.exit(e.exitCode);
  }
}
