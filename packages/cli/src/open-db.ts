import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { Store } from '@sward/coordinator';
import { CliError } from './cli-error.js';
import { isPostgresUrl } from './db-location.js';
import { dbLocationProblem } from './options.js';

/**
 * The coordinator's store at a SQLite path (relative to the current folder) or a postgres:// URL, for the
 * commands that work on the database directly. The coordinator room is loaded only when this is called.
 */
export async function openDb(location: string): Promise<Store> {
  const problem = dbLocationProblem(location);
  if (problem) throw new CliError('USAGE', `--db (or SWARD_DB) ${location}: ${problem}`);
  const { openStore } = await import('@sward/coordinator');
  return openStore(isPostgresUrl(location) ? location : resolve(location));
}

/** Who acts when a command works on the database directly, as the audit log names them. */
export function localActor(): string {
  let user = process.env.USER ?? '';
  try {
    user = userInfo().username;
  } catch {}
  return `local:${user || 'unknown'}`;
}
