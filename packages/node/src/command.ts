// `sward node` and `sward-node`: one command definition for both. The sward CLI attaches it under
// `node`; bin/sward-node.js runs it as a program of its own, so an operator can install @sward/node
// alone. Everything but commander is imported inside the actions: `sward --help` loads this file.
import { Command, InvalidArgumentError } from 'commander';
import type { NodeConfig } from './config.js';
import type { NodeFlags } from './node-flags.js';
import { NODE_VERSION } from './version.js';

/** Where `sward node` writes; tests swap it. */
export interface NodeCommandIo {
  out(text: string): void;
  env: NodeJS.ProcessEnv;
}

const defaultIo: NodeCommandIo = { out: (t) => process.stdout.write(t), env: process.env };

// The same two option parsers as the sward CLI's options.ts (this package cannot import the CLI).
function intOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
  return n;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

async function fail(cmd: Command, e: unknown): Promise<never> {
  const { NodeError } = await import('./errors.js');
  if (!(e instanceof NodeError)) throw e;
  // A config mistake is a usage error (exit 2, said by runNodeCli's handler or the sward CLI's); a runtime
  // stop (revoked, unreadable key) just says why.
  if (e.code === 'CONFIG') cmd.error(e.message, { exitCode: 2 });
  process.stderr.write(`${commandPath(cmd)}: ${e.message}\n`);
  process.exit(1);
}

/** "sward-node", "sward node log": the words that ran `cmd`. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Adds the node daemon's options, action and `log` sub-command to `node`; returns it. */
export function configureNodeCommand(node: Command, io: NodeCommandIo = defaultIo): Command {
  node
    .description('run a Sward node: fetch public pages for the network, within the limits you set')
    .option('--coordinator <url>', 'coordinator base URL')
    .option('--key <file>', 'ed25519 key file (PEM); created with mode 0600 on first run')
    .option('--config <file>', 'JSON config file (flags > SWARD_NODE_* env > this file > defaults)')
    .option('--max-concurrent <n>', 'fetches at once (default 4)', intOption)
    .option('--bytes-per-hour <size>', 'cap over the last 60 minutes, e.g. 200MB (default unlimited)')
    .option('--bytes-per-day <size>', 'cap over the last 24 hours, e.g. 2GiB (default unlimited)')
    .option(
      '--active-hours <ranges>',
      'when to work, local time, e.g. 22:00-07:00,12:00-13:00 (default always)',
    )
    .option('--active-hours-utc', 'read --active-hours in UTC instead of local time')
    .option('--allow-domain <domain>', 'only fetch this domain and its sub-domains (repeatable)', collect)
    .option('--deny-domain <domain>', 'never fetch this domain or its sub-domains (repeatable)', collect)
    .option('--allow-private', 'allow private/loopback targets (tests and the demo only)')
    .option('--log-file <file>', 'local fetch log (JSONL)')
    .option('--state-file <file>', 'byte-cap counters, kept across restarts')
    .option(
      '--spool-dir <dir>',
      'finished captures waiting for the coordinator to accept them (default: spool/ beside --key)',
    )
    .option(
      '--operator-key <file>',
      "operator's ed25519 key (PEM), created on first run; give every node of yours the same one",
    )
    .option('--operator <name>', 'operator name, chosen once when the operator key first registers')
    .option('--referral-code <code>', "who referred you: taken at the operator's first registration only")
    .action(async (flags: NodeFlags, cmd: Command) => {
      // First: the young generation's size holds only from here on (lean-runtime.ts)
      const { useLeanRuntime } = await import('./lean-runtime.js');
      useLeanRuntime();
      const { nodeConfigFromFlags } = await import('./node-flags.js');
      const { startNode } = await import('./daemon.js');
      let config: NodeConfig;
      try {
        config = nodeConfigFromFlags(flags, io.env);
      } catch (e) {
        return await fail(cmd, e);
      }
      let running: Awaited<ReturnType<typeof startNode>>;
      try {
        running = await startNode(config);
      } catch (e) {
        return await fail(cmd, e);
      }
      io.out(
        `node ${running.id}${running.createdKey ? ' (new key)' : ''}\n` +
          `  coordinator ${config.coordinatorUrl}\n  key ${config.keyFile}\n  log ${config.logFile}\n`,
      );
      let signals = 0;
      const onSignal = () => {
        // First signal: finish in-flight fetches for a moment, upload, hand the rest back. Second: leave now.
        if (++signals > 1) process.exit(130);
        io.out('stopping: finishing in-flight fetches (press Ctrl-C again to quit at once)\n');
        // stop() is bounded (about 4 s); this bounds whatever else might hang. Unsent captures are spooled.
        setTimeout(() => process.exit(1), 4800).unref();
        running.stop().catch(() => {});
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        await running.done;
      } catch (e) {
        return await fail(cmd, e);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });

  node
    .command('log')
    .description('show what this node fetched (its local log, newest last)')
    .option('--tail <n>', 'only the last n entries', intOption)
    .option('--json', 'print the entries as one JSON array')
    .option('--log-file <file>', 'fetch log to read')
    .option('--config <file>', 'JSON config file naming the log file')
    .action(async (o: { tail?: number; json?: boolean; logFile?: string; config?: string }, cmd: Command) => {
      const { loadNodeConfig } = await import('./config.js');
      const { formatFetchLogEntry, readFetchLog } = await import('./fetch-log.js');
      // `sward node` has --log-file/--config too, and commander gives them to the parent when both match.
      const parent = cmd.parent?.opts<NodeFlags>() ?? {};
      const configFile = o.config ?? parent.config;
      let file: string;
      try {
        file = loadNodeConfig({
          configFile,
          env: io.env,
          args: { logFile: o.logFile ?? parent.logFile },
        }).logFile;
      } catch (e) {
        return await fail(cmd, e);
      }
      const entries = await readFetchLog(file, o.tail === undefined ? {} : { tail: o.tail });
      if (o.json) io.out(`${JSON.stringify(entries, null, 2)}\n`);
      else if (entries.length === 0) io.out(`no fetches logged yet in ${file}\n`);
      else for (const e of entries) io.out(`${formatFetchLogEntry(e)}\n`);
    });
  return node;
}

/**
 * `sward-node [options]`, `sward-node log`: the node daemon without the rest of the sward CLI; also what the
 * sward bin runs for `sward node` (then `name` is "sward node").
 */
export async function runNodeCli(argv: string[], name = 'sward-node'): Promise<void> {
  const program = configureNodeCommand(new Command(name)).version(NODE_VERSION);
  // As the sward CLI's handler does (README "Exit codes"): a usage error is one line naming the command,
  // exit 2, where commander printed "error: …", the whole help after it, and exited 1.
  let failedIn: Command = program;
  for (const c of [program, ...program.commands]) {
    c.exitOverride((e) => {
      failedIn = c;
      throw e;
    });
    c.configureOutput({ outputError: () => {} });
  }
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('commander.')) throw err;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') process.exit(0);
    const path = commandPath(failedIn);
    const message = String((err as Error).message).replace(/^error: /, '');
    process.stderr.write(`${path}: ${message}${code === 'commander.error' ? '' : ` (see ${path} --help)`}\n`);
    process.exit(2);
  }
}
