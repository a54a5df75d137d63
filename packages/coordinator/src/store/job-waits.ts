import type { JobWait } from '@sward/core';
import { POLICY_JOB, REFUSED, REFUSED_ADDRESS } from './frontier-store.js';
import {
  CLOSES,
  lastJoined,
  type PendingAnswer,
  parsePendingAnswers,
  seenWithinMs,
} from './policy-answers.js';
import type { SqlExecutor } from './sql-driver.js';
import type { SchedulerConfig } from './types.js';

/** The most sites a job's progress names (the ones with the most pages waiting). */
const MAX_WAITS = 10;

/**
 * jobWaits() read again for a job at most this often. Its statement groups the job's queued pages by site: on a
 * job of 100,000 queued pages over 1,000 sites ~50 ms on SQLite (the progress counts beside it are counters), and
 * `sward crawl` asks four times a second. A wait lasts seconds to minutes, so a few seconds late is no loss.
 */
export const JOB_WAITS_TTL_MS = 3000;

/** jobWaits() per job, kept for ttlMs (per coordinator process; the last `max` jobs asked about). */
export class JobWaitsCache {
  private readonly seen = new Map<string, { at: number; waits: JobWait[] }>();
  constructor(
    private readonly ttlMs = JOB_WAITS_TTL_MS,
    private readonly max = 256,
  ) {}

  async get(
    db: SqlExecutor,
    jobId: string,
    config: Pick<SchedulerConfig, 'policyConfirmMs' | 'nodeTimeoutMs'>,
    now: number,
  ): Promise<JobWait[]> {
    const hit = this.seen.get(jobId);
    if (hit && now - hit.at < this.ttlMs) return hit.waits;
    const waits = await jobWaits(db, jobId, config, now);
    this.seen.delete(jobId);
    this.seen.set(jobId, { at: now, waits });
    // the oldest asked-about job goes first (a Map keeps insertion order)
    if (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value as string);
    return waits;
  }
}

/** A policy file's row as the job's waits read it (alias p: robots.txt, t: tdmrep.json, l: a licence). */
const fileColumns = (a: string) =>
  `${a}.state AS ${a}_state, ${a}.reason AS ${a}_reason, ${a}.detail AS ${a}_detail, ${a}.url AS ${a}_url,
   (SELECT r.node_id FROM url_refusals r WHERE r.url_id = ${a}.id AND r.reason = ?
    ORDER BY r.refused_at DESC, r.node_id LIMIT 1) AS ${a}_refuser`;
const WAITING = (a: string) => `${a}.state IN ('queued', 'leased')`;

interface FileRow {
  state: string | null;
  reason: string | null;
  detail: string | null;
  url: string | null;
  refuser: string | null;
}

/**
 * The sites whose queued pages of `jobId` wait for a policy file, and why, so that a job showing only `queued 1`
 * says what it waits for. The files in the order the scheduler fetches them (lease-scheduler policyFileDue, then
 * licencesOf): robots.txt, tdmrep.json, then an RSL licence (one robots.txt or a page names; pages of the site
 * wait for it). Why: no node has fetched the file yet, a node has it now, a node's answer (opening the site or
 * closing it) waits for a node of another operator (up to policyConfirmMs, 10 min), or operators' answers
 * disagree and wait for another operator's node to decide, or a node refused it by its operator's rules (or its
 * address as private, which a node with --allow-private fetches). A site whose files were read (and are not being
 * read again) is not named. Read by GET /v1/jobs/:id through JobWaitsCache, beside FrontierStore.progress; one
 * statement, and one more when a site waits for its first fetch (is any node connected).
 */
export async function jobWaits(
  db: SqlExecutor,
  jobId: string,
  config: Pick<SchedulerConfig, 'policyConfirmMs' | 'nodeTimeoutMs'>,
  now: number,
): Promise<JobWait[]> {
  const rows = await db.all<Record<string, string | number | null>>(
    // the node named for a refused address: the last to refuse it so (url_refusals; several may have)
    `SELECT q.origin, q.n, h.robots_state, h.tdmrep_state, ${fileColumns('p')}, ${fileColumns('t')}, ${fileColumns('l')}
     FROM (SELECT origin, count(*) AS n FROM urls WHERE job_id = ? AND kind = 'page' AND state = 'queued'
           GROUP BY origin) q
     LEFT JOIN hosts h ON h.origin = q.origin
     LEFT JOIN urls p ON p.job_id = ? AND p.kind = 'robots' AND p.url = q.origin || '/robots.txt'
     LEFT JOIN urls t ON t.job_id = ? AND t.kind = 'tdmrep' AND t.url = q.origin || '/.well-known/tdmrep.json'
     LEFT JOIN urls l ON l.id = (SELECT w.id FROM urls w WHERE w.job_id = ? AND w.kind = 'rsl'
       AND w.origin = q.origin AND w.state IN ('queued', 'leased') ORDER BY w.id LIMIT 1)
     WHERE h.robots_state IS NULL OR h.robots_state = 'unknown' OR ${WAITING('p')}
        OR h.tdmrep_state = 'unknown' OR ${WAITING('t')} OR l.id IS NOT NULL
     ORDER BY q.n DESC, q.origin LIMIT ${MAX_WAITS}`,
    [REFUSED_ADDRESS, REFUSED_ADDRESS, REFUSED_ADDRESS, jobId, POLICY_JOB, POLICY_JOB, POLICY_JOB],
  );
  if (rows.length === 0) return [];
  let nodesSeen: boolean | null = null;
  const out: JobWait[] = [];
  for (const r of rows) {
    const row = (a: string): FileRow => ({
      state: r[`${a}_state`] as string | null,
      reason: r[`${a}_reason`] as string | null,
      detail: r[`${a}_detail`] as string | null,
      url: r[`${a}_url`] as string | null,
      refuser: r[`${a}_refuser`] as string | null,
    });
    const waiting = (f: FileRow) => f.state === 'queued' || f.state === 'leased';
    const robots = row('p');
    const tdmrep = row('t');
    // robots.txt first: tdmrep.json is fetched once robots.txt is read, a licence once both are
    const [file, f] =
      r.robots_state === null || r.robots_state === 'unknown' || waiting(robots)
        ? (['robots.txt', robots] as const)
        : r.tdmrep_state === 'unknown' || waiting(tdmrep)
          ? (['tdmrep.json', tdmrep] as const)
          : (['licence', row('l')] as const);
    const base = {
      origin: String(r.origin),
      file,
      ...(file === 'licence' && f.url ? { url: f.url } : {}),
      pages: Number(r.n),
    };
    const about = `waiting for ${file === 'licence' ? `the RSL licence ${f.url}` : file} of ${r.origin}`;
    const pending = f.reason === 'awaiting_confirmation' ? parsePendingAnswers(f.detail) : [];
    if (f.state === 'leased') {
      out.push({ ...base, reason: 'fetching', message: `${about}: a node is fetching it` });
    } else if (pending.length) {
      const until = lastJoined(pending) + config.policyConfirmMs;
      out.push({
        ...base,
        reason: 'unconfirmed',
        until,
        message: `${about}: ${unconfirmed(pending, until, now)}`,
      });
    } else if (f.reason === REFUSED_ADDRESS) {
      // A node kept from private addresses (its default) refuses a loopback or LAN site: say what helps.
      out.push({
        ...base,
        reason: 'refused',
        message: `${about}: node ${(f.refuser ?? '').slice(0, 12)}… refuses private addresses (BLOCKED_ADDRESS), which says nothing of the site; waiting for a node that may fetch it: a node started with --allow-private can`,
      });
    } else if (f.reason === REFUSED) {
      out.push({
        ...base,
        reason: 'refused',
        message: `${about}: a node refused it by its operator's rules (allowed domains, byte cap or active hours); waiting for another node`,
      });
    } else {
      nodesSeen ??= await anyNodeSeen(db, now - seenWithinMs(config.nodeTimeoutMs));
      out.push({
        ...base,
        reason: 'not_fetched',
        message: `${about}: no node has fetched it yet${nodesSeen ? '' : ' (no node has been seen in the last minute: is one running and connected to this coordinator?)'}`,
      });
    }
  }
  return out;
}

/** What answers waiting for another operator's node say, and what happens when none comes. */
function unconfirmed(pending: readonly PendingAnswer[], until: number, now: number): string {
  const said = (a: PendingAnswer) => `node ${a.nodeId.slice(0, 12)}… answered "${a.verdict}"`;
  const at = `at ${new Date(until).toISOString()} (in ${Math.ceil((until - now) / 60_000)} min)`;
  const [a] = pending;
  if (pending.length === 1 && a) {
    // Past `until`, any node may fetch it again, and an answer at least as restrictive stands.
    const when =
      until > now
        ? `a node of another operator must confirm it, else it stands ${at}`
        : 'no node of another operator confirmed it in time: the next answer stands';
    return `${said(a)}, which would ${a.rank === CLOSES ? 'close' : 'open'} the site; ${when}`;
  }
  const who = pending.length === 2 ? 'a third operator' : 'another operator';
  const when =
    until > now
      ? `a node of ${who} decides, else the most restrictive answer stands ${at}`
      : `no node of ${who} came in time: the most restrictive answer stands when fetched again`;
  return `nodes of ${pending.length} operators disagree (${pending.map(said).join('; ')}); ${when}`;
}

async function anyNodeSeen(db: SqlExecutor, since: number): Promise<boolean> {
  const r = await db.get<{ n: number }>(
    'SELECT count(*) AS n FROM nodes WHERE revoked_at IS NULL AND last_seen >= ?',
    [since],
  );
  return Number(r?.n ?? 0) > 0;
}
