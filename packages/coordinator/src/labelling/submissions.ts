import { CoordinatorError } from '../errors.js';
import type { SqlDriver } from '../store/sql-driver.js';
import { LIVE } from './assignment.js';
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
 * bot can report any number; the page's own measure is kept beside it. An answer after its hold expired
 * (`leaseMs` from issue) is taken only while the item's live labels from others (answers, and holds not
 * expired, of labellers not flagged: what Assignment counts) are fewer than the overlap: once the expired
 * hold's slot was handed to someone else, or the item reached its overlap anyway, it is refused (409),
 * so a late answer never pushes an item past its overlap nor is paid for work the item no longer needs.
 * Gold items follow the same rule, so a late answer's fate does not tell gold from regular.
 */
export class Submissions {
  constructor(
    private readonly db: SqlDriver,
    private readonly now: () => number = Date.now,
    private readonly leaseMs = 30 * 60_000,
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
      const a = await tx.get<{ item_id: string; issued_at: number; submitted_at: number | null }>(
        'SELECT item_id, issued_at, submitted_at FROM lb_assignments WHERE id = ? AND project_id = ? AND labeller_id = ?',
        [assignmentId, project.id, labellerId],
      );
      if (!a)
        throw new CoordinatorError('NOT_FOUND', `no task ${assignmentId} of yours in project ${project.id}`);
      if (a.submitted_at !== null)
        throw new CoordinatorError('CONFLICT', `task ${assignmentId} is already answered`);
      const at = this.now();
      const expiredAt = Number(a.issued_at) + this.leaseMs;
      if (at >= expiredAt) {
        // Serialised with Assignment.next's hand-outs (SQLite's BEGIN IMMEDIATE already does).
        if (this.db.dialect === 'postgres')
          await tx.get('SELECT id FROM lb_projects WHERE id = ? FOR UPDATE', [project.id]);
        // the item's live labels as Assignment counts them; this expired, unanswered hold is not one of them
        const live = await tx.get<{ n: unknown }>(
          `SELECT ${LIVE} AS n FROM lb_items i WHERE i.project_id = ? AND i.id = ?`,
          [at - this.leaseMs, project.id, a.item_id],
        );
        if (Number(live?.n ?? 0) >= project.overlap)
          throw new CoordinatorError(
            'CONFLICT',
            `task ${assignmentId}: its hold expired at ${new Date(expiredAt).toISOString()} (${Math.round(this.leaseMs / 60_000)} min after it was handed out) and its item has since got the labels it needs from others (overlap ${project.overlap}): the answer is refused and not paid; ask for the next task`,
          );
      }
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
      submitted_at: unknown;
    }>(
      `SELECT a.id, a.item_id, a.labeller_id, a.answer, a.ms, i.chars, a.submitted_at FROM lb_assignments a
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
      submittedAt: Number(r.submitted_at),
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
  /** When the answer came in (epoch ms): a cleared flag covers the answers before its review (Settlement). */
  submittedAt: number;
  task: string;
  worker: string;
  label: string;
  ms: number;
  minMs: number;
}
