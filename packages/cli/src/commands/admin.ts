import { resolve } from 'node:path';
import type { Command } from 'commander';

interface FlagsOptions {
  db: string;
  note?: string;
  status?: string;
  json?: boolean;
}

/** `sward admin …`: operator-of-the-network tasks, directly on the coordinator database. */
export function register(program: Command, out: (t: string) => void = (t) => process.stdout.write(t)): void {
  const admin = program.command('admin').description('network administration (directly on the database)');
  admin
    .command('flags')
    .description('sybil flags: list (default), scan, clear ID or confirm ID')
    .argument('[action]', 'list | scan | clear | confirm', 'list')
    .argument('[id]', 'flag id for clear / confirm')
    .option(
      '--db <location>',
      'SQLite file path or postgres:// URL',
      process.env.SWARD_DB ?? 'sward-data/sward.db',
    )
    .option('--note <text>', 'why (kept with the review)')
    .option('--status <status>', 'list only open, cleared or confirmed flags')
    .option('--json', 'print JSON')
    .action(async (action: string, id: string | undefined, o: FlagsOptions, cmd: Command) => {
      if (!['list', 'scan', 'clear', 'confirm'].includes(action))
        cmd.error(`sward admin flags: unknown action "${action}" (list, scan, clear ID, confirm ID)`, {
          exitCode: 2,
        });
      if ((action === 'clear' || action === 'confirm') && !id)
        cmd.error(`sward admin flags ${action}: give the flag id`, { exitCode: 2 });
      const { openStore, RewardsService } = await import('@sward/coordinator');
      const store = await openStore(/^postgres/.test(o.db) ? o.db : resolve(o.db));
      try {
        const rewards = new RewardsService(store.db);
        if (action === 'scan') {
          const raised = await rewards.scanSybils();
          out(
            o.json
              ? `${JSON.stringify({ raised })}\n`
              : `${raised.length} new flag(s)${raised.map((r) => `\n  ${r}`).join('')}\n`,
          );
        } else if (action === 'clear' || action === 'confirm') {
          const f = await rewards.reviewFlag(id as string, action, o.note ?? null);
          out(o.json ? `${JSON.stringify(f)}\n` : `flag ${f.id} ${f.status}\n`);
        } else {
          const flags = await rewards.flags.list(o.status as 'open' | undefined);
          if (o.json) out(`${JSON.stringify(flags, null, 2)}\n`);
          else if (!flags.length) out('no flags\n');
          else
            for (const f of flags)
              out(
                `${f.id}  ${f.kind.padEnd(13)} ${f.status.padEnd(9)} ${new Date(f.createdAt).toISOString()}\n` +
                  `  operators: ${[...new Set(f.members.map((m) => m.operator))].join(', ')}\n` +
                  `  evidence: ${JSON.stringify(f.evidence)}\n`,
              );
        }
      } finally {
        await store.close();
      }
    });
}
