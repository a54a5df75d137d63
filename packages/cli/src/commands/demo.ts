import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunningNode } from '@sward/node';
import type { Command } from 'commander';
import { intOption } from '../options.js';
import { formatCrawlSummary } from '../summary.js';

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'crawl a bundled sample site with a local coordinator (embedded SQLite) and three local nodes',
    )
    .option('--out <dir>', 'where the demo keeps its database, node keys and output', 'sward-out/demo')
    .option('--pages <n>', 'article pages on the sample site', intOption, 200)
    .option('--nodes <n>', 'local nodes to start', intOption, 3)
    .option('--serve', 'after the crawl, keep the coordinator serving its API and console until Ctrl-C')
    .action(async (o) => {
      const { startCoordinator } = await import('@sward/coordinator');
      const { startNode } = await import('@sward/node');
      const { SwardClient } = await import('@sward/sdk');
      const { startSampleSite } = await import('@sward/testsites');
      const { pino } = await import('pino');
      const { writeCrawlOutput } = await import('../crawl-output.js');
      const { crawlProgressBar } = await import('../progress.js');
      const out = resolve(o.out);
      rmSync(out, { recursive: true, force: true });
      const quiet = pino({ level: process.env.SWARD_LOG_LEVEL ?? 'warn' });
      const site = await startSampleSite({ pages: o.pages });
      process.stdout.write(`sample site on ${site.url} (${site.expected.total} URLs)\n`);
      const coordinator = await startCoordinator({
        db: join(out, 'coordinator', 'sward.db'),
        dataDir: join(out, 'coordinator'),
        log: quiet,
      });
      process.stdout.write(
        `coordinator on ${coordinator.url} (SQLite: ${join(out, 'coordinator', 'sward.db')})\n`,
      );
      // The demo's own admin key: the coordinator is the visitor's, on loopback, gone when the demo ends.
      process.stdout.write(
        `console: ${coordinator.url}/console/ (sign in with the API key ${coordinator.firstApiKey})\n`,
      );
      const nodes: RunningNode[] = [];
      const names = new Map<string, string>();
      for (let i = 1; i <= o.nodes; i++) {
        const dir = join(out, 'nodes', `node-${i}`);
        const n = await startNode(
          {
            coordinatorUrl: coordinator.url,
            keyFile: join(dir, 'node.key'),
            logFile: join(dir, 'fetch-log.jsonl'),
            stateFile: join(dir, 'state.json'),
            // The sample site lives on loopback, which nodes refuse unless told otherwise.
            allowPrivate: true,
            leaseWaitMs: 2000,
            operator: `demo-operator-${i}`,
          },
          { logger: quiet },
        );
        nodes.push(n);
        names.set(n.id, `node-${i}`);
      }
      process.stdout.write(`${nodes.length} node${nodes.length === 1 ? '' : 's'} started\n`);
      try {
        const client = new SwardClient({ url: coordinator.url, apiKey: coordinator.firstApiKey as string });
        const t0 = Date.now();
        const job = await client.createCrawl({ seed: `${site.url}/`, maxPages: 5000, maxDepth: 20 });
        const bar = crawlProgressBar(true);
        const done = await client.waitForJob(job.id, (j) => bar.update(j), 200);
        bar.stop();
        const summary = await writeCrawlOutput(client, job.id, join(out, 'output'), { warc: true });
        process.stdout.write(`\n${formatCrawlSummary(done, summary, Date.now() - t0, names)}\n`);
        if (o.serve) {
          process.stdout.write(
            `\nthe coordinator keeps serving the console at ${coordinator.url}/console/; Ctrl-C to stop\n`,
          );
          await new Promise<void>((done) => {
            process.once('SIGINT', () => done());
            process.once('SIGTERM', () => done());
          });
        }
      } finally {
        await Promise.all(nodes.map((n) => n.stop()));
        await coordinator.close();
        await site.close();
      }
    });
}
