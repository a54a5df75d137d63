import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CliError } from './cli-error.js';
import { DEFAULT_DB, dbLocationProblem } from './options.js';

const toNumber = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v);
const toBool = (v: unknown) => {
  if (typeof v !== 'string') return v;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  return v;
};
const whole = (min: number, max: number) =>
  z.preprocess(
    toNumber,
    z
      .number({ error: `expected a whole number from ${min} to ${max}` })
      .int(`expected a whole number from ${min} to ${max}`)
      .min(min, `expected a whole number from ${min} to ${max}`)
      .max(max, `expected a whole number from ${min} to ${max}`),
  );
const text = z.string({ error: 'expected a string' }).min(1, 'expected a non-empty string');
const flag = z.preprocess(toBool, z.boolean({ error: 'expected true or false' }));

/**
 * `sward coordinator` settings. The keys of a --config file are these names (the flags in camelCase);
 * relative paths in it are read from the current folder, as on the command line.
 */
export const coordinatorConfigSchema = z
  .object({
    db: text
      .superRefine((v, ctx) => {
        const problem = dbLocationProblem(v);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .default(DEFAULT_DB),
    dataDir: text.optional(),
    /** The log's signing key; default DATA_DIR/log.key. Every coordinator on one database uses the same key. */
    logKey: text.optional(),
    port: whole(0, 65_535).default(8080),
    host: text.default('127.0.0.1'),
    leaseMs: whole(1, 86_400_000).default(60_000),
    /** A node silent this long (no heartbeat) loses its leases at once; 0: only the lease deadline. */
    nodeTimeoutMs: whole(0, 86_400_000).default(20_000),
    hostDelayMs: whole(0, 3_600_000).default(100),
    /** Seconds; a robots.txt Crawl-delay above it is skipped as crawl_delay_too_long, never shortened. */
    maxCrawlDelay: z
      .preprocess(toNumber, z.number({ error: 'expected a number of seconds' }).min(0).max(86_400))
      .default(60),
    /** Where checkpoints are anchored: a hash-chained file (default) or Solana memo transactions. */
    anchor: z.enum(['file', 'solana'], { error: 'expected file or solana' }).default('file'),
    anchorFile: text.optional(),
    /** Solana JSON-RPC URL and fee payer keypair file (Solana CLI format) for --anchor solana. */
    rpc: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
    keypair: text.optional(),
    embeddingsUrl: z.url({ error: 'expected an http(s) URL' }).optional(),
    embeddingsModel: text.optional(),
    embeddingsDir: text.optional(),
    minRefresh: z
      .string({ error: 'expected an interval such as 10s, 5m, 2h or 1d' })
      .regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)?\s*$/, 'expected an interval such as 10s, 5m, 2h or 1d')
      .default('10s'),
    allowPrivateWebhooks: flag.default(false),
    /**
     * This coordinator's public origin: the Signature-Agent its nodes send with every request, where sites
     * fetch the Web Bot Auth key directory. Default: the URL the nodes use to reach it.
     */
    publicUrl: z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
      .transform((u) => new URL(u).origin)
      .optional(),
    /** Reverse proxies whose X-Forwarded-For is believed for a node's address (sybil evidence). */
    trustedProxies: z
      .preprocess(
        (v) =>
          typeof v === 'string'
            ? v
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
            : v,
        z
          .array(z.union([z.ipv4(), z.ipv6()], { error: 'expected IP addresses' }), {
            error: 'expected a list of IP addresses',
          })
          .max(64),
      )
      .default([]),
    /** Limits (0: none), counted in the database so replicas on one PostgreSQL share them. */
    requestsPerMinute: whole(0, 1_000_000_000).default(60_000),
    pagesPerDay: whole(0, 1_000_000_000).default(1_000_000),
    concurrentJobsPerTenant: whole(0, 1_000_000).default(50),
    leasesPerNode: whole(0, 1_000_000).default(64),
    /**
     * Threads making documents off the capture path; default the cores but one (the main thread runs the
     * capture path), at least one.
     */
    extractionThreads: whole(1, 64).optional(),
    /**
     * SQLite only: its page cache (small by default: it stays resident once filled) and how much of the file is
     * read through mmap, MiB (docs/BENCHMARKS.md, session 15, mem).
     */
    // The driver's defaults and bounds (SQLITE_MEMORY_DEFAULTS, SQLITE_*_MIB_MAX), spelt out so reading the
    // config does not load @sward/coordinator; coordinator-config.test.ts holds them equal.
    sqliteCacheMib: whole(1, 65_536).default(2),
    sqliteMmapMib: whole(0, 1_048_576).default(256),
    /** false only for benchmarks: lifts per-origin serialisation and delays. */
    politeness: flag.default(true),
  })
  .strict();

export type CoordinatorConfig = z.output<typeof coordinatorConfigSchema>;
type Raw = Record<string, unknown>;

/** The environment variables the coordinator reads, by config key (README "Configuration"). */
export const COORDINATOR_ENV: Readonly<Record<string, string>> = {
  db: 'SWARD_DB',
  port: 'SWARD_PORT',
  host: 'SWARD_HOST',
};

const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

function readConfigFile(path: string): Raw {
  let body: string;
  try {
    body = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new CliError(
      'CONFIG',
      `config file ${path}: ${code === 'ENOENT' ? 'no such file' : (cause as Error).message}`,
      { cause },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (cause) {
    throw new CliError('CONFIG', `config file ${path} is not JSON: ${(cause as Error).message}`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new CliError('CONFIG', `config file ${path} must hold a JSON object of settings`);
  return parsed as Raw;
}

export interface CoordinatorConfigSources {
  /** Only the flags given on the command line, by config key. */
  flags?: Raw;
  env?: NodeJS.ProcessEnv;
  /** --config: a JSON object of settings. */
  configFile?: string | undefined;
}

/**
 * Resolves the coordinator's settings once: flag > environment variable > config file > default, as
 * the README promises everywhere. A bad value is named with where it came from: the flag (a usage
 * error), the variable, or the file and its key (config errors).
 */
export function loadCoordinatorConfig(sources: CoordinatorConfigSources = {}): CoordinatorConfig {
  const env = sources.env ?? {};
  const file = sources.configFile ? readConfigFile(sources.configFile) : {};
  const fromEnv: Raw = {};
  for (const [key, name] of Object.entries(COORDINATOR_ENV))
    if (env[name] !== undefined && env[name] !== '') fromEnv[key] = env[name];
  const merged: Raw = {};
  const origin: Record<string, 'file' | 'env' | 'flag'> = {};
  for (const [layer, values] of [
    ['file', file],
    ['env', fromEnv],
    ['flag', sources.flags ?? {}],
  ] as const)
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) continue;
      merged[k] = v;
      origin[k] = layer;
    }
  const parsed = coordinatorConfigSchema.safeParse(merged);
  if (parsed.success) return checkCombinations(parsed.data, origin);
  const issue = parsed.error.issues[0];
  if (issue?.code === 'unrecognized_keys')
    throw new CliError(
      'CONFIG',
      `config file ${sources.configFile}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys
        .map((k) => `"${k}"`)
        .join(', ')} (known: ${Object.keys(coordinatorConfigSchema.shape).join(', ')})`,
    );
  const key = String(issue?.path[0] ?? '');
  throw describeBad(key, origin[key], issue?.message ?? 'invalid', sources.configFile);
}

function describeBad(key: string, from: string | undefined, message: string, configFile?: string): CliError {
  if (from === 'flag') return new CliError('USAGE', `${flagName(key)}: ${message}`);
  if (from === 'env') return new CliError('CONFIG', `environment ${COORDINATOR_ENV[key]}: ${message}`);
  return new CliError('CONFIG', `config file ${configFile}: key "${key}": ${message}`);
}

function checkCombinations(c: CoordinatorConfig, origin: Record<string, string>): CoordinatorConfig {
  const name = (k: string) => (origin[k] === 'flag' ? flagName(k) : `"${k}"`);
  if (c.embeddingsUrl && c.embeddingsDir)
    throw new CliError(
      origin.embeddingsUrl === 'flag' || origin.embeddingsDir === 'flag' ? 'USAGE' : 'CONFIG',
      `give ${name('embeddingsUrl')} or ${name('embeddingsDir')}, not both`,
    );
  const usage = (...keys: string[]) => (keys.some((k) => origin[k] === 'flag') ? 'USAGE' : 'CONFIG');
  if (c.anchor === 'solana') {
    const missing = (['rpc', 'keypair'] as const).filter((k) => !c[k]);
    if (missing.length)
      throw new CliError(
        usage('anchor'),
        `${name('anchor')} solana needs ${missing.map((k) => (origin.anchor === 'flag' ? flagName(k) : `"${k}"`)).join(' and ')}`,
      );
    if (c.anchorFile)
      throw new CliError(
        usage('anchor', 'anchorFile'),
        `${name('anchorFile')} is for ${name('anchor')} file only`,
      );
  } else
    for (const k of ['rpc', 'keypair'] as const)
      if (c[k])
        throw new CliError(
          usage(k),
          `${name(k)} is only used with ${origin[k] === 'flag' ? '--anchor' : name('anchor')} solana`,
        );
  if (c.embeddingsUrl && !c.embeddingsModel)
    throw new CliError(
      origin.embeddingsUrl === 'flag' ? 'USAGE' : 'CONFIG',
      `${name('embeddingsUrl')} needs ${origin.embeddingsUrl === 'flag' ? '--embeddings-model' : '"embeddingsModel"'}`,
    );
  return c;
}
