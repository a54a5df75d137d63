import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DB_HELP, dbLocation, writeJson } from '../options.js';

export function register(program: Command): void {
  const keys = program.command('keys').description('manage customer API keys (directly on the database)');
  keys
    .command('create')
    .option('--db <location>', DB_HELP)
    .option('--name <name>', 'a label for the key', 'customer')
    .option('--json', 'print {"key", "name"} as JSON')
    .action(async (o) => {
      const db = dbLocation(o.db);
      const { openStore } = await import('@sward/coordinator');
      const store = await openStore(/^postgres/.test(db) ? db : resolve(db));
      const { key } = await store.auth.createApiKey(o.name);
      await store.close();
      if (o.json) writeJson({ key, name: o.name });
      else process.stdout.write(`${key}\n`);
    });
}
