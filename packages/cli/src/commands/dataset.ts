import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DatasetFigures, DatasetValuation } from '@sward/core';
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

const pct = (n: number, of: number) => (of > 0 ? `${((n / of) * 100).toFixed(1)} %` : '-');

/** The report's headline figures as aligned text, the reference in a second column. */
function reportText(v: DatasetValuation): string {
  const lines: [string, (f: DatasetFigures) => string][] = [
    ['rows', (f) => String(f.rows)],
    ['tokens (estimate)', (f) => String(f.tokens.total)],
    ['unique domains', (f) => String(f.domains.unique)],
    ['languages', (f) => f.languages.map((l) => `${l.key} ${pct(l.n, f.rows)}`).join(', ') || '-'],
    ['mean quality score', (f) => (f.quality.mean === null ? '-' : f.quality.mean.toFixed(3))],
    [
      'near-duplicate rate',
      (f) =>
        `${pct(f.nearDuplicates.exact + f.nearDuplicates.near, f.nearDuplicates.checked)} at ${f.nearDuplicates.threshold}`,
    ],
    ['median capture age', (f) => (f.freshness.ageHours ? `${f.freshness.ageHours.p50} h` : '-')],
    ['allowed for train', (f) => pct(f.purposes.train, f.rows)],
    ['with a publisher preference', (f) => pct(f.optOut.rowsWithPreference, f.rows)],
    ['left out by preference', (f) => String(f.optOut.excludedForPurpose)],
  ];
  const d = v.dataset;
  const r = v.reference;
  const rows = [
    ['', d.source.name, r?.source.name ?? ''],
    ...lines.map(([label, f]) => [label, f(d), r ? f(r) : '']),
  ];
  const w0 = Math.max(...rows.map((x) => x[0]?.length ?? 0));
  const w1 = Math.max(...rows.map((x) => x[1]?.length ?? 0));
  return `${rows
    .map(([a, b, c]) =>
      `${(a ?? '').padEnd(w0)}  ${r ? (b ?? '').padEnd(w1) : (b ?? '')}${r ? `  ${c}` : ''}`.trimEnd(),
    )
    .join('\n')}\n`;
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
  dataset
    .command('report <build>')
    .description(
      "a finished build's valuation report (rows, tokens, domains, languages, quality, near-duplicates, freshness, licences, purposes, opt-outs), beside a reference",
    )
    .option(
      '--reference <build>',
      'compare with another build id, or builtin (the sample shipped with Sward)',
    )
    .option('--out <dir>', 'write report.json and report.html (self-contained, no script) to this folder')
    .option('--coordinator <url>', COORDINATOR_HELP)
    .option('--api-key <key>', API_KEY_HELP)
    .option('--json', 'print the report as JSON')
    .action(async (build: string, o) => {
      const client = await sdkClient(o);
      const opts = o.reference ? { reference: String(o.reference) } : {};
      const report = await client.datasetReport(build, opts);
      if (o.out) {
        const dir = resolve(o.out);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
        // Rendered here from the same JSON: the two files always agree, and the report is computed once.
        const { reportPage } = await import('@sward/core');
        writeFileSync(join(dir, 'report.html'), reportPage(report));
        process.stderr.write(
          `report written to ${join(dir, 'report.json')} and ${join(dir, 'report.html')}\n`,
        );
      }
      if (o.json) writeJson(report);
      else process.stdout.write(reportText(report));
    });
  registerCatalogue(dataset);
}
