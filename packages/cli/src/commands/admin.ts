import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { DB_HELP, dbLocation, writeJson } from '../options.js';

interface FlagsOptions {
  db?: string;
  note?: string;
  status?: string;
  json?: boolean;
}

interface AuditOptions {
  db?: string;
  action?: string;
  after: string;
  limit: string;
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
    .option('--db <location>', DB_HELP)
    .option('--note <text>', 'why (kept with the review)')
    .option('--status <status>', 'list only open, cleared or confirmed flags')
    .option('--json', 'print JSON')
    .action(async (action: string, id: string | undefined, o: FlagsOptions) => {
      if (!['list', 'scan', 'clear', 'confirm'].includes(action))
        throw new CliError('USAGE', `unknown action "${action}" (list, scan, clear ID, confirm ID)`);
      if ((action === 'clear' || action === 'confirm') && !id)
        throw new CliError('USAGE', `${action} needs the flag id (sward admin flags lists them)`);
      if (o.status !== undefined && !['open', 'cleared', 'confirmed'].includes(o.status))
        throw new CliError('USAGE', `--status must be open, cleared or confirmed, got "${o.status}"`);
      const db = dbLocation(o.db);
      const { RewardsService } = await import('@sward/coordinator');
      const { openDb, localActor } = await import('../open-db.js');
      const store = await openDb(db);
      try {
        const rewards = new RewardsService(store.db);
        if (action === 'scan') {
          const raised = await rewards.scanSybils();
          if (o.json) writeJson({ raised }, out);
          else out(`${raised.length} new flag(s)${raised.map((r) => `\n  ${r}`).join('')}\n`);
        } else if (action === 'clear' || action === 'confirm') {
          const f = await rewards.reviewFlag(id as string, action, o.note ?? null);
          await store.audit.record({
            actor: localActor(),
            action: `flag.${action}`,
            target: f.id,
            detail: o.note ? { note: o.note } : null,
          });
          if (o.json) writeJson(f, out);
          else out(`flag ${f.id} ${f.status}\n`);
        } else {
          const flags = await rewards.flags.list(o.status as 'open' | undefined);
          if (o.json) writeJson(flags, out);
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
  admin
    .command('audit')
    .description('the append-only log of admin actions (who, what, on what, when), oldest first')
    .option('--db <location>', DB_HELP)
    .option('--action <action>', 'only this action, e.g. key.revoke, flag.confirm, takedown.create')
    .option('--after <id>', 'entries after this id', '0')
    .option('--limit <n>', 'at most this many entries (1-1000)', '100')
    .option('--json', 'print JSON')
    .action(async (o: AuditOptions) => {
      const after = Number(o.after);
      const limit = Number(o.limit);
      if (!Number.isSafeInteger(after) || after < 0)
        throw new CliError('USAGE', `--after must be an entry id (a whole number), got "${o.after}"`);
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000)
        throw new CliError('USAGE', `--limit must be a whole number from 1 to 1000, got "${o.limit}"`);
      const { openDb } = await import('../open-db.js');
      const store = await openDb(dbLocation(o.db));
      try {
        const rows = await store.audit.list({ after, limit, ...(o.action ? { action: o.action } : {}) });
        const entries = rows.map((e) => ({ ...e, at: new Date(e.at).toISOString() }));
        if (o.json) writeJson(entries, out);
        else if (!entries.length) out('no audit entries\n');
        else
          for (const e of entries)
            out(
              `${e.id}  ${e.at}  ${e.actor}  ${e.action}  ${e.target}` +
                `${e.detail ? `  ${JSON.stringify(e.detail)}` : ''}\n`,
            );
      } finally {
        await store.close();
      }
    });
}
