import type { CollectionInfo } from '@sward/sdk';
import { SwardClient } from '@sward/sdk';
import type { Command } from 'commander';
import { collect, defaultCoordinatorUrl, intOption } from '../options.js';

const show = (c: CollectionInfo) =>
  [
    `${c.id}  ${c.name}${c.paused ? '  (paused)' : ''}`,
    `  every ${c.everyMs / 1000} s, max ${c.maxPages} pages, ${c.pages} pages / ${c.chunks} chunks indexed`,
    ...c.sources.map((s) => `  ${s.kind.padEnd(8)} ${s.url}${s.lastError ? `  error: ${s.lastError}` : ''}`),
  ].join('\n');

export function register(program: Command): void {
  const col = program
    .command('collection')
    .description('live collections: sources re-fetched on a schedule for RAG (refresh and search: not yet)')
    .option('--coordinator <url>', 'coordinator URL (env SWARD_COORDINATOR)', defaultCoordinatorUrl())
    .option('--api-key <key>', 'API key (env SWARD_API_KEY)', process.env.SWARD_API_KEY);
  const client = () => {
    const o = col.opts();
    if (!o.apiKey) throw new Error('no API key: pass --api-key or set SWARD_API_KEY');
    return new SwardClient({ url: o.coordinator, apiKey: o.apiKey });
  };
  const out = (text: string): void => {
    process.stdout.write(`${text}\n`);
  };
  col
    .command('create <name>')
    .requiredOption('--source <url>', 'a page, sitemap.xml or RSS/Atom feed URL (repeatable)', collect, [])
    .option('--every <interval>', 'refresh interval: 30s, 5m, 2h, 1d', '5m')
    .option('--max-pages <n>', 'most pages kept', intOption, 1000)
    .action(async (name: string, o) =>
      out(
        show(
          await client().createCollection({ name, sources: o.source, every: o.every, maxPages: o.maxPages }),
        ),
      ),
    );
  col
    .command('list')
    .action(async () => out((await client().collections()).map(show).join('\n') || '(none)'));
  col.command('show <id>').action(async (id: string) => out(show(await client().collection(id))));
  col.command('pause <id>').action(async (id: string) => out(show(await client().pauseCollection(id, true))));
  col
    .command('resume <id>')
    .action(async (id: string) => out(show(await client().pauseCollection(id, false))));
  col.command('delete <id>').action(async (id: string) => {
    await client().deleteCollection(id);
    out(`deleted ${id}`);
  });
}
