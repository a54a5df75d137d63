import type { SqlDriver } from '../store/sql-driver.js';
import { Assignment, type Task } from './assignment.js';
import { Labellers, type QualificationLimits } from './labellers.js';
import { ProjectExport } from './project-export.js';
import { type Project, Projects } from './projects.js';
import { type LabellerPayer, Settlement } from './settlement.js';
import { Submissions } from './submissions.js';

export interface LabellingOptions {
  now?: () => number;
  /** How long a labeller may hold a task before it counts as abandoned (default 30 min). */
  leaseMs?: number;
  random?: () => number;
  /** How many attempts at a project's qualification test, how far apart (default 3, 1 hour). */
  qualification?: QualificationLimits;
}

export interface Earnings {
  /** Points (in micro-points, as the ledger) credited to the labeller. */
  paid: number;
  /** Points held while a flag on the labeller is reviewed. */
  held: number;
  /** Answers not yet judged (paid at the next quality pass once there are enough of them). */
  pendingTasks: number;
  tasksDone: number;
}

export type NextTask =
  | { state: 'task'; task: Task }
  | { state: 'done' }
  | { state: 'unqualified' }
  | { state: 'under-review' };

/** The labelling marketplace's one entry point: projects, labellers, tasks, quality and pay, export. */
export class LabellingService {
  readonly projects: Projects;
  readonly labellers: Labellers;
  readonly assignment: Assignment;
  readonly submissions: Submissions;
  readonly settlement: Settlement;
  readonly exporter: ProjectExport;

  constructor(
    private readonly db: SqlDriver,
    payer: LabellerPayer,
    opts: LabellingOptions = {},
  ) {
    const now = opts.now ?? Date.now;
    this.projects = new Projects(db, now);
    this.labellers = new Labellers(db, now, opts.qualification);
    this.assignment = new Assignment(db, now, opts.leaseMs, opts.random);
    this.submissions = new Submissions(db, now, opts.leaseMs);
    this.settlement = new Settlement(db, this.submissions, payer, now);
    this.exporter = new ProjectExport(db, this.submissions, this.settlement);
  }

  async next(project: Project, labellerId: string): Promise<NextTask> {
    if (!(await this.labellers.isQualified(project, labellerId))) return { state: 'unqualified' };
    const flag = (await this.settlement.flags(project.id)).get(labellerId);
    if (flag === 'open' || flag === 'confirmed') return { state: 'under-review' };
    const task = await this.assignment.next(project, labellerId);
    return task ? { state: 'task', task } : { state: 'done' };
  }

  /** Records an answer; every `settleEvery` answers in the project a quality pass runs. */
  async submit(
    project: Project,
    labellerId: string,
    assignmentId: string,
    answer: string,
    clientMs: number | null,
  ) {
    const r = await this.submissions.submit(project, labellerId, assignmentId, answer, clientMs);
    if (r.projectSubmissions % project.settleEvery === 0) await this.settlement.run(project);
    return r;
  }

  async earnings(labellerId: string, projectId?: string): Promise<Earnings> {
    const scope = projectId ? ' AND project_id = ?' : '';
    const args = projectId ? [labellerId, projectId] : [labellerId];
    const pay = await this.db.all<{ state: string; s: unknown }>(
      `SELECT state, SUM(amount) AS s FROM lb_pay WHERE labeller_id = ?${scope} GROUP BY state`,
      args,
    );
    const sum = (state: string) => Number(pay.find((p) => p.state === state)?.s ?? 0);
    const c = await this.db.get<{ done: unknown; pending: unknown }>(
      `SELECT COUNT(*) AS done, SUM(CASE WHEN p.assignment_id IS NULL THEN 1 ELSE 0 END) AS pending
       FROM lb_assignments a LEFT JOIN lb_pay p ON p.assignment_id = a.id
       WHERE a.labeller_id = ? AND a.submitted_at IS NOT NULL${projectId ? ' AND a.project_id = ?' : ''}`,
      args,
    );
    return {
      paid: sum('paid'),
      held: sum('held'),
      pendingTasks: Number(c?.pending ?? 0),
      tasksDone: Number(c?.done ?? 0),
    };
  }

  /** Items this labeller has done and how many they can still get, for the page's progress bar. */
  async progress(project: Project, labellerId: string): Promise<{ done: number; total: number }> {
    const r = await this.db.get<{ n: unknown }>(
      'SELECT COUNT(*) AS n FROM lb_assignments WHERE project_id = ? AND labeller_id = ? AND submitted_at IS NOT NULL',
      [project.id, labellerId],
    );
    return { done: Number(r?.n ?? 0), total: project.items };
  }

  /** Counts for the customer: labels, flagged labellers, agreement. */
  async status(project: Project) {
    const c = await this.db.get<{ issued: unknown; submitted: unknown; workers: unknown }>(
      `SELECT COUNT(*) AS issued, COUNT(submitted_at) AS submitted, COUNT(DISTINCT labeller_id) AS workers
       FROM lb_assignments WHERE project_id = ?`,
      [project.id],
    );
    const flags = await this.db.all<{
      labeller_id: string;
      state: string;
      reasons: string;
      evidence: string;
    }>(
      'SELECT labeller_id, state, reasons, evidence FROM lb_flags WHERE project_id = ? ORDER BY flagged_at',
      [project.id],
    );
    return {
      project,
      tasksIssued: Number(c?.issued ?? 0),
      gold: await this.assignment.goldLeft(project),
      labels: Number(c?.submitted ?? 0),
      labellers: Number(c?.workers ?? 0),
      flags: flags.map((f) => ({
        labellerId: f.labeller_id,
        state: f.state,
        reasons: f.reasons.split(','),
        evidence: JSON.parse(f.evidence),
      })),
    };
  }
}
