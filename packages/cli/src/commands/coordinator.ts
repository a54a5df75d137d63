import { dirname, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { isPostgresUrl } from '../db-location.js';
import { DB_HELP, intOption } from '../options.js';

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
      '--config <file>',
      'JSON file of these settings by camelCase name, e.g. {"port": 8080, "minRefresh": "30s"} (flags > env > this file > defaults)',
    )
    .option('--db <location>', DB_HELP)
    .option(
      '--data-dir <dir>',
      'folder for raw bodies, shared by coordinators on one database (default: beside a SQLite db, else ./sward-data)',
    )
    .option(
      '--log-key <file>',
      'the log signing key, created on first start (default DATA_DIR/log.key; coordinators sharing a database must share it)',
    )
    .option('--port <n>', 'port to listen on (env SWARD_PORT, default 8080)', intOption)
    .option('--host <addr>', 'address to listen on (env SWARD_HOST, default 127.0.0.1)')
    .option('--lease-ms <ms>', 'lease length before a URL goes to another node (default 60000)', intOption)
    .option(
      '--node-timeout-ms <ms>',
      'a node silent this long (no heartbeat) loses its leases at once; 0: only at the lease deadline (default 20000)',
      intOption,
    )
    .option('--host-delay-ms <ms>', 'minimum gap between requests to one origin (default 100)', intOption)
    .option(
      '--max-crawl-delay <seconds>',
      'longest robots.txt Crawl-delay honoured; origins asking for more are skipped (crawl_delay_too_long; default 60)',
      secondsOption,
    )
    .option('--anchor <kind>', 'where checkpoints are anchored: file (default) or solana (memo transactions)')
    .option(
      '--anchor-file <path>',
      'hash-chained anchor file (default DATA_DIR/anchors.jsonl; one per coordinator)',
    )
    .option('--rpc <url>', 'Solana JSON-RPC URL for --anchor solana (keep any API key in it private)')
    .option(
      '--keypair <file>',
      'fee payer for --anchor solana: a Solana CLI keypair file (JSON array of 64 bytes)',
    )
    .option(
      '--embeddings-url <url>',
      'OpenAI-compatible embeddings server for vector search (Ollama, vLLM, …; key in env SWARD_EMBEDDINGS_KEY)',
    )
    .option('--embeddings-model <name>', 'model name sent to --embeddings-url')
    .option(
      '--embeddings-dir <dir>',
      'local transformers.js model folder for vector search (never downloaded)',
    )
    .option('--min-refresh <interval>', 'shortest refresh interval customers may ask for (default 10s)')
    .option('--allow-private-webhooks', 'let collection webhooks call private and loopback addresses')
    .option(
      '--public-url <url>',
      "this coordinator's public origin, where sites fetch its Web Bot Auth key directory (default: the URL nodes use)",
    )
    .option(
      '--trusted-proxies <addresses>',
      'comma-separated reverse-proxy addresses whose X-Forwarded-For names a node (default: none)',
    )
    .option(
      '--requests-per-minute <n>',
      'API requests per key per minute, 0 for no limit (default 60000)',
      intOption,
    )
    .option('--pages-per-day <n>', 'pages per key per UTC day, 0 for no limit (default 1000000)', intOption)
    .option(
      '--concurrent-jobs-per-tenant <n>',
      'crawl jobs one tenant may run at once, 0 for no limit (default 50)',
      intOption,
    )
    .option(
      '--leases-per-node <n>',
      'leases one node may hold at once, 0 for no limit (default 64)',
      intOption,
    )
    .option(
      '--extraction-threads <n>',
      'threads making documents off the capture path (default: the cores but one, at least one)',
      intOption,
    )
    .option(
      '--sqlite-cache-mib <n>',
      "SQLite's page cache in MiB (default 2; resident once filled)",
      intOption,
    )
    .option(
      '--sqlite-mmap-mib <n>',
      'MiB of the SQLite file read through mmap (default 256; 0: none, if no collections are searched)',
      intOption,
    )
    .option('--no-politeness', 'BENCHMARKS ONLY: lift per-origin serialisation and delays')
    .action(async (given: { config?: string }, cmd: Command) => {
      // Only what was typed: defaults must not hide the environment or the config file.
      const flags = Object.fromEntries(
        Object.entries(cmd.opts()).filter(([k]) => k !== 'config' && cmd.getOptionValueSource(k) === 'cli'),
      );
      const { loadCoordinatorConfig } = await import('../coordinator-config.js');
      const o = loadCoordinatorConfig({ flags, env: process.env, configFile: given.config });
      const { LocalEmbeddings, OpenAiEmbeddings, parseInterval, startCoordinator } = await import(
        '@sward/coordinator'
      );
      const pgUrl = isPostgresUrl(o.db);
      const dataDir = o.dataDir ?? (pgUrl ? 'sward-data' : dirname(resolve(o.db)));
      const embeddings = o.embeddingsUrl
        ? new OpenAiEmbeddings({
            url: o.embeddingsUrl,
            model: o.embeddingsModel as string,
            ...(process.env.SWARD_EMBEDDINGS_KEY ? { apiKey: process.env.SWARD_EMBEDDINGS_KEY } : {}),
          })
        : o.embeddingsDir
          ? new LocalEmbeddings({ modelDir: resolve(o.embeddingsDir) })
          : null;
      const c = await startCoordinator({
        db: pgUrl ? o.db : resolve(o.db),
        dataDir: resolve(dataDir),
        ...(o.logKey ? { logKeyFile: resolve(o.logKey) } : {}),
        port: o.port,
        host: o.host,
        scheduler: {
          leaseMs: o.leaseMs,
          nodeTimeoutMs: o.nodeTimeoutMs,
          hostDelayMs: o.hostDelayMs,
          politeness: o.politeness,
          maxCrawlDelayMs: o.maxCrawlDelay * 1000,
          quotas: {
            requestsPerMinute: o.requestsPerMinute,
            pagesPerDay: o.pagesPerDay,
            concurrentJobsPerTenant: o.concurrentJobsPerTenant,
            leasesPerNode: o.leasesPerNode,
          },
        },
        collections: {
          embeddings,
          minIntervalMs: parseInterval(o.minRefresh),
          allowPrivateWebhooks: Boolean(o.allowPrivateWebhooks),
        },
        trustedProxies: o.trustedProxies,
        sqlite: {
          cacheMiB: o.sqliteCacheMib,
          mmapMiB: o.sqliteMmapMib,
          // A long-running coordinator: its commits should not stall on WAL checkpoints.
          checkpointThread: true,
        },
        ...(o.extractionThreads === undefined ? {} : { extractionThreads: o.extractionThreads }),
        ...(o.publicUrl ? { webBotAuth: { signatureAgent: o.publicUrl } } : {}),
        ...(o.anchor === 'solana'
          ? {
              anchor: {
                kind: 'solana' as const,
                rpcUrl: o.rpc as string,
                keypairPath: resolve(o.keypair as string),
              },
            }
          : o.anchorFile
            ? { anchor: { kind: 'file' as const, path: resolve(o.anchorFile) } }
            : {}),
      });
      // Before the line that says it listens: a supervisor (or a test) that stops it as soon as it reads that line
      // must find the handler, not SIGTERM's default (a kill with no clean close, seen on a loaded machine).
      // SIGTERM: refuse new requests, let those in flight finish, exit within 5 s whatever hangs. Leases
      // belong to the nodes, not to this process: nothing is handed back here.
      const stop = async () => {
        setTimeout(() => {
          process.stderr.write('coordinator: shutdown took over 4.5 s; exiting anyway\n');
          process.exit(1);
        }, 4500).unref();
        await c.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.stdout.write(`coordinator listening on ${c.url}\n`);
      process.stdout.write(`console: ${c.url}/console/ (sign in with an API key or a session token)\n`);
      if (c.firstApiKey) {
        process.stdout.write(
          `first API key (shown once, stored hashed): ${c.firstApiKey}\n  export SWARD_API_KEY=${c.firstApiKey}\n`,
        );
      }
    });
}
