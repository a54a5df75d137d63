import type { BlobStore } from '../blob/blob-store.js';
import type { CaptureStore } from '../store/capture-store.js';
import { marks, valuesList } from '../store/multi-row.js';
import { type SqlDriver, type SqlExecutor, skipLockedClause } from '../store/sql-driver.js';
import type { CaptureRow } from '../store/types.js';
import { compareFetches } from './compare-fetches.js';
import { credibilityScore, type SpotCheckConfig } from './config.js';
import type { SampleKeys } from './sample-keys.js';
import { SPOT_CHECK_JOB_PREFIX, type SpotCheckTask, taskOfJob } from './task.js';

/** A frontier row's reason, and a spot_checks row's outcome, for a check nobody took in time. */
export const NOT_RUN = 'spot_check_not_run';

/** Checks ended per sweep at most (a backlog left by an older version ends over a few sweeps). */
const NOT_RUN_BATCH = 500;

/**
 * Round 2 of a spot check: which fetch the tie-breaker alone contradicts ('original' or 'first' checker's),
 * or null when it agrees with both or neither.
 */
export function tieBreak(agreesWithOriginal: boolean, agreesWithFirst: boolean): 'original' | 'first' | null {
  if (agreesWithOriginal === agreesWithFirst) return null;
  return agreesWithOriginal ? 'first' : 'original';
}

/** One node's claim about the page at a final URL. */
export interface FinalUrlClaim {
  id: string;
  nodeId: string;
  requestedUrl: string;
  /** Fetched at that URL itself, not reached through a redirect the node reports. */
  direct: boolean;
  bodySha256: string;
  contentType: string | null;
}

export interface SpotCheckOutcome {
  agrees: boolean;
  similarity: number;
  charged: string | null;
  credited: string | null;
  /** The original capture, when this check's tie-break proved it false: it gives its place in the job away. */
  refuted: CaptureRow | null;
}

/**
 * Catches nodes that lie. A sampled capture is fetched again by a node of another operator; bodies
 * that hash the same agree, otherwise their visible texts are compared by similarity (pages with a
 * changing timestamp still agree). A disagreement is not blamed on anyone until a third node breaks
 * the tie: whoever it contradicts is charged. Credibility = (credited + prior) / (checks + prior); a
 * node below the bar gets no more work and all its captures are flagged.
 */
export class SpotChecks {
  /** When (this.config's clock) endNotRun last looked; see there. */
  private lastNotRunSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly blobs: BlobStore,
    private readonly captures: CaptureStore,
    readonly config: SpotCheckConfig,
    /** The secret per-epoch draw; without it only a rate of 0 (no checks) or 1 (all) can be honoured. */
    readonly keys: SampleKeys | null = null,
  ) {}

  /** Draws a stored capture with the epoch's secret key and queues a check of it when selected. */
  async maybeSchedule(tx: SqlExecutor, capture: { id: string; nodeId: string; url: string }): Promise<void> {
    const selected = this.keys
      ? await this.keys.draw(tx, capture.id)
      : this.config.rate >= 1
        ? true
        : this.config.rate <= 0
          ? false
          : null;
    if (selected === null) throw new Error('spot checks at a rate between 0 and 1 need sampling keys');
    if (!selected) return;
    await this.schedule(tx, capture.url, { captureId: capture.id, round: 1, exclude: [capture.nodeId] });
  }

  /** maybeSchedule() for a batch of stored captures: one statement records the draws. */
  async maybeScheduleMany(
    tx: SqlExecutor,
    captures: readonly { id: string; nodeId: string; url: string }[],
  ): Promise<void> {
    if (!captures.length) return;
    if (!this.keys) {
      for (const c of captures) await this.maybeSchedule(tx, c);
      return;
    }
    const selected = await this.keys.drawMany(
      tx,
      captures.map((c) => c.id),
    );
    for (const c of captures)
      if (selected.has(c.id))
        await this.schedule(tx, c.url, { captureId: c.id, round: 1, exclude: [c.nodeId] });
  }

  /**
   * Two nodes claim different pages at one final URL. When their texts differ beyond what a changing page
   * explains, the claims reached through a redirect (or, both direct, the earlier one) are fetched again from
   * their requested URLs by a node of a third operator; the usual tie-break charges whoever lied.
   */
  async checkFinalUrlConflict(
    tx: SqlExecutor,
    earlier: FinalUrlClaim,
    later: FinalUrlClaim & { body: Buffer },
  ): Promise<string[]> {
    if (earlier.nodeId === later.nodeId || earlier.bodySha256 === later.bodySha256) return [];
    const { agrees } = await compareFetches(
      { status: 200, ...earlier, body: () => this.blobs.get(earlier.bodySha256) },
      { status: 200, ...later },
      this.config.similarity,
    );
    if (agrees) return [];
    const suspects = [earlier, later].filter((c) => !c.direct);
    const checked = suspects.length ? suspects : [earlier];
    for (const c of checked)
      await this.schedule(tx, c.requestedUrl, {
        captureId: c.id,
        round: 1,
        exclude: [earlier.nodeId, later.nodeId],
      });
    return checked.map((c) => c.id);
  }

  /**
   * A capture that proves its own falsehood (a final URL its signed redirect chain does not lead to) needs no
   * second fetch: it is charged to its node at once, as a lost check of round 0 that nobody fetched.
   */
  async chargeSelfEvident(tx: SqlExecutor, nodeId: string, captureId: string): Promise<void> {
    await tx.run(
      `INSERT INTO spot_checks (capture_id, round, checker_node, check_capture_id, agrees, similarity, charged_node,
         credited_node, created_at) VALUES (?, 0, 'coordinator', '', 0, 0, ?, NULL, ?)`,
      [captureId, nodeId, Date.now()],
    );
    await this.updateCredibility(tx, nodeId);
  }

  private now(): number {
    return (this.config.clock ?? Date.now)();
  }

  /**
   * Ends the checks queued for longer than notRunAfterMs as *not run*: the frontier row is skipped with reason
   * NOT_RUN and a spot_checks row with outcome NOT_RUN records it, crediting and charging nobody (credibility
   * counts only credited and charged rows). A check that ended `failed` (its checkers' fetches failed, or their
   * leases lapsed, maxAttempts times) was not run either: it is recorded so too, its row skipped with what it
   * failed of kept in its detail ("failed (timeout): …"), so a checker that takes checks and lets them lapse
   * makes them not run, never vanish. A round-2 check not run leaves its disagreement unresolved. The deadline
   * counts from the check's queueing, never from a node's coming or going: a liar that is the only node online
   * for a while does not make its checks end any sooner, and an ended check is reported as not run (metrics,
   * operator status, the draw's answer), never as passed. Looks at most every min(60 s, deadline / 4), so a
   * claim pays for it once a minute. Returns how many checks it ended.
   */
  async endNotRun(tx: SqlExecutor, dialect: SqlDriver['dialect']): Promise<number> {
    const now = this.now();
    const every = Math.min(60_000, this.config.notRunAfterMs / 4);
    if (now - this.lastNotRunSweep < every && now >= this.lastNotRunSweep) return 0;
    this.lastNotRunSweep = now;
    const rows = await tx.all<{ id: number; job_id: string }>(
      `SELECT id, job_id FROM urls
       WHERE kind = 'spotcheck' AND ((state = 'queued' AND created_at <= ?) OR state = 'failed')
       LIMIT ${NOT_RUN_BATCH}${skipLockedClause(dialect)}`,
      [now - this.config.notRunAfterMs],
    );
    if (!rows.length) return 0;
    await tx.run(
      `UPDATE urls SET
         detail = CASE WHEN state = 'failed' THEN 'failed (' || COALESCE(reason, '') || '): ' || COALESCE(detail, '')
           ELSE detail END,
         state = 'skipped', reason = ?, lease_id = NULL, updated_at = ?
       WHERE id IN (${marks(rows.length)}) AND state IN ('queued', 'failed')`,
      [NOT_RUN, now, ...rows.map((r) => Number(r.id))],
    );
    const tasks = rows.flatMap((r) => {
      const t = taskOfJob(r.job_id);
      return t ? [t] : [];
    });
    if (tasks.length)
      await tx.run(
        `INSERT INTO spot_checks (capture_id, round, checker_node, check_capture_id, agrees, similarity,
           charged_node, credited_node, created_at, outcome)
         VALUES ${valuesList(tasks.length, ['?', '?', "''", "''", '0', '0', 'NULL', 'NULL', '?', '?'])}`,
        tasks.flatMap((t) => [t.captureId, t.round, now, NOT_RUN]),
      );
    return rows.length;
  }

  private async schedule(tx: SqlExecutor, url: string, task: SpotCheckTask): Promise<void> {
    const now = this.now();
    await tx.run('INSERT INTO hosts (origin) VALUES (?) ON CONFLICT (origin) DO NOTHING', [
      new URL(url).origin,
    ]);
    await tx.run(
      // avoid_node: the node whose capture is checked never takes the check (mayCheck decides), and the claim's
      // scan then never reads it; stepped over row by row, 80 of one node's checks on an origin hid every check
      // behind them from that node (on a network of one node, all of them) until they ended as not run.
      `INSERT INTO urls (job_id, url, origin, kind, depth, state, detail, avoid_node, created_at, updated_at)
       VALUES (?, ?, ?, 'spotcheck', 0, 'queued', ?, ?, ?, ?) ON CONFLICT (job_id, kind, url) DO NOTHING`,
      [
        `${SPOT_CHECK_JOB_PREFIX}${task.captureId}:${task.round}`,
        url,
        new URL(url).origin,
        JSON.stringify(task),
        task.exclude[0] ?? null,
        now,
        now,
      ],
    );
  }

  /** Compares a checker's fetch with the original capture and records who is credited or charged. */
  async resolve(
    tx: SqlExecutor,
    task: SpotCheckTask,
    check: {
      captureId: string;
      nodeId: string;
      status: number;
      bodySha256: string;
      body: Buffer;
      contentType: string | null;
    },
  ): Promise<SpotCheckOutcome | null> {
    // Inside the caller's transaction: the SQLite driver serialises calls, so a read outside `tx` would wait forever.
    const original = await this.captures.byId(task.captureId, tx);
    if (!original) return null;
    const { agrees, similarity } = await compareFetches(
      { ...original, body: () => this.blobs.get(original.bodySha256) },
      check,
      this.config.similarity,
    );
    const firstChecker = task.exclude[1] ?? null;
    let charged: string | null = null;
    let credited: string | null = null;
    let refuted: CaptureRow | null = null;
    if (task.round === 1) {
      if (agrees) credited = original.nodeId;
      else
        await this.schedule(tx, original.requestedUrl, {
          captureId: original.id,
          round: 2,
          exclude: [original.nodeId, check.nodeId],
        });
    } else {
      // The tie-breaker's fetch is judged against both earlier ones: whoever it alone contradicts is charged.
      // When it agrees with both, or with neither (a page that changes faster than it can be checked),
      // nobody is.
      const first = firstChecker ? await this.checkOf(tx, original.id, firstChecker) : undefined;
      const withFirst = first
        ? (
            await compareFetches(
              { ...first, body: () => this.blobs.get(first.bodySha256) },
              check,
              this.config.similarity,
            )
          ).agrees
        : !agrees;
      const loser = tieBreak(agrees, withFirst);
      if (loser === 'first') [credited, charged] = [original.nodeId, firstChecker];
      if (loser === 'original') {
        [charged, credited] = [original.nodeId, firstChecker];
        refuted = original;
      }
    }
    await tx.run(
      `INSERT INTO spot_checks (capture_id, round, checker_node, check_capture_id, agrees, similarity, charged_node,
         credited_node, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        original.id,
        task.round,
        check.nodeId,
        check.captureId,
        agrees ? 1 : 0,
        similarity,
        charged,
        credited,
        Date.now(),
      ],
    );
    if (credited) await this.updateCredibility(tx, credited);
    if (charged) {
      if (charged === original.nodeId)
        await tx.run('UPDATE captures SET flagged = 1 WHERE id = ?', [original.id]);
      await this.updateCredibility(tx, charged);
    }
    return { agrees, similarity, charged, credited, refuted };
  }

  /**
   * Where a drawn capture's check stands (GET /v1/log/spot-check/draws/:captureId): `done` when judged (round 1
   * agreed, a tie-break judged, or the capture refuted itself), `not_run` when no node took it in time,
   * `unresolved` when round 1 disagreed and no node took the tie-break in time, else `pending`.
   */
  async checkOfCapture(
    ex: SqlExecutor,
    captureId: string,
  ): Promise<'pending' | 'done' | 'not_run' | 'unresolved'> {
    const rows = await ex.all<{ round: unknown; agrees: unknown; outcome: string | null }>(
      'SELECT round, agrees, outcome FROM spot_checks WHERE capture_id = ?',
      [captureId],
    );
    const at = (round: number) => rows.filter((r) => Number(r.round) === round);
    const notRun = (r: { outcome: string | null }) => r.outcome === NOT_RUN;
    if (at(0).length || at(2).some((r) => !notRun(r))) return 'done';
    if (at(2).some(notRun)) return 'unresolved';
    if (at(1).some(notRun)) return 'not_run';
    return at(1).some((r) => Number(r.agrees) === 1) ? 'done' : 'pending';
  }

  /** The round-1 check capture a node made of a capture. */
  private async checkOf(tx: SqlExecutor, captureId: string, checker: string) {
    const r = await tx.get<{ id: string }>(
      'SELECT check_capture_id AS id FROM spot_checks WHERE capture_id = ? AND round = 1 AND checker_node = ?',
      [captureId, checker],
    );
    return r ? this.captures.byId(r.id, tx) : undefined;
  }

  /** A node is credited when a check confirms its capture (or its check), charged when a tie-break goes against it. */
  async credibility(
    tx: SqlExecutor,
    nodeId: string,
  ): Promise<{ score: number; credited: number; charged: number }> {
    const r = await tx.get<{ credited: number; charged: number }>(
      `SELECT
         (SELECT count(*) FROM spot_checks WHERE credited_node = ?) AS credited,
         (SELECT count(*) FROM spot_checks WHERE charged_node = ?) AS charged`,
      [nodeId, nodeId],
    );
    const credited = Number(r?.credited ?? 0);
    const charged = Number(r?.charged ?? 0);
    return { score: credibilityScore(credited, charged, this.config.prior), credited, charged };
  }

  private async updateCredibility(tx: SqlExecutor, nodeId: string): Promise<void> {
    const { score } = await this.credibility(tx, nodeId);
    await tx.run('UPDATE nodes SET credibility = ? WHERE id = ?', [score, nodeId]);
    if (score < this.config.bar) await tx.run('UPDATE captures SET flagged = 1 WHERE node_id = ?', [nodeId]);
  }
}
