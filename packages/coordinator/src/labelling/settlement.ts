import { MICRO } from '../rewards/rewards-policy.js';
import type { SqlDriver } from '../store/sql-driver.js';
import type { Project } from './projects.js';
import { detectSpammers, type SpamReport } from './spam-detect.js';
import type { Submissions, SubmittedLabel } from './submissions.js';
import { answerClasses } from './task-types.js';

/**
 * How labellers get paid: the rewards ledger's RewardsService.creditLabeller fits this; `idemKey`
 * makes a replayed settlement pay once.
 */
export interface LabellerPayer {
  creditLabeller(c: { idemKey: string; labeller: string; amount: number; memo?: string }): Promise<boolean>;
}

export type FlagState = 'open' | 'cleared' | 'confirmed';

export interface SettleResult {
  flagged: string[];
  paid: number;
  held: number;
  report: SpamReport;
}

/** Answers a labeller gives before their work is judged and paid. */
export const MIN_ANSWERS_TO_PAY = 8;

/**
 * The quality pass: detects spammers, flags them (they get no more tasks and their labels leave the
 * aggregate), and pays every not-yet-paid label of judged workers. Pay is pay-per-task × how far the
 * worker's estimated accuracy is above chance (0 at chance or below, 1 when always right): accuracy,
 * never informativeness, so a worker who is always wrong earns nothing. A flagged worker's pay is held
 * until a person reviews the flag: cleared pays it, confirmed forfeits it.
 */
export class Settlement {
  constructor(
    private readonly db: SqlDriver,
    private readonly submissions: Submissions,
    private readonly payer: LabellerPayer,
    private readonly now: () => number = Date.now,
  ) {}

  async run(project: Project): Promise<SettleResult> {
    const events = await this.submissions.events(project);
    const gold = await this.submissions.gold(project);
    const classes = answerClasses(project.type, project.k);
    const report = detectSpammers(events, gold, classes);
    const flags = await this.flags(project.id);
    const at = this.now();
    const flagged: string[] = [];
    for (const v of await this.afterClearing(project.id, events, gold, classes)) {
      flagged.push(v.worker);
      await this.db.run(
        `UPDATE lb_flags SET state = 'open', reasons = ?, evidence = ?, flagged_at = ?, reviewed_at = NULL
         WHERE project_id = ? AND labeller_id = ? AND state = 'cleared'`,
        [v.reasons.join(','), JSON.stringify({ ...v, sinceCleared: true }), at, project.id, v.worker],
      );
      flags.set(v.worker, 'open');
    }
    for (const v of report.verdicts) {
      if (!v.reasons.length) continue;
      const state = flags.get(v.worker);
      if (state === 'cleared' || flagged.includes(v.worker)) continue;
      flagged.push(v.worker);
      const evidence = JSON.stringify({ ...v, threshold: report.threshold, chance: report.chance });
      if (state) {
        await this.db.run(
          'UPDATE lb_flags SET reasons = ?, evidence = ? WHERE project_id = ? AND labeller_id = ?',
          [v.reasons.join(','), evidence, project.id, v.worker],
        );
      } else {
        await this.db.run(
          `INSERT INTO lb_flags (project_id, labeller_id, state, reasons, evidence, flagged_at)
           VALUES (?, ?, 'open', ?, ?, ?) ON CONFLICT DO NOTHING`,
          [project.id, v.worker, v.reasons.join(','), evidence, at],
        );
        flags.set(v.worker, 'open');
      }
    }
    const paidRows = await this.db.all<{ assignment_id: string }>(
      'SELECT assignment_id FROM lb_pay WHERE project_id = ?',
      [project.id],
    );
    const done = new Set(paidRows.map((r) => r.assignment_id));
    const verdicts = new Map(report.verdicts.map((v) => [v.worker, v]));
    let paid = 0;
    let held = 0;
    for (const e of events) {
      if (done.has(e.assignmentId)) continue;
      const v = verdicts.get(e.worker);
      if (!v || v.answers < MIN_ANSWERS_TO_PAY) continue;
      const weight = Math.min(1, Math.max(0, (v.accuracy - report.chance) / (1 - report.chance || 1)));
      const amount = Math.round(project.payPerTask * MICRO * weight);
      const state = flags.get(e.worker);
      if (state === 'open' || state === 'confirmed') {
        await this.record(
          e.assignmentId,
          project.id,
          e.worker,
          amount,
          state === 'open' ? 'held' : 'forfeited',
        );
        held++;
        continue;
      }
      await this.pay(e.assignmentId, project.id, e.worker, amount);
      paid++;
    }
    return { flagged, paid, held, report };
  }

  /** A person's verdict on a flag: `clear` releases held pay and reopens work, `confirm` forfeits it. */
  async review(projectId: string, labellerId: string, verdict: 'clear' | 'confirm'): Promise<boolean> {
    const state: FlagState = verdict === 'clear' ? 'cleared' : 'confirmed';
    const r = await this.db.run(
      'UPDATE lb_flags SET state = ?, reviewed_at = ? WHERE project_id = ? AND labeller_id = ?',
      [state, this.now(), projectId, labellerId],
    );
    if (!r.changes) return false;
    const heldRows = await this.db.all<{ assignment_id: string; amount: number }>(
      `SELECT assignment_id, amount FROM lb_pay WHERE project_id = ? AND labeller_id = ? AND state = 'held'`,
      [projectId, labellerId],
    );
    for (const h of heldRows) {
      if (verdict === 'clear') await this.pay(h.assignment_id, projectId, labellerId, Number(h.amount));
      else
        await this.db.run(`UPDATE lb_pay SET state = 'forfeited' WHERE assignment_id = ?`, [h.assignment_id]);
    }
    return true;
  }

  /**
   * Cleared labellers whose answers since the review show what the review did not clear. A cleared flag covers
   * the answers a person looked at (before reviewed_at) for the reasons given then; it is no pass for what
   * follows: a labeller who behaved until cleared and then spammed would otherwise never be flagged again in the
   * project. Judged on their later answers alone (at least MIN_ANSWERS_TO_PAY), beside everyone's answers,
   * and flagged again only for a reason the review did not see, so a fast expert cleared once stays cleared.
   */
  private async afterClearing(
    projectId: string,
    events: readonly SubmittedLabel[],
    gold: ReadonlyMap<string, string>,
    classes: readonly string[],
  ) {
    const cleared = await this.db.all<{ labeller_id: string; reasons: string; reviewed_at: unknown }>(
      `SELECT labeller_id, reasons, reviewed_at FROM lb_flags WHERE project_id = ? AND state = 'cleared'`,
      [projectId],
    );
    if (cleared.length === 0) return [];
    const since = new Map(cleared.map((c) => [c.labeller_id, Number(c.reviewed_at ?? 0)]));
    const later = events.filter((e) => !since.has(e.worker) || e.submittedAt > (since.get(e.worker) ?? 0));
    const verdicts = new Map(detectSpammers(later, gold, classes).verdicts.map((v) => [v.worker, v]));
    return cleared.flatMap((c) => {
      const v = verdicts.get(c.labeller_id);
      const seen = new Set(c.reasons.split(','));
      return v && v.answers >= MIN_ANSWERS_TO_PAY && v.reasons.some((r) => !seen.has(r)) ? [v] : [];
    });
  }

  async flags(projectId: string): Promise<Map<string, FlagState>> {
    const rows = await this.db.all<{ labeller_id: string; state: FlagState }>(
      'SELECT labeller_id, state FROM lb_flags WHERE project_id = ?',
      [projectId],
    );
    return new Map(rows.map((r) => [r.labeller_id, r.state]));
  }

  /** Credits first (idempotent by assignment), then records: a crash between the two pays once. */
  private async pay(assignmentId: string, projectId: string, labeller: string, amount: number) {
    if (amount > 0)
      await this.payer.creditLabeller({
        idemKey: `${projectId}:${assignmentId}`,
        labeller,
        amount,
        memo: `labelling ${projectId}`,
      });
    await this.db.run(`DELETE FROM lb_pay WHERE assignment_id = ?`, [assignmentId]);
    await this.record(assignmentId, projectId, labeller, amount, 'paid');
  }

  private async record(
    assignmentId: string,
    projectId: string,
    labeller: string,
    amount: number,
    state: string,
  ) {
    await this.db.run(
      'INSERT INTO lb_pay (assignment_id, project_id, labeller_id, amount, state, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      [assignmentId, projectId, labeller, amount, state, this.now()],
    );
  }
}
