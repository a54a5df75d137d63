import { resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CliError } from '../cli-error.js';
import { API_KEY_HELP, COORDINATOR_HELP, intOption, maxAgeOption, sdkClient, writeJson } from '../options.js';
import { registerCatalogue } from './dataset-catalogue.js';

const list = (v: string) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function threshold(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1))
    throw new InvalidArgumentError(`expected a number from 0 to 1, got "${value}"`);
  return n;
}

/** `--from`: `archive`, `collection:<id>` or job ids. */
function fromOption(v: string): { archive: true } | { collection: string } | { jobs: string[] } {
  if (v.trim() === 'archive') return { archive: true };
  if (v.startsWith('collection:')) return { collection: v.slice('collection:'.length).trim() };
  const jobs = list(v);
  if (jobs.length === 0) throw new InvalidArgumentError('expected job ids, collection:<id> or archive');
  return { jobs };
}

/**
 * `sward dataset build`: the coordinator builds, the CLI follows it and downloads the signed files; and the
 * catalogue's commands (dataset-catalogue.ts).
 */
export function register(program: Command): void {
  const dataset = program
    .command('dataset')
    .description('datasets built on the coordinator from crawled pages');
  dataset
    .command('build')
    .description(
      'build a dataset (Parquet shards, dataset card, croissant.json, provenance, proof bundle) and write it to --out',
    )
    .requiredOption(
      '--from <source>',
      'what to build from: finished job ids (comma-separated), collection:<id> (its refreshes), or archive (every finished job of yours)',
      fromOption,
    )
    .option('--coordinator <url>', COORDINATOR_HELP)
    .option('--api-key <key>', API_KEY_HELP)
    .option('--lang <codes>', 'keep only documents in these languages (ISO 639-1, comma-separated)', list)
    .addOption(
      new Option('--quality <preset>', 'quality filter')
        .choices(['none', 'c4', 'gopher', 'strict'])
        .default('none'),
    )
    .option('--dedup <j>', 'near-duplicate Jaccard threshold, 0 to 1', threshold, 0.8)
    .option('--since <time>', 'only pages fetched at or after this ISO 8601 time')
    .option(
      '--max-age <duration>',
      'only pages fetched at most this long before the build (30m, 1h, 7d)',
      maxAgeOption,
    )
    .option('--domains <hosts>', 'only pages of these hosts and their subdomains (comma-separated)', list)
    .addOption(
      new Option('--purpose <purpose>', 'keep only rows whose rights receipt allows this use')
        .choices(['train', 'input'])
        .default('train'),
    )
    .option('--shard-mb <n>', 'Parquet shard size in MB', intOption, 256)
    .option('--name <name>', 'the dataset name in its card and croissant.json')
    .requiredOption('--out <dir>', 'output folder')
    .option('--json', 'print the build (report included) as JSON')
    .action(async (o) => {
      if (o.since !== undefined && Number.isNaN(Date.parse(o.since)))
        throw new CliError('USAGE', `--since: expected an ISO 8601 time, got "${o.since}"`);
      const client = await sdkClient(o);
      const { downloadDataset } = await import('@sward/sdk');
      const build = await client.createDatasetBuild({
        from: o.from,
        quality: o.quality,
        dedup: o.dedup,
        purpose: o.purpose,
        shardBytes: o.shardMb * 1024 * 1024,
        ...(o.lang ? { lang: o.lang } : {}),
        ...(o.since ? { since: new Date(o.since).toISOString() } : {}),
        ...(o.maxAge ? { maxAge: o.maxAge } : {}),
        ...(o.domains ? { domains: o.domains } : {}),
        ...(o.name ? { name: o.name } : {}),
      });
      process.stderr.write(`dataset build ${build.id} started\n`);
      const done = await client.waitForDatasetBuild(build.id, (b) =>
        process.stderr.write(`\r${b.progress.pages} pages read, ${b.progress.rows} rows`),
      );
      process.stderr.write('\n');
      const out = await downloadDataset(client, build.id, resolve(o.out));
      if (o.json) writeJson({ build: done, output: { dir: resolve(o.out), ...out } });
      else {
        const r = done.report;
        const ex = r ? Object.entries(r.excluded).map(([k, n]) => `${k} ${n}`) : [];
        process.stdout.write(
          `${r?.rows ?? 0} rows in ${r?.shards ?? 0} shard(s) written to ${resolve(o.out)}; excluded: ${ex.join(', ')} (excluded.jsonl)\n` +
            (r?.fromArchive === undefined
              ? ''
              : `rows from the archive: ${r.fromArchive}, fetched: ${r.fetched ?? 0}\n`),
        );
      }
    });
  registerCatalogue(dataset);
}
