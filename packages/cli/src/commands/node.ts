import { formatFetchLogEntry, loadNodeConfig, type NodeConfig, readFetchLog, startNode } from '@sward/node';
import type { Command } from 'commander';
import { collect, intOption, writeJson } from '../options.js';
import { addNodeStatusCommand } from './rewards.js';

/** Where `sward node` writes; tests swap it. */
export interface NodeCommandIo {
  out(text: string): void;
  env: NodeJS.ProcessEnv;
}

const defaultIo: NodeCommandIo = { out: (t) => process.stdout.write(t), env: process.env };

interface NodeFlags {
  coordinator?: string;
  key?: string;
  config?: string;
  maxConcurrent?: number;
  bytesPerHour?: string;
  bytesPerDay?: string;
  activeHours?: string;
  activeHoursUtc?: boolean;
  allowDomain?: string[];
  denyDomain?: string[];
  allowPrivate?: boolean;
  logFile?: string;
  stateFile?: string;
  operator?: string;
  referralCode?: string;
}

/** Flags → config fields; absent flags stay undefined so env and the config file still apply. */
export function nodeConfigFromFlags(flags: NodeFlags, env: NodeJS.ProcessEnv): NodeConfig {
  return loadNodeConfig({
    configFile: flags.config,
    env,
    args: {
      coordinatorUrl: flags.coordinator,
      keyFile: flags.key,
      maxConcurrent: flags.maxConcurrent,
      bytesPerHour: flags.bytesPerHour,
      bytesPerDay: flags.bytesPerDay,
      activeHours: flags.activeHours,
      activeHoursTimeZone: flags.activeHoursUtc ? 'utc' : undefined,
      allowDomains: flags.allowDomain,
      denyDomains: flags.denyDomain,
      allowPrivate: flags.allowPrivate || undefined,
      logFile: flags.logFile,
      stateFile: flags.stateFile,
      operator: flags.operator,
      referralCode: flags.referralCode,
    },
  });
}

export function register(program: Command, io: NodeCommandIo = defaultIo): void {
  const node = program
    .command('node')
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
    .option('--operator <name>', 'operator name sent to the coordinator')
    .option('--referral-code <code>', 'referral code sent on first registration')
    .action(async (flags: NodeFlags) => {
      // A NodeError (bad config: exit 2; revoked, unreadable key: exit 1) goes to the one handler (run-cli.ts).
      const config = nodeConfigFromFlags(flags, io.env);
      const running = await startNode(config);
      io.out(
        `node ${running.id}${running.createdKey ? ' (new key)' : ''}\n` +
          `  coordinator ${config.coordinatorUrl}\n  key ${config.keyFile}\n  log ${config.logFile}\n`,
      );
      let signals = 0;
      const onSignal = () => {
        // First signal: finish in-flight fetches and report them. Second: leave now.
        if (++signals > 1) process.exit(130);
        io.out('stopping: finishing in-flight fetches (press Ctrl-C again to quit at once)\n');
        running.stop().catch(() => {});
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        await running.done;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });

  addNodeStatusCommand(node);

  node
    .command('log')
    .description('show what this node fetched (its local log, newest last)')
    .option('--tail <n>', 'only the last n entries', intOption)
    .option('--json', 'print the entries as one JSON array')
    .option('--log-file <file>', 'fetch log to read')
    .option('--config <file>', 'JSON config file naming the log file')
    .action(async (o: { tail?: number; json?: boolean; logFile?: string; config?: string }, cmd: Command) => {
      // `sward node` has --log-file/--config too, and commander gives them to the parent when both match.
      const parent = cmd.parent?.opts<NodeFlags>() ?? {};
      const configFile = o.config ?? parent.config;
      const file = loadNodeConfig({
        configFile,
        env: io.env,
        args: { logFile: o.logFile ?? parent.logFile },
      }).logFile;
      const entries = await readFetchLog(file, o.tail === undefined ? {} : { tail: o.tail });
      if (o.json) writeJson(entries, io.out);
      else if (entries.length === 0) io.out(`no fetches logged yet in ${file}\n`);
      else for (const e of entries) io.out(`${formatFetchLogEntry(e)}\n`);
    });
}
