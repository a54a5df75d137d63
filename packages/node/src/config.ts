import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { operatorNameSchema, referralCodeSchema } from '@sward/core/node-side';
import * as z from 'zod/mini';
import { parseActiveHours } from './active-hours.js';
import { parseByteSize } from './byte-size.js';
import { NodeError } from './errors.js';
import './zod-messages.js';
import { NODE_VERSION } from './version.js';

/** Every request says who it is (DESIGN.md "Honest traffic"); not configurable on purpose. */
export const USER_AGENT = `SwardBot/${NODE_VERSION} (+https://sward.dev/bot)`;

const MiB = 1024 * 1024;

/** Default home of the node's files; every path can be set on its own. */
export function defaultDataDir(): string {
  return join(homedir(), '.sward', 'node');
}

const toNumber = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v);
const toBool = (v: unknown) => {
  if (typeof v !== 'string') return v;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  return v;
};
const toList = (v: unknown) =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : v;
const toBytes = (v: unknown) => {
  if (typeof v !== 'string') return v;
  try {
    return parseByteSize(v);
  } catch {
    return v; // let zod name the field
  }
};

// zod/mini, as node-answers.ts in core: the node loads no classic zod (its messages: zod-messages.ts).
const preprocess = <T extends z.core.$ZodType>(fn: (v: unknown) => unknown, schema: T) =>
  z.pipe(z.transform(fn), schema);
const positiveInt = (max: number) => preprocess(toNumber, z.int().check(z.gte(1), z.lte(max)));
/** null means "no cap". */
const BYTES_HINT = 'expected a byte size such as 500MB, 2GiB or unlimited';
const byteCount = () => z.int({ error: BYTES_HINT }).check(z.positive());
const byteCap = preprocess(toBytes, z.nullable(byteCount()));

/** Lower-case, no trailing dot: the form URL host names take, so suffix matching is exact. */
const domain = z.pipe(
  z.pipe(
    z.string().check(z.trim(), z.toLowerCase()),
    z.transform((d: string) => d.replace(/^\*?\./, '').replace(/\.$/, '')),
  ),
  z.string().check(z.regex(/^[a-z0-9.:[\]-]+$/, 'expected a domain name such as example.com')),
);

const activeHours = preprocess(
  toList,
  z.array(
    z.string().check(
      z.refine(
        (s) => {
          try {
            parseActiveHours([s]);
            return true;
          } catch {
            return false;
          }
        },
        { message: 'expected HH:MM-HH:MM, e.g. 22:00-07:00' },
      ),
    ),
  ),
);

const path = () => z.string().check(z.minLength(1));

export const nodeConfigSchema = z.strictObject({
  /** Base URL of the coordinator; required to run, not to read the log. */
  coordinatorUrl: z.optional(z.url()),
  keyFile: path(),
  /**
   * The operator's ed25519 key (created on first run); several nodes of one operator share it.
   * Default: operator-key.pem beside keyFile.
   */
  operatorKeyFile: z.optional(path()),
  logFile: path(),
  /** Where the byte counters live, so a restart does not reset the cap. */
  stateFile: path(),
  maxConcurrent: z._default(positiveInt(64), 4),
  bytesPerHour: z._default(byteCap, null),
  bytesPerDay: z._default(byteCap, null),
  /** Ranges such as "22:00-07:00" (may wrap midnight); empty means always active. */
  activeHours: z._default(activeHours, []),
  /** Whether activeHours are read on this machine's clock ("local", the default) or in UTC. */
  activeHoursTimeZone: z._default(z.enum(['local', 'utc']), 'local'),
  /** Suffix match on label boundaries: "example.com" covers "a.example.com". Deny wins over allow. */
  allowDomains: z._default(preprocess(toList, z.array(domain)), []),
  denyDomains: z._default(preprocess(toList, z.array(domain)), []),
  allowPrivate: z._default(preprocess(toBool, z.boolean()), false),
  maxBodyBytes: z._default(preprocess(toBytes, byteCount()), 10 * MiB),
  timeoutMs: z._default(positiveInt(600_000), 30_000),
  leaseWaitMs: z._default(preprocess(toNumber, z.int().check(z.gte(0), z.lte(25_000))), 20_000),
  /** Heartbeats keep this node's leases: a coordinator takes a node silent for ~20 s for gone. */
  heartbeatMs: z._default(positiveInt(600_000), 5_000),
  /**
   * Finished captures wait here until the coordinator accepts them or their lease is gone, so a
   * coordinator restart longer than the upload retries loses nothing. Default: spool/ beside keyFile.
   */
  spoolDir: z.optional(path()),
  /** The spool's size bound; a capture that would pass it is only kept in memory. */
  spoolMaxBytes: z._default(preprocess(toBytes, byteCount()), 256 * MiB),
  /** Operator name, chosen once when the operator key first registers. */
  operator: z.optional(operatorNameSchema),
  /** Who referred the operator: taken only at its first registration (a later one is refused). */
  referralCode: z.optional(referralCodeSchema),
});

export type NodeConfigInput = z.input<typeof nodeConfigSchema>;
export type NodeConfig = Omit<z.output<typeof nodeConfigSchema>, 'operatorKeyFile' | 'spoolDir'> & {
  readonly operatorKeyFile: string;
  readonly spoolDir: string;
  readonly userAgent: string;
};

type Raw = Record<string, unknown>;

/** Env variable for each field: SWARD_NODE_ + the field name in UPPER_SNAKE. */
export function envName(field: string): string {
  return `SWARD_NODE_${field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

const FIELDS = Object.keys(nodeConfigSchema.shape);

function fileDefaults(dataDir: string): Raw {
  return {
    keyFile: join(dataDir, 'key.pem'),
    logFile: join(dataDir, 'fetch-log.jsonl'),
    stateFile: join(dataDir, 'limits-state.json'),
  };
}

function readConfigFile(path: string): Raw {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new NodeError('CONFIG', `cannot read config file ${path}`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new NodeError('CONFIG', `config file ${path} is not JSON`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new NodeError('CONFIG', `config file ${path} must hold a JSON object`);
  return parsed as Raw;
}

function fromEnv(env: NodeJS.ProcessEnv): Raw {
  const out: Raw = {};
  for (const f of FIELDS) {
    const v = env[envName(f)];
    if (v !== undefined && v !== '') out[f] = v;
  }
  return out;
}

export interface ConfigSources {
  /** Flags already mapped to field names; undefined values are ignored. */
  readonly args?: Raw;
  readonly env?: NodeJS.ProcessEnv;
  /** JSON config file; defaults to $SWARD_NODE_CONFIG when set. */
  readonly configFile?: string;
}

/** Resolves the config once: args > env (SWARD_NODE_*) > JSON config file > defaults. */
export function loadNodeConfig(sources: ConfigSources = {}): NodeConfig {
  const env = sources.env ?? {};
  const configFile = sources.configFile ?? env.SWARD_NODE_CONFIG;
  const layers: [string, Raw][] = [
    ['default', fileDefaults(env.SWARD_NODE_DATA_DIR || defaultDataDir())],
    [`config file ${configFile}`, configFile ? readConfigFile(configFile) : {}],
    ['environment', fromEnv(env)],
    ['flags', sources.args ?? {}],
  ];
  const merged: Raw = {};
  const origin: Record<string, string> = {};
  for (const [name, layer] of layers)
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      merged[k] = v;
      origin[k] = name === 'environment' ? `environment ${envName(k)}` : name;
    }
  return parseWithOrigin(merged, origin);
}

/** Parses a config given in code (embedding, tests); file paths default under ~/.sward/node. */
export function parseNodeConfig(input: NodeConfigInput | Raw): NodeConfig {
  return parseWithOrigin({ ...fileDefaults(defaultDataDir()), ...dropUndefined(input as Raw) }, {});
}

function dropUndefined(r: Raw): Raw {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
}

function parseWithOrigin(merged: Raw, origin: Record<string, string>): NodeConfig {
  const parsed = nodeConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field =
      issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue?.path.join('.') || '(root)';
    const from = origin[String(issue?.path[0] ?? '')];
    throw new NodeError('CONFIG', `config: ${field}${from ? ` (from ${from})` : ''}: ${issue?.message}`);
  }
  const operatorKeyFile =
    parsed.data.operatorKeyFile ?? join(dirname(parsed.data.keyFile), 'operator-key.pem');
  const spoolDir = parsed.data.spoolDir ?? join(dirname(parsed.data.keyFile), 'spool');
  return { ...parsed.data, operatorKeyFile, spoolDir, userAgent: USER_AGENT };
}
