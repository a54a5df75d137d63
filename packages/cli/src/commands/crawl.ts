import { resolve } from 'node:path';
import type { Command } from 'commander';
import { collect, defaultCoordinatorUrl, intOption } from '../options.js';
import { formatCrawlSummary } from '../summary.js';

export function register(program: Command): void {
  program
    .command('crawl <seed>')
    .description('submit a crawl job, follow it to the end and write its output')
    .option('--coordinator <url>', 'coordinator URL (env SWARD_COORDINATOR)', defaultCoordinatorUrl())
    .option('--api-key <key>', 'API key (env SWARD_API_KEY)', process.env.SWARD_API_KEY)
    .option('--max-pages <n>', 'stop after this many stored pages', intOption, 1000)
    .option('--max-depth <n>', 'follow links this many hops from the seed', intOption, 20)
    .option('--include <glob>', 'only URLs matching this glob (repeatable)', collect, [])
    .option('--exclude <glob>', 'never URLs matching this glob (repeatable)', collect, [])
    .option('--out <dir>', 'output folder', 'sward-out')
    .option('--warc', 'also write a WARC 1.1 file of the responses')
    .option('--lang <codes>', 'keep only documents in these languages (ISO 639-1, comma-separated)', (v) =>
      v.split(','),
    )
    .option('--quality <preset>', 'quality filter: none, c4, gopher or strict', 'none')
    .option('--dedup-threshold <j>', 'near-duplicate Jaccard threshold', Number, 0.8)
    .action(async (seed: string, o) => {
      if (!o.apiKey) throw new Error('no API key: pass --api-key or set SWARD_API_KEY');
      const { QUALITY_PRESETS } = await import('@sward/extract');
      const { SwardClient } = await import('@sward/sdk');
      const { writeCrawlOutput } = await import('../crawl-output.js');
      const { crawlProgressBar } = await import('../progress.js');
      if (!QUALITY_PRESETS.includes(o.quality))
        throw new Error(`--quality must be one of ${QUALITY_PRESETS.join(', ')}`);

      const client = new SwardClient({ url: o.coordinator, apiKey: o.apiKey });
      const t0 = Date.now();
      const job = await client.createCrawl({
        seed,
        maxPages: o.maxPages,
        maxDepth: o.maxDepth,
        include: o.include,
        exclude: o.exclude,
      });
      process.stderr.write(`job ${job.id} submitted\n`);
      const bar = crawlProgressBar();
      const done = await client.waitForJob(
        job.id,
        (j) => bar.update(j),
        250,
        (e) => process.stderr.write(`coordinator unreachable (${e.message}); waiting\n`),
      );
      bar.stop();
      const out = await writeCrawlOutput(client, job.id, resolve(o.out), {
        warc: o.warc,
        lang: o.lang ?? [],
        quality: o.quality,
        dedupThreshold: o.dedupThreshold,
      });
      process.stdout.write(`${formatCrawlSummary(done, out, Date.now() - t0)}\n`);
    });
}
