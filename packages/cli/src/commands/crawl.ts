import { resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CliError } from '../cli-error.js';
import {
  API_KEY_HELP,
  COORDINATOR_HELP,
  collect,
  intOption,
  MAX_AGE_HELP,
  maxAgeOption,
  sdkClient,
  writeJson,
} from '../options.js';
import { formatCrawlSummary } from '../summary.js';

/** A USD amount as the API takes it: a decimal string with at most 6 decimals. */
function usd(value: string): string {
  if (!/^\d{1,9}(\.\d{1,6})?$/.test(value.trim()))
    throw new InvalidArgumentError(
      `expected an amount in USD like 0.01 (at most 6 decimals), got "${value}"`,
    );
  return value.trim();
}

/**
 * `origin=token`, repeatable. The token is a secret: read here rather than in commander's argument parser,
 * whose error message would repeat the value; the message names the expected form only.
 */
function licenseTokens(values: readonly string[]): { origin: string; token: string }[] {
  return values.map((value) => {
    const eq = value.indexOf('=');
    const token = eq > 0 ? value.slice(eq + 1) : '';
    let origin: URL | null = null;
    try {
      origin = new URL(value.slice(0, eq));
    } catch {}
    if (!origin || !/^https?:$/.test(origin.protocol) || !token)
      throw new CliError('USAGE', '--license-token: expected origin=token, e.g. https://example.org=<token>');
    return { origin: origin.origin, token };
  });
}

function threshold(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1))
    throw new InvalidArgumentError(`expected a number from 0 to 1, got "${value}"`);
  return n;
}

const PII_KINDS = ['email', 'phone', 'ip', 'card'] as const;

/** `--keep-pii email,ip` → `{ email: true, ip: true }`: the crawl request's keepPii (a bare flag keeps all). */
function keepPiiKinds(value: string): Partial<Record<(typeof PII_KINDS)[number], true>> {
  const out: Partial<Record<(typeof PII_KINDS)[number], true>> = {};
  for (const k of value.split(',').map((x) => x.trim())) {
    if (!(PII_KINDS as readonly string[]).includes(k))
      throw new CliError('USAGE', `--keep-pii takes kinds among ${PII_KINDS.join(', ')}, got "${k}"`);
    out[k as (typeof PII_KINDS)[number]] = true;
  }
  return out;
}

export function register(program: Command): void {
  program
    .command('crawl <seed>')
    .description('submit a crawl job, follow it to the end and write its output')
    .option('--coordinator <url>', COORDINATOR_HELP)
    .option('--api-key <key>', API_KEY_HELP)
    .option('--max-pages <n>', 'stop after this many stored pages', intOption, 1000)
    .option('--max-depth <n>', 'follow links this many hops from the seed', intOption, 20)
    .option('--include <glob>', 'only URLs matching this glob (repeatable)', collect, [])
    .option('--exclude <glob>', 'never URLs matching this glob (repeatable)', collect, [])
    .addOption(
      new Option(
        '--purpose <purpose>',
        "what the pages are for; publishers' preferences are honoured for it (docs/PUBLISHERS.md)",
      )
        .choices(['train', 'input', 'index', 'search'])
        .default('train'),
    )
    .option('--max-price <usd>', 'pay-per-crawl: pay at most this much for one page, in USD (e.g. 0.01)', usd)
    .option(
      '--budget <usd>',
      'pay-per-crawl: spend at most this much on the whole job, in USD; needs --max-price',
      usd,
    )
    .option(
      '--license-token <origin=token>',
      'an RSL licence token sent as "Authorization: License" to that origin only (repeatable; never shown or stored in outputs)',
      collect,
      [],
    )
    .option('--max-age <duration>', MAX_AGE_HELP, maxAgeOption)
    .option('--out <dir>', 'output folder', 'sward-out')
    .option('--warc', 'also write a WARC 1.1 file of the responses')
    .option('--lang <codes>', 'keep only documents in these languages (ISO 639-1, comma-separated)', (v) =>
      v.split(','),
    )
    .option('--quality <preset>', 'quality filter: none, c4, gopher or strict', 'none')
    .option('--dedup-threshold <j>', 'near-duplicate Jaccard threshold, 0 to 1', threshold, 0.8)
    .option(
      '--keep-pii [kinds]',
      'keep personal data in the documents: every kind, or these (email,phone,ip,card); default: redacted',
      keepPiiKinds,
    )
    .option('--json', 'print the summary as JSON (job, output counts, elapsed time)')
    .action(async (seed: string, o) => {
      const { QUALITY_PRESETS } = await import('@sward/extract/light');
      const { crawlProgressBar } = await import('../progress.js');
      if (!QUALITY_PRESETS.includes(o.quality))
        throw new CliError(
          'USAGE',
          `--quality must be one of ${QUALITY_PRESETS.join(', ')}, got "${o.quality}"`,
        );
      if (o.budget !== undefined && o.maxPrice === undefined)
        throw new CliError('USAGE', '--budget needs --max-price (the most one page may cost)');
      // The coordinator checks the seed in full (length, credentials…); a seed that is no http(s) URL at all
      // is the command line's mistake (exit 2), said before a key or a coordinator is needed.
      if (!URL.canParse(seed) || !/^https?:$/.test(new URL(seed).protocol))
        throw new CliError('USAGE', `seed ${seed}: expected an http(s) URL, e.g. https://example.org/`);
      const tokens = licenseTokens(o.licenseToken);
      // Submitted and followed over node:http (follow-fetch.ts); the output phase's client has the global fetch.
      const polling = (await import('../follow-fetch.js')).followFetch();
      const follower = await sdkClient(o, polling.fetch);
      const t0 = Date.now();
      (await import('../follow-runtime.js')).followLean();
      const job = await follower.createCrawl({
        seed,
        maxPages: o.maxPages,
        maxDepth: o.maxDepth,
        include: o.include,
        exclude: o.exclude,
        purpose: o.purpose,
        ...(o.maxPrice !== undefined ? { maxPrice: o.maxPrice } : {}),
        ...(o.budget !== undefined ? { budget: o.budget } : {}),
        ...(tokens.length ? { licenseTokens: tokens } : {}),
        ...(o.keepPii === undefined ? {} : { keepPii: o.keepPii }),
        ...(o.maxAge === undefined ? {} : { maxAge: o.maxAge }),
      });
      process.stderr.write(`job ${job.id} submitted\n`);
      const bar = crawlProgressBar();
      const done = await follower
        .waitForJob(
          job.id,
          (j) => {
            bar.update(j);
            bar.waits(j);
          },
          250,
          (e) => process.stderr.write(`coordinator unreachable (${e.message}); waiting\n`),
        )
        .finally(() => polling.close());
      bar.stop();
      const client = await sdkClient(o);
      // Loaded once the job is done: the output writer brings the coordinator's bundle code (its output entry,
      // not the server) and core's wire schemas, which a command that only follows the crawl for minutes need
      // not hold all that time.
      const { writeCrawlOutput } = await import('../crawl-output.js');
      const out = await writeCrawlOutput(client, job.id, resolve(o.out), {
        warc: o.warc,
        lang: o.lang ?? [],
        quality: o.quality,
        dedupThreshold: o.dedupThreshold,
      });
      const elapsedMs = Date.now() - t0;
      if (o.json) writeJson({ job: done, output: out, elapsedMs });
      else process.stdout.write(`${formatCrawlSummary(done, out, elapsedMs)}\n`);
    });
}
