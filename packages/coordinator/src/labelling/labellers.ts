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

/** Labeller accounts (a token shown once, stored hashed) and per-project qualification results. */
export class Labellers {
  constructor(
    private readonly db: SqlDriver,
    private readonly now: () => number = Date.now,
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

  /** Scores a test; the best attempt counts, so a pass is never lost by retaking. */
  async takeTest(
    project: Project,
    labellerId: string,
    answers: readonly string[],
  ): Promise<{ score: number; passed: boolean }> {
    const q = project.qualification;
    if (!q) return { score: 1, passed: true };
    if (answers.length !== q.items.length)
      throw new CoordinatorError(
        'BAD_REQUEST',
        `the test has ${q.items.length} questions, got ${answers.length} answers`,
      );
    const score = q.items.filter((it, i) => it.gold === answers[i]).length / q.items.length;
    const passed = score >= q.passScore;
    const prev = await this.result(project.id, labellerId);
    if (!prev || score > prev.score) {
      await this.db.run('DELETE FROM lb_qualifications WHERE project_id = ? AND labeller_id = ?', [
        project.id,
        labellerId,
      ]);
      await this.db.run(
        'INSERT INTO lb_qualifications (project_id, labeller_id, score, passed, at) VALUES (?, ?, ?, ?, ?)',
        [project.id, labellerId, score, passed ? 1 : 0, this.now()],
      );
    }
    return { score, passed: passed || Boolean(prev?.passed) };
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
