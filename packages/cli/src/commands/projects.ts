import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type {
  CreateProjectRequest,
  LabellingProjectInfo,
  LabellingProjectStatus,
  LabellingTaskType,
} from '@sward/core';
import { type Command, InvalidArgumentError } from 'commander';
import { CliError } from '../cli-error.js';
import { API_KEY_HELP, apiKey, COORDINATOR_HELP, coordinatorUrl, sdkClient, writeJson } from '../options.js';

/** Where the coordinator is and who we are to it. */
export interface ProjectClient {
  coordinator: string;
  apiKey: string;
}

export interface CreateFlags {
  file: string;
  type: string;
  name?: string;
  overlap?: number;
  goldShare?: number;
  pay: number;
  rubric?: string;
  qualification?: string;
  passScore?: number;
  license?: string;
  minTaskMs?: number;
}

/** The SDK's client for the project commands. */
const sdk = (c: ProjectClient) => sdkClient(c);

/** A file the command sends: a missing one is named with the flag that gave it. */
function readInput(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    const reason =
      (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message;
    throw new CliError('INPUT', `${flag} ${path}: ${reason}`, { cause });
  }
}

/** Creates a project from a JSONL file; the file is checked by the coordinator, which stores all or nothing. */
export async function createProject(c: ProjectClient, f: CreateFlags): Promise<LabellingProjectInfo> {
  const body: CreateProjectRequest = {
    name: f.name ?? f.file.replace(/^.*[\\/]/, '').replace(/\.jsonl$/, ''),
    type: f.type as LabellingTaskType,
    items: readInput('--file', f.file),
    payPerTask: f.pay,
    ...(f.overlap !== undefined ? { overlap: f.overlap } : {}),
    ...(f.goldShare !== undefined ? { goldShare: f.goldShare } : {}),
    ...(f.rubric ? { rubric: readInput('--rubric', f.rubric) } : {}),
    ...(f.qualification
      ? {
          qualification: {
            items: readInput('--qualification', f.qualification),
            passScore: f.passScore ?? 0.8,
          },
        }
      : {}),
    ...(f.license ? { license: f.license } : {}),
    ...(f.minTaskMs !== undefined ? { minTaskMs: f.minTaskMs } : {}),
  };
  return (await sdk(c)).createProject(body);
}

/** Downloads every export file (JSONL, Parquet, README.md) of a project into `out`. */
export async function exportProject(c: ProjectClient, id: string, out: string): Promise<string[]> {
  const client = await sdk(c);
  const { files } = await client.projectExport(id);
  mkdirSync(out, { recursive: true });
  for (const f of files)
    writeFileSync(join(out, f.name), new Uint8Array(await client.projectExportFile(id, f.name)));
  return files.map((f) => f.name);
}

const share = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError(`expected a number in 0…1, got "${v}"`);
  return n;
};
const count = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number, got "${v}"`);
  return n;
};
const points = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected points ≥ 0, got "${v}"`);
  return n;
};

const client = (o: { coordinator?: string; apiKey?: string }): ProjectClient => ({
  coordinator: coordinatorUrl(o.coordinator),
  apiKey: apiKey(o.apiKey),
});

/** Human text of `project status`. */
export function formatProjectStatus(s: LabellingProjectStatus): string {
  const p = s.project;
  return [
    `${p.id}  ${p.name}  (${p.type}, ${p.items} items, ${p.payPerTask} points per task)`,
    `  ${s.tasksIssued} tasks issued, ${s.labels} labels from ${s.labellers} labellers`,
    ...(p.goldShare > 0 ? [goldLine(s.gold, p.overlap)] : []),
    ...s.flags.map((f) => `  flag ${f.labellerId} ${f.state}: ${f.reasons.join(', ')}`),
  ].join('\n');
}

/**
 * Why a project's gold cannot last at its gold share, or null. Each gold item goes to `overlap` labellers at
 * most, like any item (more would tell someone holding many accounts which items are gold), so gold items
 * must be at least that share of the items.
 */
export function goldShortfall(p: LabellingProjectInfo): string | null {
  if (p.goldShare <= 0 || p.goldItems >= p.goldShare * p.items) return null;
  const lasts = Math.floor((p.goldItems * p.overlap) / p.goldShare);
  return `${p.goldItems} of ${p.items} items have a gold answer, fewer than the gold share ${p.goldShare} asks: each gold item goes to at most ${p.overlap} labellers (the overlap), like any item, so gold checks run out after about ${lasts} tasks and later labellers are checked by consensus alone; give at least ${Math.ceil(p.goldShare * p.items)} items a gold answer`;
}

/** Gold checks left; each gold item goes to `overlap` labellers at most, so none left means no more checks. */
function goldLine(g: LabellingProjectStatus['gold'], overlap: number): string {
  const left = `  gold: ${g.items} items, ${g.tasksLeft} gold tasks left to hand out (each to ${overlap} labellers at most)`;
  return g.tasksLeft > 0 ? left : `${left}: labellers are now checked by consensus alone`;
}

export function register(program: Command): void {
  const project = program.command('project').description('RLHF labelling projects: create, watch, export');
  const common = (cmd: Command) =>
    cmd
      .option('--coordinator <url>', COORDINATOR_HELP)
      .option('--api-key <key>', API_KEY_HELP)
      .option('--json', 'print the answer as JSON');
  common(
    project
      .command('create')
      .description('create a labelling project from a JSONL file of items')
      .requiredOption(
        '--file <items.jsonl>',
        'one item per line: id, prompt, response (rating) or responses, gold?',
      )
      .requiredOption('--type <type>', 'rating | pairwise | ranking')
      .requiredOption('--pay <points>', 'points per accepted label at full accuracy', points)
      .option('--name <name>', 'project name (default: the file name)')
      .option('--overlap <n>', 'labels per item', count, 3)
      .option('--gold-share <share>', 'share of tasks that are gold items', share, 0.1)
      .option('--rubric <file>', 'text shown to labellers with every task')
      .option('--qualification <file>', 'JSONL test items, each with its "gold" answer')
      .option('--pass-score <share>', 'share of the test to get right', share, 0.8)
      .option('--license <spdx>', 'licence for the exported dataset card', 'other')
      .option('--min-task-ms <ms>', 'least time a reader needs for one task', count),
  ).action(async (o) => {
    const p = await createProject(client(o), { ...o, file: resolve(o.file) });
    if (o.json) writeJson(p);
    else process.stdout.write(`${p.id}\t${p.items} items\n`);
    const short = goldShortfall(p);
    if (short) process.stderr.write(`warning: ${short}\n`);
  });
  common(project.command('status <id>').description('labels, labellers and flags of a project')).action(
    async (id, o) => {
      const status = await (await sdk(client(o))).project(id);
      if (o.json) writeJson(status);
      else process.stdout.write(`${formatProjectStatus(status)}\n`);
    },
  );
  common(
    project
      .command('export <id>')
      .description('write preferences and ratings (JSONL and Parquet) and a dataset card')
      .requiredOption('--out <dir>', 'output folder'),
  ).action(async (id, o) => {
    const names = await exportProject(client(o), id, resolve(o.out));
    const files = names.map((n) => join(o.out, n));
    if (o.json) writeJson({ files });
    else process.stdout.write(`${files.join('\n')}\n`);
  });
  common(
    project
      .command('review <id> <labeller>')
      .description('decide on a flagged labeller: clear (pay what was held) or confirm (forfeit it)')
      .requiredOption('--verdict <verdict>', 'clear | confirm'),
  ).action(async (id, labeller, o) => {
    if (o.verdict !== 'clear' && o.verdict !== 'confirm')
      throw new CliError('USAGE', `--verdict must be clear or confirm, got "${o.verdict}"`);
    await (await sdk(client(o))).reviewLabeller(id, labeller, o.verdict);
    if (o.json) writeJson({ ok: true });
    else process.stdout.write('ok\n');
  });
}
