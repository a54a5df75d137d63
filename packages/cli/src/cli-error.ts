// Kept free of imports from the other rooms: every command loads this module, and the errors of
// those rooms are recognised by their `name` and `code`, which is all the mapping needs.
import { isPostgresUrl } from './db-location.js';

/**
 * Why a `sward` command failed. The code decides the exit status (see EXIT_CODES) and tells a script
 * what to do: fix the command line or config (2), or look at the named input, service or result (1).
 */
export type CliErrorCode =
  /** The command line is wrong: unknown option, missing argument, bad value, flags that conflict. */
  | 'USAGE'
  /** A config file or environment variable is wrong. */
  | 'CONFIG'
  /** A file or stdin the command reads is missing, unreadable or malformed. */
  | 'INPUT'
  /** The coordinator refused the API key (or a node's identity). */
  | 'AUTH'
  /** The coordinator or database cannot be reached. */
  | 'UNREACHABLE'
  /** The coordinator or database has no such object. */
  | 'NOT_FOUND'
  /** The coordinator or database refused the request as it stands (bad request, conflict). */
  | 'REJECTED'
  /** The coordinator failed on its side (5xx). */
  | 'REMOTE'
  /** The command ran and its check did not pass (verify, verify-claim) or its work failed. */
  | 'FAILED'
  /** A bug: an error nobody expected. */
  | 'INTERNAL';

/** The documented exit statuses: 0 success, 1 failure, 2 usage error (README "Exit codes"). */
export const EXIT_CODES: Record<CliErrorCode, 1 | 2> = {
  USAGE: 2,
  CONFIG: 2,
  INPUT: 1,
  AUTH: 1,
  UNREACHABLE: 1,
  NOT_FOUND: 1,
  REJECTED: 1,
  REMOTE: 1,
  FAILED: 1,
  INTERNAL: 1,
};

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: CliErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  get exitCode(): 1 | 2 {
    return EXIT_CODES[this.code];
  }
}

/** What the handler knows about the command that failed, for messages that say what to change. */
export interface FailureContext {
  /** e.g. "sward collection show". */
  command: string;
  /** The --db location the command used, if it has one. */
  db?: string | undefined;
}

type Loose = Error & {
  code?: unknown;
  status?: unknown;
  path?: unknown;
  syscall?: unknown;
  address?: unknown;
  port?: unknown;
  severity?: unknown;
  errors?: unknown;
  issues?: unknown;
};

const SYSTEM_REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed by the other side',
};

/** Errors of the other rooms, by class name: each has a closed `code` union. */
const ROOM_ERRORS = new Set([
  'NodeError',
  'CoordinatorError',
  'RewardsError',
  'InferenceError',
  'CoreError',
  'AnchorError',
  'ExtractError',
  'EmbeddingError',
  'FeedError',
]);

const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null;

/** `user:password@` in a URL (a postgres:// --db, a coordinator URL) never reaches the terminal. */
export function redactSecrets(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*):[^@\s/]*@/gi, '$1:***@');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, '; ').trim();
}

function systemReason(code: string): string {
  return SYSTEM_REASONS[code] ?? code;
}

/** A socket-level failure (ECONNREFUSED…), directly or as the cause of undici's "fetch failed". */
function socketError(e: Loose): Loose | null {
  for (let c: unknown = e, depth = 0; isObject(c) && depth < 4; c = c.cause, depth++) {
    if (typeof c.code === 'string' && (c.syscall === 'connect' || c.syscall === 'getaddrinfo' || c.address))
      return c;
    if (typeof c.code === 'string' && c.code.startsWith('UND_ERR_')) return c;
    // Node's happy-eyeballs connect (localhost → ::1 and 127.0.0.1) fails with an AggregateError.
    if (Array.isArray(c.errors) && isObject(c.errors[0]) && typeof c.code === 'string') return c;
  }
  return null;
}

/** The deepest cause's message ("bad port"), when it says more than undici's "fetch failed". */
function innermostMessage(e: unknown): string | null {
  let last: string | null = null;
  for (let c: unknown = e, depth = 0; isObject(c) && depth < 4; c = c.cause, depth++)
    if (typeof c.message === 'string') last = c.message;
  return last && !/fetch failed$/.test(last) ? last : null;
}

function describeSocket(s: Loose): string {
  const code = String(s.code);
  const first = Array.isArray(s.errors) && isObject(s.errors[0]) ? s.errors[0] : s;
  const where =
    typeof first.address === 'string'
      ? `${first.address}${first.port !== undefined ? `:${String(first.port)}` : ''}`
      : null;
  return `${where ? `${where}: ` : ''}${systemReason(code)} (${code})`;
}

/** The coordinator at `url` could not be reached (connection refused, unknown host…). */
export function coordinatorUnreachable(url: string, cause: unknown): CliError {
  const s = isObject(cause) ? socketError(cause) : null;
  const why = s ? systemReason(String(s.code)) : innermostMessage(cause);
  return new CliError(
    'UNREACHABLE',
    `cannot reach the coordinator at ${url}${why ? ` (${why})` : ''}; ` +
      'is it running? Point to it with --coordinator or SWARD_COORDINATOR',
    { cause },
  );
}

/** The coordinator answered an error: HTTP `status`, its `{error: {code, message}}`. */
export function coordinatorRefused(status: number, code: string, message: string, cause?: unknown): CliError {
  if (status === 401 || status === 403)
    return new CliError(
      'AUTH',
      `the coordinator refused the API key (${code}: ${message}); check --api-key or SWARD_API_KEY`,
      { cause },
    );
  if (status === 404) return new CliError('NOT_FOUND', message, { cause });
  if (status >= 400 && status < 500)
    return new CliError('REJECTED', `the coordinator refused the request (${code}): ${message}`, { cause });
  return new CliError('REMOTE', `the coordinator failed (HTTP ${status} ${code}): ${message}`, { cause });
}

function fromSdk(e: Loose): CliError {
  if (e.code === 'NETWORK') {
    const url = /at (\S+?):? /.exec(e.message)?.[1] ?? 'its URL';
    return coordinatorUnreachable(url, e);
  }
  return coordinatorRefused(typeof e.status === 'number' ? e.status : 0, String(e.code), e.message, e);
}

function fromRoom(e: Loose): CliError {
  const code = String(e.code);
  const as = (c: CliErrorCode) => new CliError(c, e.message, { cause: e });
  if (code === 'CONFIG') return as('CONFIG');
  if (code === 'NOT_FOUND') return as('NOT_FOUND');
  if (code === 'COORDINATOR_UNREACHABLE') return as('UNREACHABLE');
  if (code === 'AUTH' || code === 'NODE_REVOKED' || code === 'UNAUTHORIZED') return as('AUTH');
  if (e.name === 'InferenceError' || e.name === 'FeedError' || code === 'BAD_INPUT' || code === 'KEY_FILE')
    return as('INPUT');
  if (code === 'BAD_REQUEST' || code === 'CONFLICT' || code === 'EPOCH_OPEN') return as('REJECTED');
  return as('FAILED');
}

/** A server's listen() failed: which address and port, why, and the flag that changes it. */
function listenFailure(e: Loose): CliError {
  const code = String(e.code);
  const where = `${typeof e.address === 'string' ? e.address : ''}${e.port !== undefined ? `:${String(e.port)}` : ''}`;
  const what =
    code === 'EADDRINUSE'
      ? 'another process (another coordinator?) listens there: stop it, or choose another port with --port or SWARD_PORT'
      : code === 'EADDRNOTAVAIL'
        ? 'this host has no such address: choose one of its own with --host or SWARD_HOST'
        : 'choose another port with --port or SWARD_PORT, or another address with --host or SWARD_HOST';
  return new CliError(
    'FAILED',
    `cannot listen on ${where || 'the address'}: ${systemReason(code)} (${code}); ${what}`,
    {
      cause: e,
    },
  );
}

function dbHint(ctx: FailureContext | undefined): string {
  return ctx?.db
    ? ` (--db ${redactSecrets(ctx.db)}; set it with --db or SWARD_DB)`
    : ' (check --db or SWARD_DB)';
}

/**
 * Every failure of every command goes through here: one place decides the message (one line, naming
 * what is wrong and what to do) and, through the code, the exit status.
 */
export function toCliError(err: unknown, ctx?: FailureContext): CliError {
  if (err instanceof CliError) return err;
  if (!isObject(err)) return new CliError('INTERNAL', `unexpected failure: ${String(err)}`);
  const e = err;
  const message = typeof e.message === 'string' ? e.message : String(e);

  // commander's own errors (its InvalidArgumentError too): the command line is wrong.
  if (typeof e.code === 'string' && e.code.startsWith('commander.'))
    return new CliError(
      'USAGE',
      `${message.replace(/^error: /, '')}${ctx ? ` (see ${ctx.command} --help)` : ''}`,
      { cause: e },
    );
  if (e.name === 'SwardApiError') return fromSdk(e);
  if (ROOM_ERRORS.has(e.name) && typeof e.code === 'string') return fromRoom(e);

  // better-sqlite3
  if (/^Cannot open database because the directory does not exist/.test(message))
    return new CliError('INPUT', `cannot open the SQLite database: its folder does not exist${dbHint(ctx)}`, {
      cause: e,
    });
  if (e.name === 'SqliteError')
    return new CliError(
      e.code === 'SQLITE_CANTOPEN' || e.code === 'SQLITE_NOTADB' ? 'INPUT' : 'FAILED',
      `SQLite: ${message}${dbHint(ctx)}`,
      { cause: e },
    );
  // pg: server-side errors carry a severity and a five-character SQLSTATE.
  if (typeof e.severity === 'string' && typeof e.code === 'string' && e.code.length === 5) {
    const connecting = /^(3D|28|08)/.test(e.code);
    return new CliError('FAILED', `PostgreSQL: ${message}${connecting ? dbHint(ctx) : ''}`, { cause: e });
  }

  // `sward coordinator` could not take its port: not a connection, so not "cannot connect"
  if (e.syscall === 'listen' && typeof e.code === 'string') return listenFailure(e);
  const socket = socketError(e);
  if (socket)
    return new CliError(
      'UNREACHABLE',
      `cannot connect to ${describeSocket(socket)}${ctx?.db && isPostgresUrl(ctx.db) ? dbHint(ctx) : ''}`,
      { cause: e },
    );
  if (typeof e.code === 'string' && typeof e.path === 'string')
    return new CliError('INPUT', `${e.path}: ${systemReason(e.code)}`, { cause: e });

  if (e.name === 'SyntaxError') return new CliError('INPUT', message, { cause: e });
  if (e.name === 'ZodError' && Array.isArray(e.issues)) {
    const issue = e.issues[0] as { path?: unknown[]; message?: string } | undefined;
    const at = issue?.path?.length ? `${issue.path.join('.')}: ` : '';
    return new CliError('INPUT', `${at}${issue?.message ?? message}`, { cause: e });
  }
  return new CliError(
    'INTERNAL',
    `unexpected ${e.name || 'error'}: ${message} (rerun with --debug or SWARD_DEBUG=1 for the stack trace)`,
    { cause: e },
  );
}

/** The line the user sees: "sward <command>: <what is wrong and what to do>". */
export function failureLine(e: CliError, ctx?: FailureContext): string {
  return `${ctx?.command ?? 'sward'}: ${redactSecrets(oneLine(e.message))}`;
}
