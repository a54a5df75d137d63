import { resolve } from 'node:path';
import type { JobInfo } from '@sward/sdk';
import type { Command } from 'commander';
import { API_KEY_HELP, COORDINATOR_HELP, sdkClient, writeJson } from '../options.js';

const when = (t: number | null | undefined) => (t == null ? '-' : new Date(t).toISOString());

function describeJob(j: JobInfo): string {
  return `${j.id}  ${j.state}  ${j.seed}  ${j.stored} pages stored; finished ${when(j.finishedAt)}`;
}

/** Its counts, then one line per site its queued pages wait for (GET /v1/jobs/:id `progress.waitingFor`). */
function progressLines(j: JobInfo): string[] {
  const p = j.progress;
  if (!p) return [];
  return [
    `  queued ${p.queued}  leased ${p.leased}  stored ${p.stored}  skipped ${p.skipped}  failed ${p.failed}  documents pending ${p.documentsPending ?? 0}`,
    ...(p.waitingFor ?? []).map((w) => `  ${w.message} (${w.pages} ${w.pages === 1 ? 'page' : 'pages'})`),
  ];
}

/** `sward job …`: one crawl job already submitted (by `sward crawl`, the SDK or the console). */
export function register(program: Command): void {
  const job = program
    .command('job')
    .description('a crawl job already submitted: show its progress, cancel it, write its output');
  const remote = (c: Command) =>
    c
      .option('--coordinator <url>', COORDINATOR_HELP)
      .option('--api-key <key>', API_KEY_HELP)
      .option('--json', 'print the answer as JSON');

  remote(
    job
      .command('show <id>')
      .description("a job's state and progress, and what its queued pages wait for (a site's robots.txt)"),
  ).action(async (id: string, o) => {
    const j = await (await sdkClient(o)).job(id);
    if (o.json) writeJson(j);
    else process.stdout.write(`${[describeJob(j), ...progressLines(j)].join('\n')}\n`);
  });

  remote(
    job
      .command('cancel <id>')
      .description(
        'cancel a running job: nothing more is fetched, what it stored stays (`sward job output` writes it)',
      ),
  ).action(async (id: string, o) => {
    const j = await (await sdkClient(o)).cancelJob(id);
    if (o.json) writeJson(j);
    else process.stdout.write(`${describeJob(j)}\n`);
  });

  remote(
    job
      .command('output <id>')
      .description(
        "write a job's output folder as `sward crawl` does at its end (a running job is followed to its end first)",
      )
      .option('--out <dir>', 'output folder', 'sward-out')
      .option('--warc', 'also write a WARC 1.1 file of the responses'),
  ).action(async (id: string, o) => {
    const { writeCrawlOutput } = await import('../crawl-output.js');
    const client = await sdkClient(o);
    // A cancelled job's documents may still be in the making: waited for too.
    const j = await client.waitForJob(id);
    const out = await writeCrawlOutput(client, id, resolve(o.out), { warc: o.warc });
    if (o.json) writeJson({ job: j, output: out });
    else process.stdout.write(`${describeJob(j)}\n  output: ${out.dir} (${out.pages} pages)\n`);
  });
}
