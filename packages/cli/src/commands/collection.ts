import type { CollectionInfo, CollectionSearchAnswer, SwardClient } from '@sward/sdk';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { API_KEY_HELP, COORDINATOR_HELP, collect, intOption, sdkClient, writeJson } from '../options.js';

const MAX_PRICE_HELP =
  "the most one page may cost, USD (e.g. 0.01): needed for pages of claimed domains with a price (the owner's and the site's together)";
const BUDGET_HELP = 'the most all refreshes together may spend, USD: a running total (needs --max-price)';
const secs = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);
const when = (t: number | null) => (t == null ? '-' : new Date(t).toISOString());

/** A collection as `show` prints it: settings, sources with their errors, and how fresh it is. */
export function describeCollection(c: CollectionInfo): string {
  const f = c.freshness;
  const last = f.lastRefresh;
  const lines = [
    `${c.id}  ${c.name}${c.paused ? '  (paused)' : ''}${c.refreshing ? '  (refreshing)' : ''}`,
    `  every ${secs(c.everyMs)}, max ${c.maxPages} pages, chunks of ${c.chunkSize} chars (overlap ${c.chunkOverlap})`,
    `  ${c.pages} pages / ${c.chunks} chunks indexed; next refresh ${c.paused ? 'paused' : when(c.nextRefreshAt)}`,
    ...c.sources.map((s) => `  ${s.kind.padEnd(8)} ${s.url}${s.lastError ? `  ERROR: ${s.lastError}` : ''}`),
  ];
  const m = c.spending;
  lines.push(
    `  pays ${m.maxPrice === null ? 'nothing (pages of claimed domains with a price are skipped)' : `at most USD ${m.maxPrice} a page`}` +
      `${m.budget === null ? '' : `, USD ${m.budget} in all`}; spent USD ${m.spent}`,
  );
  if (c.webhook) lines.push(`  webhook  ${c.webhook.url}`);
  if (c.webhookSecret) lines.push(`  webhook secret (shown once): ${c.webhookSecret}`);
  if (last) {
    const s = last.stats;
    lines.push(
      `  last refresh ${when(last.startedAt)}${last.finishedAt ? ` (${secs(last.finishedAt - last.startedAt)})` : ' (running)'}` +
        (s
          ? `: ${s.fetched} fetched, ${s.notModified} not modified (304), ${s.failed} failed; ` +
            `${s.added} added, ${s.changed} changed, ${s.removed} removed`
          : ''),
    );
    if (last.webhook)
      lines.push(`  webhook ${last.webhook.state}${last.webhook.error ? `: ${last.webhook.error}` : ''}`);
  }
  const lag = f.changeToSearchableMs;
  lines.push(
    `  freshness: change→searchable ${lag ? `p50 ${secs(lag.p50)}, p95 ${secs(lag.p95)} over ${lag.n} changes` : 'no dated changes yet'}` +
      `; oldest page confirmed ${f.oldestPageAgeMs == null ? '-' : `${secs(f.oldestPageAgeMs)} ago`}`,
  );
  for (const p of f.failedPages.slice(0, 10))
    lines.push(`  failed page ${p.url}: ${p.reason ?? ''} ${p.detail ?? ''}`);
  for (const p of f.unpaidPages.slice(0, 10))
    lines.push(`  unpaid page ${p.url}: ${p.reason ?? ''} ${p.detail ?? ''}`);
  return lines.join('\n');
}

function describeResults(a: CollectionSearchAnswer): string {
  if (!a.results.length) return `(no results; ${a.mode} search)${a.warning ? `\nwarning: ${a.warning}` : ''}`;
  const out = a.results.map((r, i) => {
    const p = r.provenance;
    const where = r.headingPath.length ? ` › ${r.headingPath.join(' › ')}` : '';
    const text = r.text.replace(/\s+/g, ' ');
    return [
      `${i + 1}. ${r.url}${where}`,
      `   score ${r.score.toFixed(4)}  fetched ${r.fetchedAt}  capture ${p.captureId ?? '-'} leaf ${p.leafIndex ?? '-'}` +
        ` checkpoint ${p.checkpointSize ?? 'pending'}`,
      `   ${text.length > 240 ? `${text.slice(0, 240)}…` : text}`,
    ].join('\n');
  });
  if (a.warning) out.push(`warning: ${a.warning}`);
  return out.join('\n');
}

/**
 * A collection's id from what the user typed: an id (col_…) as it is, or the name it was created with, as
 * `sward collection create docs` then `sward collection show docs` expects.
 */
async function collectionId(c: SwardClient, idOrName: string): Promise<string> {
  if (idOrName.startsWith('col_')) return idOrName;
  const named = (await c.collections()).filter((x) => x.name === idOrName);
  if (named.length > 1)
    throw new CliError('USAGE', `${named.length} collections are named "${idOrName}"; give its id`);
  if (!named.length)
    throw new CliError(
      'NOT_FOUND',
      `no collection with id or name "${idOrName}" (sward collection list shows them)`,
    );
  return (named[0] as CollectionInfo).id;
}

export function register(program: Command): void {
  const connection = (cmd: Command) =>
    cmd.option('--coordinator <url>', COORDINATOR_HELP).option('--api-key <key>', API_KEY_HELP);
  const out = (text: string): void => {
    process.stdout.write(`${text}\n`);
  };
  /** A collection, or several, as JSON with --json and as text without. */
  const show = (o: { json?: boolean }, c: CollectionInfo | CollectionInfo[]) => {
    if (o.json) writeJson(c);
    else if (Array.isArray(c)) out(c.map(describeCollection).join('\n') || '(none)');
    else out(describeCollection(c));
  };
  const JSON_HELP = 'print the API answer as JSON';
  const col = connection(
    program
      .command('collection')
      .description('live collections: sources re-fetched on a schedule, chunked and indexed for RAG'),
  );
  const client = () => sdkClient(col.opts());
  col
    .command('create <name>')
    .requiredOption('--source <url>', 'a page, sitemap.xml or RSS/Atom feed URL (repeatable)', collect, [])
    .option('--every <interval>', 'refresh interval: 30s, 5m, 2h, 1d', '5m')
    .option('--max-pages <n>', 'most pages kept', intOption, 1000)
    .option('--chunk-size <chars>', 'target chunk size in characters', intOption)
    .option(
      '--chunk-overlap <chars>',
      'characters of the previous chunk repeated at the start of the next',
      intOption,
    )
    .option('--webhook <url>', 'POST what changed at each refresh here (HMAC-signed; secret printed once)')
    .option('--max-price <usd>', MAX_PRICE_HELP)
    .option('--budget <usd>', BUDGET_HELP)
    .option('--json', JSON_HELP)
    .action(async (name: string, o) =>
      show(
        o,
        await (await client()).createCollection({
          name,
          sources: o.source,
          every: o.every,
          maxPages: o.maxPages,
          ...(o.chunkSize !== undefined ? { chunkSize: o.chunkSize } : {}),
          ...(o.chunkOverlap !== undefined ? { chunkOverlap: o.chunkOverlap } : {}),
          ...(o.webhook ? { webhook: o.webhook } : {}),
          ...(o.maxPrice !== undefined ? { maxPrice: o.maxPrice } : {}),
          ...(o.budget !== undefined ? { budget: o.budget } : {}),
        }),
      ),
    );
  col
    .command('pricing <collection>')
    .description('change what the collection may pay for pages, from its next refresh')
    .option('--max-price <usd>', MAX_PRICE_HELP)
    .option('--budget <usd>', BUDGET_HELP)
    .option('--no-max-price', 'pay for no page (pages of claimed domains with a price are skipped)')
    .option('--no-budget', 'no bound across refreshes but --max-price a page')
    .option('--json', JSON_HELP)
    .action(async (id: string, o) => {
      // commander gives false for --no-x, the value for --x <v>, undefined when neither is given
      const field = (v: string | boolean | undefined) => (v === false ? null : v === true ? undefined : v);
      const req = { maxPrice: field(o.maxPrice), budget: field(o.budget) };
      if (req.maxPrice === undefined && req.budget === undefined)
        throw new CliError('USAGE', 'give --max-price, --budget, --no-max-price or --no-budget');
      const c = await client();
      show(o, await c.setCollectionPricing(await collectionId(c, id), req));
    });
  col
    .command('charges <collection>')
    .description("what the collection spent and the pages under creators' terms it paid for")
    .option('--json', JSON_HELP)
    .action(async (id: string, o) => {
      const c = await client();
      const a = await c.collectionCharges(await collectionId(c, id));
      if (o.json) return writeJson(a);
      const m = a.spending;
      out(
        [
          `spent USD ${m.spent}${m.budget === null ? '' : ` of USD ${m.budget}`}; at most ${m.maxPrice === null ? 'nothing' : `USD ${m.maxPrice}`} a page`,
          ...a.charges.map(
            (ch) =>
              `${ch.at}  USD ${ch.price} (creator ${ch.creator}, operator ${ch.operator}, network ${ch.network})  ${ch.url}  ${ch.domain} terms v${ch.version}`,
          ),
        ].join('\n'),
      );
    });
  col
    .command('list')
    .option('--json', JSON_HELP)
    .action(async (o) => show(o, await (await client()).collections()));
  col
    .command('show <collection>')
    .option('--json', JSON_HELP)
    .action(async (id: string, o) => {
      const c = await client();
      show(o, await c.collection(await collectionId(c, id)));
    });
  col
    .command('refresh <collection>')
    .description('refresh now rather than at the next interval')
    .option('--json', JSON_HELP)
    .action(async (id: string, o) => {
      const c = await client();
      show(o, await c.refreshCollection(await collectionId(c, id)));
    });
  col
    .command('pause <collection>')
    .option('--json', JSON_HELP)
    .action(async (id: string, o) => {
      const c = await client();
      show(o, await c.pauseCollection(await collectionId(c, id), true));
    });
  col
    .command('resume <collection>')
    .option('--json', JSON_HELP)
    .action(async (id: string, o) => {
      const c = await client();
      show(o, await c.pauseCollection(await collectionId(c, id), false));
    });
  col
    .command('delete <collection>')
    .option('--json', 'print {"deleted": id} as JSON')
    .action(async (given: string, o) => {
      const c = await client();
      const id = await collectionId(c, given);
      await c.deleteCollection(id);
      if (o.json) writeJson({ deleted: id });
      else out(`deleted ${id}`);
    });

  connection(
    program
      .command('search <collection> <query>')
      .description(
        'search a live collection (id or name): chunks with score, URL, heading path and provenance',
      ),
  )
    .option('-k, --k <n>', 'how many results', intOption, 10)
    .option('--domain <host>', 'only this host and its subdomains')
    .option('--since <date>', 'only pages fetched at or after this ISO 8601 date')
    .option('--lang <code>', 'only this language (ISO 639-1)')
    .option('--json', JSON_HELP)
    .action(async (collection: string, query: string, o) => {
      const c = await sdkClient(o);
      const id = await collectionId(c, collection);
      const filters = {
        ...(o.domain ? { domain: o.domain } : {}),
        ...(o.since ? { since: o.since } : {}),
        ...(o.lang ? { lang: o.lang } : {}),
      };
      const a = await c.searchCollection(id, { query, k: o.k, filters });
      if (o.json) writeJson(a);
      else out(describeResults(a));
    });
}
