import { newId } from '../store/ids.js';
import type { SqlDriver, SqlExecutor } from '../store/sql-driver.js';
import type { Project } from './projects.js';
import type { TaskType } from './task-types.js';

/** One task as the labeller sees it: nothing tells a gold item from any other. */
export interface Task {
  assignmentId: string;
  projectId: string;
  type: TaskType;
  k: number;
  rubric: string | null;
  prompt: string;
  responses: string[];
  issuedAt: number;
}

/** A labeller's flag that is not cleared: they get no more work on the project. */
export const ACTIVE_FLAG = `EXISTS (SELECT 1 FROM lb_flags f WHERE f.project_id = a.project_id
  AND f.labeller_id = a.labeller_id AND f.state <> 'cleared')`;

/**
 * Item `i`'s live labels: answers and holds issued after the first parameter (now less the lease), of
 * labellers not flagged. What the overlap counts.
 */
export const LIVE = `(SELECT COUNT(*) FROM lb_assignments a WHERE a.project_id = i.project_id AND a.item_id = i.id
  AND (a.submitted_at IS NOT NULL OR a.issued_at > ?) AND NOT ${ACTIVE_FLAG})`;

/**
 * Hands out tasks. An item goes to a labeller at most once (UNIQUE in the schema, and the query skips
 * items they already had); items go to those with the fewest live labels first, up to the overlap,
 * where labels of flagged workers and abandoned tasks (older than the lease) do not count.
 * Gold items are interleaved at the project's gold share, with a random offset so their position in
 * the stream gives nothing away, and are handed out by the same rule as the others, overlap included:
 * someone holding more accounts than the overlap would otherwise see a gold item in all of them, a
 * regular one in at most `overlap`, and spend care on gold alone; and in step with the regular pool's
 * coverage (see next()). A project whose gold items have all
 * reached their overlap checks later labellers by consensus only (its status's `gold.tasksLeft` says when).
 */
export class Assignment {
  constructor(
    private readonly db: SqlDriver,
    private readonly now: () => number = Date.now,
    private readonly leaseMs = 30 * 60_000,
    private readonly random: () => number = Math.random,
  ) {}

  async next(project: Project, labellerId: string): Promise<Task | null> {
    const open = await this.db.get<{ id: string; item_id: string; issued_at: number }>(
      `SELECT id, item_id, issued_at FROM lb_assignments
       WHERE project_id = ? AND labeller_id = ? AND submitted_at IS NULL AND issued_at > ?
       ORDER BY issued_at LIMIT 1`,
      [project.id, labellerId, this.now() - this.leaseMs],
    );
    if (open) return this.task(project, open.id, open.item_id, Number(open.issued_at));
    for (let attempt = 0; attempt < 3; attempt++) {
      const picked = await this.db.transaction(async (tx) => {
        // One assignment at a time per project, so two labellers cannot both take an item's last slot
        // (SQLite's BEGIN IMMEDIATE already serialises writers).
        if (this.db.dialect === 'postgres')
          await tx.get('SELECT id FROM lb_projects WHERE id = ? FOR UPDATE', [project.id]);
        const c = await tx.get<{ n: unknown; g: unknown }>(
          'SELECT COUNT(*) AS n, SUM(is_gold) AS g FROM lb_assignments WHERE project_id = ? AND labeller_id = ?',
          [project.id, labellerId],
        );
        const served = Number(c?.n ?? 0);
        const goldServed = Number(c?.g ?? 0);
        const wantGold =
          project.goldShare > 0 && goldServed < Math.floor((served + 1) * project.goldShare + this.random());
        const regular = await this.pick(tx, project, labellerId, false);
        // A gold item only while it has no more live labels than the regular item due now: the small gold pool
        // would otherwise come round to its second labels long before the regular pool, and a prompt shown to
        // two of one person's accounts early in a project would be gold. Gold keeps in step, its share waiting.
        const gold = wantGold || !regular ? await this.pick(tx, project, labellerId, true) : undefined;
        const item = gold && (!regular || gold.live <= regular.live) ? gold : (regular ?? gold);
        if (!item) return null;
        const id = newId('la');
        const issuedAt = this.now();
        const r = await tx.run(
          `INSERT INTO lb_assignments (id, project_id, item_id, labeller_id, is_gold, issued_at)
           VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
          [id, project.id, item.id, labellerId, item.gold ? 1 : 0, issuedAt],
        );
        return r.changes ? { id, itemId: item.id, issuedAt } : 'retry';
      });
      if (picked === null) return null;
      if (picked !== 'retry') return this.task(project, picked.id, picked.itemId, picked.issuedAt);
    }
    return null;
  }

  /**
   * The project's gold items, and how many more gold tasks they can still be handed out as before each has
   * its overlap of live labels (holds that lapse and flagged labellers' answers give slots back).
   */
  async goldLeft(project: Project): Promise<{ items: number; tasksLeft: number }> {
    const r = await this.db.get<{ items: unknown; slots: unknown }>(
      `SELECT COUNT(*) AS items, SUM(CASE WHEN i.live < ? THEN ? - i.live ELSE 0 END) AS slots
       FROM (SELECT ${LIVE} AS live FROM lb_items i WHERE i.project_id = ? AND i.gold IS NOT NULL) i`,
      [project.overlap, project.overlap, this.now() - this.leaseMs, project.id],
    );
    return { items: Number(r?.items ?? 0), tasksLeft: Number(r?.slots ?? 0) };
  }

  /** The next item of the gold or the regular pool for this labeller: one rule for both (see above). */
  private async pick(
    tx: SqlExecutor,
    project: Project,
    labellerId: string,
    gold: boolean,
  ): Promise<{ id: string; gold: boolean; live: number } | undefined> {
    const r = await tx.get<{ id: string; live: unknown }>(
      `SELECT i.id, i.live FROM (
         SELECT i.id, i.seq, ${LIVE} AS live
         FROM lb_items i WHERE i.project_id = ? AND i.gold IS ${gold ? 'NOT NULL' : 'NULL'}
           AND NOT EXISTS (SELECT 1 FROM lb_assignments m WHERE m.project_id = i.project_id
             AND m.item_id = i.id AND m.labeller_id = ?)) i
       WHERE i.live < ? ORDER BY i.live, i.seq LIMIT 1`,
      [this.now() - this.leaseMs, project.id, labellerId, project.overlap],
    );
    return r && { id: r.id, gold, live: Number(r.live) };
  }

  private async task(
    project: Project,
    assignmentId: string,
    itemId: string,
    issuedAt: number,
  ): Promise<Task> {
    const it = (await this.db.get<{ prompt: string; responses: string }>(
      'SELECT prompt, responses FROM lb_items WHERE project_id = ? AND id = ?',
      [project.id, itemId],
    )) as { prompt: string; responses: string };
    return {
      assignmentId,
      projectId: project.id,
      type: project.type,
      k: project.k,
      rubric: project.rubric,
      prompt: it.prompt,
      responses: JSON.parse(it.responses),
      issuedAt,
    };
  }
}
