import { loadNodeConfig, type NodeConfig } from './config.js';

/** The flags of `sward node` / `sward-node`, as commander parses them. */
export interface NodeFlags {
  coordinator?: string;
  key?: string;
  operatorKey?: string;
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
  spoolDir?: string;
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
      operatorKeyFile: flags.operatorKey,
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
      spoolDir: flags.spoolDir,
      operator: flags.operator,
      referralCode: flags.referralCode,
    },
  });
}
