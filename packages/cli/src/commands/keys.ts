import { resolve } from 'node:path';
import type { Command } from 'commander';

export function register(program: Command): void {
  const keys = program.command('keys').description('manage customer API keys (directly on the database)');
  keys
    .command('create')
    .option(
      '--db <location>',
      'SQLite file path or postgres:// URL',
      process.env.SWARD_DB ?? 'sward-data/sward.db',
    )
    .option('--name <name>', 'a label for the key', 'customer')
    .action(async (o) => {
      const { openStore } = await import('@sward/coordinator');
      const store = await openStore(/^postgres/.test(o.db) ? o.db : resolve(o.db));
      const { key } = await store.auth.createApiKey(o.name);
      await store.close();
      process.stdout.write(`${key}\n`);
    });
}
