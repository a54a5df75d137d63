import { CoordinatorError } from '../errors.js';
import type { SqlDriver } from '../store/sql-driver.js';
import type { Project } from './projects.js';
import { answerProblem } from './task-types.js';

export interface Submitted {
  /** Time on the task as the coordinator measured it, from issue to answer. */
  ms: number;
  /** The project's submission count after this one (drives the periodic quality pass). */
  projectSubmissions: number;
}

/**
 * Records answers with the time spent. The time that counts is the server's (issue to submit), since a
 * bot can report any number; the page's own measure is kept beside it.
 */
export class Submissions {
  constructor(
    private readonly db: SqlDriver,
    private readonly now: () => number = Date.now,
  ) {}

  async submit(
    project: Project,
    labellerId: string,
    assignmentId: string,
    answer: string,
    clientMs: number | null,
  ): Promise<Submitted> {
    const why = answerProblem(project.type, project.k, answer);
    if (why) throw new CoordinatorError('BAD_REQUEST', `answer "${answer}": ${why}`);
    return this.db.transaction(async (tx) => {
      const a = await tx.get<{ issued_at: number; submitted_at: number | null }>(
        'SELECT issued_at, submitted_at FROM lb_assignments WHERE id = ? AND project_id = ? AND labeller_id = ?',
        [assignmentId, project.id, labellerId],
      );
      if (!a)
        throw new CoordinatorError('NOT_FOUND', `no task ${assignmentId} of yours in project ${project.id}`);
      if (a.submitted_at !== null)
        throw new CoordinatorError('CONFLICT', `task ${assignmentId} is already answered`);
      const at = this.now();
      const ms = Math.max(0, at - Number(a.issued_at));
      await tx.run(
        'UPDATE lb_assignments SET submitted_at = ?, answer = ?, ms = ?, client_ms = ? WHERE id = ?',
        [at, answer, ms, clientMs === null ? null : Math.max(0, Math.round(clientMs)), assignmentId],
      );
      await tx.run('UPDATE lb_projects SET submissions = submissions + 1 WHERE id = ?', [project.id]);
      const p = await tx.get<{ submissions: number }>('SELECT submissions FROM lb_projects WHERE id = ?', [
        project.id,
      ]);
      return { ms, projectSubmissions: Number(p?.submissions ?? 0) };
    });
  }

  /** Every answer of a project with what spam detection needs. */
  async events(project: Project): Promise<SubmittedLabel[]> {
    const rows = await this.db.all<{
      id: string;
      item_id: string;
      labeller_id: string;
      answer: string;
      ms: number;
      chars: number;
    }>(
      `SELECT a.id, a.item_id, a.labeller_id, a.answer, a.ms, i.chars FROM lb_assignments a
       JOIN lb_items i ON i.project_id = a.project_id AND i.id = a.item_id
       WHERE a.project_id = ? AND a.submitted_at IS NOT NULL ORDER BY a.submitted_at, a.id`,
      [project.id],
    );
    return rows.map((r) => ({
      assignmentId: r.id,
      task: r.item_id,
      worker: r.labeller_id,
      label: r.answer,
      ms: Number(r.ms),
      minMs: Math.max(project.minTaskMs, project.msPerChar * Number(r.chars)),
    }));
  }

  async gold(project: Project): Promise<Map<string, string>> {
    const rows = await this.db.all<{ id: string; gold: string }>(
      'SELECT id, gold FROM lb_items WHERE project_id = ? AND gold IS NOT NULL',
      [project.id],
    );
    return new Map(rows.map((r) => [r.id, r.gold]));
  }
}

export interface SubmittedLabel {
  assignmentId: string;
  task: string;
  worker: string;
  label: string;
  ms: number;
  minMs: number;
}
