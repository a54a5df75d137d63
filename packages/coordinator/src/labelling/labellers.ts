import { CoordinatorError } from '../errors.js';
import { newId, newSecret, secretHash } from '../store/ids.js';
import type { SqlDriver } from '../store/sql-driver.js';
import type { Project } from './projects.js';

export interface Labeller {
  id: string;
  name: string;
}

/** Question of a qualification test as a labeller sees it: no answer attached. */
export interface QualificationQuestion {
  index: number;
  prompt: string;
  responses: string[];
}

/**
 * What a qualification attempt tells the labeller: passed or not, and what is left to them. Never the
 * score: attempts that differ by one answer would tell which answer was right.
 */
export interface QualificationResult {
  passed: boolean;
  /** Attempts this labeller still has on the project's test. */
  attemptsLeft: number;
  /** When the next attempt is accepted (epoch ms); null after a pass or when none is left. */
  retryAt: number | null;
}

/** How often a labeller may take a project's test: so many attempts, so far apart. */
export interface QualificationLimits {
  attempts: number;
  waitMs: number;
}

export const QUALIFICATION_LIMITS: QualificationLimits = { attempts: 3, waitMs: 60 * 60_000 };

/** Labeller accounts (a token shown once, stored hashed) and per-project qualification results. */
export class Labellers {
  constructor(
    private readonly db: SqlDriver,
    private readonly now: () => number = Date.now,
    private readonly limits: QualificationLimits = QUALIFICATION_LIMITS,
  ) {}

  async signUp(name: string): Promise<{ labeller: Labeller; token: string }> {
    const clean = name.trim();
    if (!clean || clean.length > 100)
      throw new CoordinatorError('BAD_REQUEST', 'name must be 1–100 characters');
    const id = newId('lab');
    const token = newSecret('lt');
    await this.db.run('INSERT INTO lb_labellers (id, name, token_hash, created_at) VALUES (?, ?, ?, ?)', [
      id,
      clean,
      secretHash(token),
      this.now(),
    ]);
    return { labeller: { id, name: clean }, token };
  }

  async byToken(token: string): Promise<Labeller | null> {
    const r = await this.db.get<Labeller>('SELECT id, name FROM lb_labellers WHERE token_hash = ?', [
      secretHash(token),
    ]);
    return r ?? null;
  }

  questions(project: Project): QualificationQuestion[] {
    return (project.qualification?.items ?? []).map((it, index) => ({
      index,
      prompt: it.prompt,
      responses: it.responses,
    }));
  }

  /**
   * Scores an attempt at the test. A labeller has `limits.attempts` attempts per project, `limits.waitMs`
   * apart (429 before then, 409 once all are used), and learns only whether they passed: with the exact
   * score, changing one answer per attempt would recover the answers one question at a time. A pass is
   * kept: once passed, taking the test again scores nothing and answers passed.
   */
  async takeTest(
    project: Project,
    labellerId: string,
    answers: readonly string[],
  ): Promise<QualificationResult> {
    const q = project.qualification;
    const { attempts: max, waitMs } = this.limits;
    if (!q) return { passed: true, attemptsLeft: max, retryAt: null };
    if (answers.length !== q.items.length)
      throw new CoordinatorError(
        'BAD_REQUEST',
        `the test has ${q.items.length} questions, got ${answers.length} answers`,
      );
    return this.db.transaction(async (tx) => {
      const prev = await tx.get<{ score: number; passed: number; attempts: number; last_at: number }>(
        `SELECT score, passed, COALESCE(attempts, 1) AS attempts, COALESCE(last_at, at) AS last_at
         FROM lb_qualifications WHERE project_id = ? AND labeller_id = ?${this.db.dialect === 'postgres' ? ' FOR UPDATE' : ''}`,
        [project.id, labellerId],
      );
      const used = prev ? Number(prev.attempts) : 0;
      if (prev && Number(prev.passed) === 1)
        return { passed: true, attemptsLeft: Math.max(0, max - used), retryAt: null };
      const at = this.now();
      const iso = (t: number) => new Date(t).toISOString();
      if (used >= max)
        throw new CoordinatorError(
          'CONFLICT',
          `qualification test of project ${project.id}: all ${max} attempts used (the last at ${iso(Number(prev?.last_at))}) without a pass; the project is closed to you`,
        );
      const retryAt = prev ? Number(prev.last_at) + waitMs : at;
      if (at < retryAt)
        throw new CoordinatorError(
          'RATE_LIMITED',
          `qualification test of project ${project.id}: next attempt from ${iso(retryAt)} (attempts are ${Math.round(waitMs / 60_000)} min apart; ${max - used} left)`,
          { retryAfterS: Math.ceil((retryAt - at) / 1000) },
        );
      const score = q.items.filter((it, i) => it.gold === answers[i]).length / q.items.length;
      const passed = score >= q.passScore;
      const r = prev
        ? await tx.run(
            `UPDATE lb_qualifications SET attempts = ?, last_at = ?, passed = ?,
               score = CASE WHEN score < ? THEN ? ELSE score END
             WHERE project_id = ? AND labeller_id = ? AND COALESCE(attempts, 1) = ?`,
            [used + 1, at, passed ? 1 : 0, score, score, project.id, labellerId, used],
          )
        : await tx.run(
            `INSERT INTO lb_qualifications (project_id, labeller_id, score, passed, at, attempts, last_at)
             VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT DO NOTHING`,
            [project.id, labellerId, score, passed ? 1 : 0, at, at],
          );
      if (r.changes === 0)
        throw new CoordinatorError(
          'CONFLICT',
          `qualification test of project ${project.id}: another attempt of yours was being scored; try again`,
        );
      const attemptsLeft = max - used - 1;
      return { passed, attemptsLeft, retryAt: passed || attemptsLeft === 0 ? null : at + waitMs };
    });
  }

  async result(projectId: string, labellerId: string): Promise<{ score: number; passed: boolean } | null> {
    const r = await this.db.get<{ score: number; passed: number }>(
      'SELECT score, passed FROM lb_qualifications WHERE project_id = ? AND labeller_id = ?',
      [projectId, labellerId],
    );
    return r ? { score: Number(r.score), passed: Number(r.passed) === 1 } : null;
  }

  async isQualified(project: Project, labellerId: string): Promise<boolean> {
    if (!project.qualification) return true;
    return Boolean((await this.result(project.id, labellerId))?.passed);
  }
}
