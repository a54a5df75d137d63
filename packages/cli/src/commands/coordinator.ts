import { dirname, resolve } from 'node:path';
import { LocalEmbeddings, OpenAiEmbeddings, parseInterval, startCoordinator } from '@sward/coordinator';
import { type Command, InvalidArgumentError } from 'commander';
import { intOption } from '../options.js';

/** A non-negative number of seconds (Crawl-delay may be fractional). */
function secondsOption(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`expected a number of seconds, got "${value}"`);
  return n;
}

export function register(program: Command): void {
  program
    .command('coordinator')
    .description('run a coordinator: HTTP API, scheduler and ingest')
    .option(
      '--db <location>',
      'SQLite file path or postgres:// URL',
      process.env.SWARD_DB ?? 'sward-data/sward.db',
    )
    .option('--data-dir <dir>', 'folder for raw bodies (default: beside a SQLite db, else ./sward-data)')
    .option('--port <n>', 'port to listen on', intOption, Number(process.env.SWARD_PORT ?? 8080))
    .option('--host <addr>', 'address to listen on', process.env.SWARD_HOST ?? '127.0.0.1')
    .option('--lease-ms <ms>', 'lease length before a URL goes to another node', intOption, 60_000)
    .option('--host-delay-ms <ms>', 'minimum gap between requests to one origin', intOption, 100)
    .option(
      '--max-crawl-delay <seconds>',
      'longest robots.txt Crawl-delay honoured; origins asking for more are skipped (crawl_delay_too_long)',
      secondsOption,
      60,
    )
    .option(
      '--anchor-file <path>',
      'hash-chained anchor file (default DATA_DIR/anchors.jsonl; one per coordinator)',
    )
    .option(
      '--embeddings-url <url>',
      'OpenAI-compatible embeddings server for vector search (Ollama, vLLM, …)',
    )
    .option('--embeddings-model <name>', 'model name sent to --embeddings-url')
    .option(
      '--embeddings-dir <dir>',
      'local transformers.js model folder for vector search (never downloaded)',
    )
    .option('--min-refresh <interval>', 'shortest refresh interval customers may ask for', '10s')
    .option('--allow-private-webhooks', 'let collection webhooks call private and loopback addresses')
    .option('--no-politeness', 'BENCHMARKS ONLY: lift per-origin serialisation and delays')
    .action(async (o) => {
      const pgUrl = /^postgres(ql)?:\/\//.test(o.db);
      const dataDir = o.dataDir ?? (pgUrl ? 'sward-data' : dirname(resolve(o.db)));
      if (o.embeddingsUrl && o.embeddingsDir)
        throw new Error('give --embeddings-url or --embeddings-dir, not both');
      if (o.embeddingsUrl && !o.embeddingsModel) throw new Error('--embeddings-url needs --embeddings-model');
      const embeddings = o.embeddingsUrl
        ? new OpenAiEmbeddings({
            url: o.embeddingsUrl,
            model: o.embeddingsModel,
            ...(process.env.SWARD_EMBEDDINGS_KEY ? { apiKey: process.env.SWARD_EMBEDDINGS_KEY } : {}),
          })
        : o.embeddingsDir
          ? new LocalEmbeddings({ modelDir: resolve(o.embeddingsDir) })
          : null;
      const c = await startCoordinator({
        db: pgUrl ? o.db : resolve(o.db),
        dataDir: resolve(dataDir),
        port: o.port,
        host: o.host,
        scheduler: {
          leaseMs: o.leaseMs,
          hostDelayMs: o.hostDelayMs,
          politeness: o.politeness,
          maxCrawlDelayMs: o.maxCrawlDelay * 1000,
        },
        collections: {
          embeddings,
          minIntervalMs: parseInterval(o.minRefresh),
          allowPrivateWebhooks: Boolean(o.allowPrivateWebhooks),
        },
        ...(o.anchorFile ? { anchor: { kind: 'file' as const, path: resolve(o.anchorFile) } } : {}),
      });
      process.stdout.write(`coordinator listening on ${c.url}\n`);
      if (c.firstApiKey) {
        process.stdout.write(
          `first API key (shown once, stored hashed): ${c.firstApiKey}\n  export SWARD_API_KEY=${c.firstApiKey}\n`,
        );
      }
      const stop = async () => {
        await c.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
