import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { defaultCoordinatorUrl } from '../options.js';

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

/** The coordinator's error message (for a bad file: every bad line and why), as an Error. */
async function request(c: ProjectClient, method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${c.coordinator.replace(/\/$/, '')}/v1/labelling${path}`, {
    method,
    headers: { authorization: `Bearer ${c.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) {
    const text = await res.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
    } catch {}
    throw new Error(`${method} ${path}: ${res.status} ${message}`);
  }
  return res;
}

/** Creates a project from a JSONL file; the file is checked by the coordinator, which stores all or nothing. */
export async function createProject(
  c: ProjectClient,
  f: CreateFlags,
): Promise<{ id: string; items: number }> {
  const body = {
    name: f.name ?? f.file.replace(/^.*[\\/]/, '').replace(/\.jsonl$/, ''),
    type: f.type,
    items: readFileSync(f.file, 'utf8'),
    payPerTask: f.pay,
    ...(f.overlap !== undefined ? { overlap: f.overlap } : {}),
    ...(f.goldShare !== undefined ? { goldShare: f.goldShare } : {}),
    ...(f.rubric ? { rubric: readFileSync(f.rubric, 'utf8') } : {}),
    ...(f.qualification
      ? { qualification: { items: readFileSync(f.qualification, 'utf8'), passScore: f.passScore ?? 0.8 } }
      : {}),
    ...(f.license ? { license: f.license } : {}),
    ...(f.minTaskMs !== undefined ? { minTaskMs: f.minTaskMs } : {}),
  };
  return (await (await request(c, 'POST', '/projects', body)).json()) as { id: string; items: number };
}

/** Downloads every export file (JSONL, Parquet, README.md) of a project into `out`. */
export async function exportProject(c: ProjectClient, id: string, out: string): Promise<string[]> {
  const { files } = (await (
    await request(c, 'GET', `/projects/${encodeURIComponent(id)}/export`)
  ).json()) as {
    files: { name: string }[];
  };
  mkdirSync(out, { recursive: true });
  for (const f of files) {
    const res = await request(
      c,
      'GET',
      `/projects/${encodeURIComponent(id)}/export/${encodeURIComponent(f.name)}`,
    );
    writeFileSync(join(out, f.name), new Uint8Array(await res.arrayBuffer()));
  }
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

const client = (o: { coordinator: string; apiKey?: string }): ProjectClient => {
  const apiKey = o.apiKey ?? process.env.SWARD_API_KEY;
  if (!apiKey) throw new InvalidArgumentError('an API key is needed: --api-key or SWARD_API_KEY');
  return { coordinator: o.coordinator, apiKey };
};

const fail = (e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exitCode = 1;
};

export function register(program: Command): void {
  const project = program.command('project').description('RLHF labelling projects: create, watch, export');
  const common = (cmd: Command) =>
    cmd
      .option('--coordinator <url>', 'coordinator URL (SWARD_COORDINATOR)', defaultCoordinatorUrl())
      .option('--api-key <key>', 'customer API key (SWARD_API_KEY)');
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
    try {
      const p = await createProject(client(o), { ...o, file: resolve(o.file) });
      process.stdout.write(`${p.id}\t${p.items} items\n`);
    } catch (e) {
      fail(e);
    }
  });
  common(project.command('status <id>').description('labels, labellers and flags of a project')).action(
    async (id, o) => {
      try {
        const res = await request(client(o), 'GET', `/projects/${encodeURIComponent(id)}`);
        process.stdout.write(`${JSON.stringify(await res.json(), null, 2)}\n`);
      } catch (e) {
        fail(e);
      }
    },
  );
  common(
    project
      .command('export <id>')
      .description('write preferences and ratings (JSONL and Parquet) and a dataset card')
      .requiredOption('--out <dir>', 'output folder'),
  ).action(async (id, o) => {
    try {
      const names = await exportProject(client(o), id, resolve(o.out));
      process.stdout.write(`${names.map((n) => join(o.out, n)).join('\n')}\n`);
    } catch (e) {
      fail(e);
    }
  });
  common(
    project
      .command('review <id> <labeller>')
      .description('decide on a flagged labeller: clear (pay what was held) or confirm (forfeit it)')
      .requiredOption('--verdict <verdict>', 'clear | confirm'),
  ).action(async (id, labeller, o) => {
    try {
      await request(
        client(o),
        'POST',
        `/projects/${encodeURIComponent(id)}/flags/${encodeURIComponent(labeller)}`,
        {
          verdict: o.verdict,
        },
      );
      process.stdout.write('ok\n');
    } catch (e) {
      fail(e);
    }
  });
}
