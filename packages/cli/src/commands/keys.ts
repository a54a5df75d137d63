import type { Store } from '@sward/coordinator';
import type { ApiKeyInfo, NewApiKey, SwardClient } from '@sward/sdk';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { API_KEY_HELP, COORDINATOR_HELP, sdkClient, writeJson } from '../options.js';

interface Where {
  db?: string;
  coordinator?: string;
  apiKey?: string;
  json?: boolean;
}

/**
 * `--db` (or SWARD_DB) works on the database directly: the way to make the first keys, or to recover
 * when no admin key is left. Otherwise the coordinator's API is used with an API key holding keys:admin.
 */
async function withTarget<T>(
  o: Where,
  direct: (store: Store) => Promise<T>,
  api: (client: SwardClient) => Promise<T>,
): Promise<T> {
  const db = o.db ?? process.env.SWARD_DB;
  if (db) {
    const { openDb } = await import('../open-db.js');
    const store = await openDb(db);
    try {
      return await direct(store);
    } finally {
      await store.close();
    }
  }
  if (!o.apiKey && !process.env.SWARD_API_KEY)
    throw new CliError(
      'USAGE',
      'no API key: pass --api-key or set SWARD_API_KEY (a key with keys:admin), or work on the database directly with --db or SWARD_DB (how to make the first keys, or recover with none left)',
    );
  return api(await sdkClient(o));
}

const where = (c: Command) =>
  c
    .option('--db <location>', 'work on this SQLite file or postgres:// URL directly (env SWARD_DB)')
    .option('--coordinator <url>', COORDINATOR_HELP)
    .option('--api-key <key>', `${API_KEY_HELP}, holding the keys:admin scope`)
    .option('--json', 'print the answer as JSON');

const line = (k: ApiKeyInfo) =>
  `${k.id}  ${k.tenant}  ${k.role}  ${k.scopes.join(',')}  ${k.name}` +
  `  created ${k.createdAt}  expires ${k.expiresAt ?? 'never'}  last used ${k.lastUsedAt ?? 'never'}` +
  (k.revokedAt ? `  REVOKED ${k.revokedAt}` : '');

const printNew = (k: NewApiKey, json?: boolean) => {
  if (json) return writeJson(k);
  process.stderr.write(`${line(k)}\n(the key is shown once; only its hash is stored)\n`);
  process.stdout.write(`${k.key}\n`);
};

export function register(program: Command): void {
  const keys = program
    .command('keys')
    .description('manage API keys: tenants, roles (customer, admin), scopes, expiry, rotation');
  where(
    keys
      .command('create')
      .option('--name <name>', 'a label for the key', 'customer')
      .option('--tenant <name>', 'tenant of the key (default: the default tenant, or the caller’s own)')
      .option('--role <role>', 'customer or admin', 'customer')
      .option(
        '--scopes <list>',
        // spelt out: `sward --help` loads no @sward/core (cli-output.test.ts holds it equal to SCOPES)
        'comma-separated: crawl,collections,labelling:owner,keys:admin,rewards:admin,operators:admin,network:admin,metrics:read,creator,datasets:publish,datasets:read (default crawl,collections,labelling:owner)',
      )
      .option('--expires <iso-time>', 'time after which the key stops working (ISO 8601)')
      .option(
        '--requests-per-minute <n>',
        "this key's own request limit instead of the coordinator's (admin)",
      )
      .option('--pages-per-day <n>', "this key's own pages per UTC day instead of the coordinator's (admin)"),
  ).action(async (o) => {
    const { createKeyRequestSchema } = await import('@sward/core');
    const parsed = createKeyRequestSchema.safeParse({
      name: o.name,
      role: o.role,
      ...(o.tenant !== undefined
        ? { tenant: o.tenant }
        : (o.db ?? process.env.SWARD_DB)
          ? { tenant: 'default' }
          : {}),
      ...(o.scopes !== undefined
        ? {
            scopes: String(o.scopes)
              .split(',')
              .map((s) => s.trim()),
          }
        : {}),
      ...(o.expires !== undefined ? { expiresAt: o.expires } : {}),
      ...(o.requestsPerMinute !== undefined ? { requestsPerMinute: Number(o.requestsPerMinute) } : {}),
      ...(o.pagesPerDay !== undefined ? { pagesPerDay: Number(o.pagesPerDay) } : {}),
    });
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new CliError('USAGE', `${i?.path.join('.') || 'key'}: ${i?.message}`);
    }
    const req = parsed.data;
    const made = await withTarget(
      o,
      async (store) => {
        const { checkNewKey, keyInfo } = await import('@sward/coordinator');
        const k = checkNewKey(null, req);
        const { id, key } = await store.auth.createApiKey(k);
        return { ...keyInfo(await mustGet(store, id)), key };
      },
      (client) => client.createKey(req),
    );
    printNew(made, o.json);
  });
  where(keys.command('list').option('--tenant <name>', 'only this tenant’s keys')).action(async (o) => {
    const list = await withTarget(
      o,
      async (store) => {
        const { keyInfo } = await import('@sward/coordinator');
        return (await store.auth.listApiKeys(o.tenant ?? null)).map(keyInfo);
      },
      (client) => client.keys(o.tenant),
    );
    if (o.json) writeJson(list);
    else for (const k of list) process.stdout.write(`${line(k)}\n`);
  });
  where(keys.command('revoke').argument('<id>', 'key id (k_…)')).action(async (id: string, o) => {
    const k = await withTarget(
      o,
      async (store) => {
        const { keyInfo } = await import('@sward/coordinator');
        if (!(await store.auth.revokeApiKey(id))) throw new CliError('NOT_FOUND', `no live API key ${id}`);
        await store.audit.record({ actor: await actor(), action: 'key.revoke', target: id });
        return keyInfo(await mustGet(store, id));
      },
      (client) => client.revokeKey(id),
    );
    if (o.json) writeJson(k);
    else process.stdout.write(`${line(k)}\n`);
  });
  where(keys.command('rotate').argument('<id>', 'key id (k_…)')).action(async (id: string, o) => {
    const k = await withTarget(
      o,
      async (store) => {
        const { keyInfo } = await import('@sward/coordinator');
        const r = await store.auth.rotateApiKey(id);
        if (!r) throw new CliError('NOT_FOUND', `no live API key ${id}`);
        await store.audit.record({
          actor: await actor(),
          action: 'key.rotate',
          target: id,
          detail: { replacedBy: r.id },
        });
        return { ...keyInfo(await mustGet(store, r.id)), key: r.key };
      },
      (client) => client.rotateKey(id),
    );
    printNew(k, o.json);
  });
}

const actor = async () => (await import('../open-db.js')).localActor();

async function mustGet(store: Store, id: string) {
  const k = await store.auth.getApiKey(id);
  if (!k) throw new CliError('NOT_FOUND', `no API key ${id}`);
  return k;
}
