import type { SwardClient } from '@sward/sdk';
import { InvalidArgumentError } from 'commander';
import { CliError } from './cli-error.js';
import { isPostgresUrl } from './db-location.js';

/** `--max-age`: a duration like 30m, 1h or 7d (the coordinator checks its bound of 366 days). */
export function maxAgeOption(value: string): string {
  const v = value.trim();
  if (!/^\d{1,6}(s|m|h|d)$/.test(v))
    throw new InvalidArgumentError(`expected a duration like 30m, 1h or 7d, got "${value}"`);
  return v;
}

export const MAX_AGE_HELP =
  'take pages from the archive when a capture this young (30m, 1h, 7d) allows the purpose, instead of fetching them';

export function intOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
  return n;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

// Values that may come from the environment are read when the command runs, never given to commander as
// option defaults: commander prints defaults in --help, and these can be secrets (an API key, a
// postgres:// URL with its password). The help text names the variable instead.

export const DEFAULT_COORDINATOR_URL = 'http://127.0.0.1:8080';
export const DEFAULT_DB = 'sward-data/sward.db';

/** Help text of --coordinator. */
export const COORDINATOR_HELP = `coordinator URL (env SWARD_COORDINATOR, default ${DEFAULT_COORDINATOR_URL})`;
/** Help text of --api-key: the value itself is never shown. */
export const API_KEY_HELP = 'customer API key (env SWARD_API_KEY)';
/** Help text of --db. */
export const DB_HELP = `SQLite file path or postgres:// URL (env SWARD_DB, default ${DEFAULT_DB})`;

/** --coordinator > SWARD_COORDINATOR > the local default. */
export function coordinatorUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag || env.SWARD_COORDINATOR || DEFAULT_COORDINATOR_URL;
}

/** --api-key > SWARD_API_KEY; a command that talks to a coordinator cannot run without one. */
export function apiKey(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const key = flag || env.SWARD_API_KEY;
  if (!key)
    throw new CliError(
      'USAGE',
      'no API key: pass --api-key or set SWARD_API_KEY (a coordinator prints its first key when it starts)',
    );
  return key;
}

/**
 * The SDK's client for the coordinator the flags (or environment) name, with the API key they give. The
 * SDK loads on first use, so `sward --help` loads none of it.
 */
export async function sdkClient(
  o: { coordinator?: string; apiKey?: string },
  fetch?: (url: string, init: RequestInit) => Promise<Response>,
): Promise<SwardClient> {
  const url = coordinatorUrl(o.coordinator);
  const key = apiKey(o.apiKey);
  // The client alone: the SDK's index also loads the bundle verifier and every wire schema (~35 MiB resident),
  // which a command following a job for minutes (`sward crawl`) would hold for nothing.
  const { SwardClient } = await import('@sward/sdk/client');
  return new SwardClient({ url, apiKey: key, ...(fetch ? { fetch } : {}) });
}

/**
 * Why a database location is neither a SQLite file path nor a PostgreSQL URL, or null. A URL of another
 * scheme (mysql://, sqlite://, a mistyped postgress://) would otherwise be taken for a relative file path:
 * a new, empty SQLite database made under a folder named after the scheme, and no error.
 */
export function dbLocationProblem(location: string): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1];
  if (scheme === undefined || isPostgresUrl(location)) return null;
  return `expected a SQLite file path or a postgres:// URL, got a ${scheme}:// URL`;
}

/** --db > SWARD_DB > sward-data/sward.db. */
export function dbLocation(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag || env.SWARD_DB || DEFAULT_DB;
}

/** A --json answer: one JSON document on stdout. */
export function writeJson(
  value: unknown,
  out: (text: string) => void = (t) => process.stdout.write(t),
): void {
  out(`${JSON.stringify(value, null, 2)}\n`);
}
