import type { LabellingProjectInfo } from '@sward/core';
import { CoordinatorError } from '../errors.js';
import { newId } from '../store/ids.js';
import type { SqlDriver } from '../store/sql-driver.js';
import { type LabelItem, parseItemsJsonl } from './items-file.js';
import { type CreateProjectInput, createProjectSchema } from './project-options.js';
import type { TaskType } from './task-types.js';

/** A project as stored: what its owner sees (core's wire type), with the qualification test's answers. */
export interface Project extends Omit<LabellingProjectInfo, 'qualificationQuestions' | 'type'> {
  type: TaskType;
  qualification: { items: LabelItem[]; passScore: number } | null;
}

interface ProjectRow {
  id: string;
  name: string;
  task_type: string;
  k: number;
  rubric: string | null;
  overlap: number;
  gold_share: number;
  pay_per_task: number;
  options: string;
  qualification: string | null;
  created_at: number;
}

/** Raised with every bad line so the customer can fix the file in one go. */
export class ItemsFileError extends CoordinatorError {
  constructor(
    readonly file: 'items' | 'qualification',
    readonly problems: { line: number; reason: string }[],
  ) {
    const list = problems.map((p) => `line ${p.line}: ${p.reason}`).join('; ');
    super('BAD_REQUEST', `${file} file rejected, nothing stored: ${list}`);
  }
}

/** Projects and their items: created whole in one transaction, or not at all. */
export class Projects {
  constructor(
    private readonly db: SqlDriver,
    private readonly now: () => number = Date.now,
  ) {}

  /** `owner`: the tenant (and key) creating it; null for projects made outside the API (tests, scripts). */
  async create(
    owner: { tenant: string; apiKeyId?: string } | null,
    input: CreateProjectInput | unknown,
  ): Promise<Project> {
    const parsed = createProjectSchema.safeParse(input);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new CoordinatorError('BAD_REQUEST', `${i?.path.join('.') || 'body'}: ${i?.message}`);
    }
    const o = parsed.data;
    const items = parseItemsJsonl(o.items, o.type);
    if (!items.ok) throw new ItemsFileError('items', items.problems);
    let qualification: Project['qualification'] = null;
    if (o.qualification) {
      const q = parseItemsJsonl(o.qualification.items, o.type, { requireGold: true });
      if (!q.ok) throw new ItemsFileError('qualification', q.problems);
      if (q.k !== items.k)
        throw new CoordinatorError(
          'BAD_REQUEST',
          `qualification items rank ${q.k} responses, items ${items.k}`,
        );
      qualification = { items: q.items, passScore: o.qualification.passScore };
    }
    const goldItems = items.items.filter((i) => i.gold !== null).length;
    if (o.goldShare > 0 && goldItems === 0)
      throw new CoordinatorError(
        'BAD_REQUEST',
        `goldShare is ${o.goldShare} but no item has a "gold" answer: give some items their known answer as "gold", or set goldShare to 0 for no gold checks (sward project create --gold-share 0)`,
      );
    const id = newId('lp');
    const createdAt = this.now();
    const options = {
      minTaskMs: o.minTaskMs,
      msPerChar: o.msPerChar,
      license: o.license,
      settleEvery: o.settleEvery,
    };
    await this.db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO lb_projects (id, api_key_id, tenant_id, name, task_type, k, rubric, overlap, gold_share,
           pay_per_task, options, qualification, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          id,
          owner?.apiKeyId ?? null,
          owner?.tenant ?? null,
          o.name,
          o.type,
          items.k,
          o.rubric ?? null,
          o.overlap,
          o.goldShare,
          o.payPerTask,
          JSON.stringify(options),
          qualification ? JSON.stringify(qualification) : null,
          createdAt,
        ],
      );
      // Multi-row inserts keep a 50k-item file to a few hundred round trips on PostgreSQL.
      const rows = items.items;
      for (let i = 0; i < rows.length; i += 200) {
        const chunk = rows.slice(i, i + 200);
        await tx.run(
          `INSERT INTO lb_items (project_id, id, seq, prompt, responses, gold, chars) VALUES ${chunk
            .map(() => '(?, ?, ?, ?, ?, ?, ?)')
            .join(', ')}`,
          chunk.flatMap((it, j) => [
            id,
            it.id,
            i + j,
            it.prompt,
            JSON.stringify(it.responses),
            it.gold,
            it.prompt.length + it.responses.reduce((s, r) => s + r.length, 0),
          ]),
        );
      }
    });
    return (await this.get(id)) as Project;
  }

  async get(id: string): Promise<Project | null> {
    const r = await this.db.get<ProjectRow>('SELECT * FROM lb_projects WHERE id = ?', [id]);
    if (!r) return null;
    const c = await this.db.get<{ n: unknown; g: unknown }>(
      'SELECT COUNT(*) AS n, COUNT(gold) AS g FROM lb_items WHERE project_id = ?',
      [id],
    );
    const opts = JSON.parse(r.options) as Pick<
      Project,
      'minTaskMs' | 'msPerChar' | 'license' | 'settleEvery'
    >;
    return {
      id: r.id,
      name: r.name,
      type: r.task_type as TaskType,
      k: Number(r.k),
      rubric: r.rubric,
      overlap: Number(r.overlap),
      goldShare: Number(r.gold_share),
      payPerTask: Number(r.pay_per_task),
      ...opts,
      qualification: r.qualification ? JSON.parse(r.qualification) : null,
      items: Number(c?.n ?? 0),
      goldItems: Number(c?.g ?? 0),
      createdAt: Number(r.created_at),
    };
  }

  async require(id: string, visible = true): Promise<Project> {
    const p = visible ? await this.get(id) : null;
    if (!p) throw new CoordinatorError('NOT_FOUND', `no labelling project ${id}`);
    return p;
  }

  /** The project if it belongs to `tenant`; NOT_FOUND otherwise (another tenant's is not there for you). */
  async requireOf(tenant: string, id: string): Promise<Project> {
    const r = await this.db.get<{ id: string }>('SELECT id FROM lb_projects WHERE id = ? AND tenant_id = ?', [
      id,
      tenant,
    ]);
    return this.require(r?.id ?? id, r !== undefined);
  }

  /** Every project (labellers work across the marketplace), or one tenant's. */
  async list(tenant?: string): Promise<{ id: string; name: string; type: TaskType }[]> {
    const rows = await this.db.all<{ id: string; name: string; task_type: string }>(
      tenant === undefined
        ? 'SELECT id, name, task_type FROM lb_projects ORDER BY created_at DESC'
        : 'SELECT id, name, task_type FROM lb_projects WHERE tenant_id = ? ORDER BY created_at DESC',
      tenant === undefined ? [] : [tenant],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, type: r.task_type as TaskType }));
  }
}
