import { applyDdl } from './ddl.js';
import type { SqlDriver, SqlExecutor } from './sql-driver.js';

/**
 * A job's page counts by state and reason, and its stored pages by node, kept by triggers in the transaction
 * that changes a URL or a capture, so GET /v1/jobs/:id (which `sward crawl` polls 4 times a second) reads a few
 * rows instead of counting the job's URLs: ~35 ms on SQLite and ~75 ms on PostgreSQL for 100,000 pages with
 * covering indexes, twice that without (docs/BENCHMARKS.md, session 21). Exact at every read: a count
 * changes in the transaction that changes its row, and a read sees committed transactions only.
 *
 * Rows are per `slot`: on PostgreSQL the backend (connection) that made the change, so that concurrent
 * transactions (peers' claims and captures of one job) never update one counter row and never wait on each
 * other's row locks, nor deadlock (a claim moves queued→leased while a hand-back moves leased→queued); a
 * read sums the slots. SQLite has one writer at a time: one slot. A NULL reason is kept as ''.
 */
const TABLES = [
  `CREATE TABLE IF NOT EXISTS job_counts (
     job_id TEXT NOT NULL, state TEXT NOT NULL, reason TEXT NOT NULL, slot BIGINT NOT NULL, n BIGINT NOT NULL,
     PRIMARY KEY (job_id, state, reason, slot))`,
  `CREATE TABLE IF NOT EXISTS job_node_counts (
     job_id TEXT NOT NULL, node_id TEXT NOT NULL, slot BIGINT NOT NULL, n BIGINT NOT NULL,
     PRIMARY KEY (job_id, node_id, slot))`,
];

/** Adds `d` to a counter row (SQLite trigger body): `cond` false adds nothing. */
const sqliteAdd = (table: 'job_counts' | 'job_node_counts', key: string[], d: number, cond: string) =>
  `INSERT INTO ${table} SELECT ${key.join(', ')}, 0, ${d} WHERE ${cond}
   ON CONFLICT DO UPDATE SET n = ${table}.n + excluded.n;`;
const urlKey = (r: 'NEW' | 'OLD') => [`${r}.job_id`, `${r}.state`, `coalesce(${r}.reason, '')`];
const captureKey = (r: 'NEW' | 'OLD') => [`${r}.job_id`, `${r}.node_id`];

const SQLITE_TRIGGERS = [
  `CREATE TRIGGER IF NOT EXISTS urls_count_insert AFTER INSERT ON urls WHEN NEW.kind = 'page' BEGIN
     ${sqliteAdd('job_counts', urlKey('NEW'), 1, 'true')} END`,
  `CREATE TRIGGER IF NOT EXISTS urls_count_update AFTER UPDATE OF job_id, kind, state, reason ON urls
   WHEN (OLD.kind = 'page' OR NEW.kind = 'page') AND (OLD.job_id IS NOT NEW.job_id OR OLD.kind IS NOT NEW.kind
     OR OLD.state IS NOT NEW.state OR OLD.reason IS NOT NEW.reason) BEGIN
     ${sqliteAdd('job_counts', urlKey('OLD'), -1, "OLD.kind = 'page'")}
     ${sqliteAdd('job_counts', urlKey('NEW'), 1, "NEW.kind = 'page'")} END`,
  `CREATE TRIGGER IF NOT EXISTS urls_count_delete AFTER DELETE ON urls WHEN OLD.kind = 'page' BEGIN
     ${sqliteAdd('job_counts', urlKey('OLD'), -1, 'true')} END`,
  `CREATE TRIGGER IF NOT EXISTS captures_count_insert AFTER INSERT ON captures WHEN NEW.outcome = 'stored' BEGIN
     ${sqliteAdd('job_node_counts', captureKey('NEW'), 1, 'true')} END`,
  `CREATE TRIGGER IF NOT EXISTS captures_count_update AFTER UPDATE OF job_id, node_id, outcome ON captures
   WHEN (OLD.outcome = 'stored' OR NEW.outcome = 'stored') AND (OLD.job_id IS NOT NEW.job_id
     OR OLD.node_id IS NOT NEW.node_id OR OLD.outcome IS NOT NEW.outcome) BEGIN
     ${sqliteAdd('job_node_counts', captureKey('OLD'), -1, "OLD.outcome = 'stored'")}
     ${sqliteAdd('job_node_counts', captureKey('NEW'), 1, "NEW.outcome = 'stored'")} END`,
  `CREATE TRIGGER IF NOT EXISTS captures_count_delete AFTER DELETE ON captures WHEN OLD.outcome = 'stored' BEGIN
     ${sqliteAdd('job_node_counts', captureKey('OLD'), -1, 'true')} END`,
];

const PG_TRIGGERS = [
  // An update that moves a row between two counters changes both in one statement (one call, not two). One
  // that stays on its counter (a reason NULL ↔ '', both kept as '') changes none: the two-row upsert would hit
  // that row twice, which PostgreSQL refuses, failing the UPDATE.
  `CREATE OR REPLACE FUNCTION urls_count() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'UPDATE' AND OLD.kind = 'page' AND NEW.kind = 'page' THEN
       IF (OLD.job_id, OLD.state, coalesce(OLD.reason, '')) = (NEW.job_id, NEW.state, coalesce(NEW.reason, ''))
         THEN RETURN NULL;
       END IF;
       INSERT INTO job_counts VALUES
         (OLD.job_id, OLD.state, coalesce(OLD.reason, ''), pg_backend_pid(), -1),
         (NEW.job_id, NEW.state, coalesce(NEW.reason, ''), pg_backend_pid(), 1)
       ON CONFLICT (job_id, state, reason, slot) DO UPDATE SET n = job_counts.n + excluded.n;
       RETURN NULL;
     END IF;
     IF TG_OP <> 'INSERT' AND OLD.kind = 'page' THEN
       INSERT INTO job_counts VALUES (OLD.job_id, OLD.state, coalesce(OLD.reason, ''), pg_backend_pid(), -1)
       ON CONFLICT (job_id, state, reason, slot) DO UPDATE SET n = job_counts.n - 1;
     END IF;
     IF TG_OP <> 'DELETE' AND NEW.kind = 'page' THEN
       INSERT INTO job_counts VALUES (NEW.job_id, NEW.state, coalesce(NEW.reason, ''), pg_backend_pid(), 1)
       ON CONFLICT (job_id, state, reason, slot) DO UPDATE SET n = job_counts.n + 1;
     END IF;
     RETURN NULL;
   END $$`,
  `CREATE OR REPLACE FUNCTION captures_count() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP <> 'INSERT' AND OLD.outcome = 'stored' THEN
       INSERT INTO job_node_counts VALUES (OLD.job_id, OLD.node_id, pg_backend_pid(), -1)
       ON CONFLICT (job_id, node_id, slot) DO UPDATE SET n = job_node_counts.n - 1;
     END IF;
     IF TG_OP <> 'DELETE' AND NEW.outcome = 'stored' THEN
       INSERT INTO job_node_counts VALUES (NEW.job_id, NEW.node_id, pg_backend_pid(), 1)
       ON CONFLICT (job_id, node_id, slot) DO UPDATE SET n = job_node_counts.n + 1;
     END IF;
     RETURN NULL;
   END $$`,
  `CREATE OR REPLACE TRIGGER urls_count_change AFTER INSERT OR DELETE ON urls
   FOR EACH ROW EXECUTE FUNCTION urls_count()`,
  `CREATE OR REPLACE TRIGGER urls_count_update AFTER UPDATE OF job_id, kind, state, reason ON urls
   FOR EACH ROW WHEN (OLD.job_id IS DISTINCT FROM NEW.job_id OR OLD.kind IS DISTINCT FROM NEW.kind
     OR OLD.state IS DISTINCT FROM NEW.state OR OLD.reason IS DISTINCT FROM NEW.reason)
   EXECUTE FUNCTION urls_count()`,
  `CREATE OR REPLACE TRIGGER captures_count_change AFTER INSERT OR DELETE ON captures
   FOR EACH ROW EXECUTE FUNCTION captures_count()`,
  `CREATE OR REPLACE TRIGGER captures_count_update AFTER UPDATE OF job_id, node_id, outcome ON captures
   FOR EACH ROW WHEN (OLD.job_id IS DISTINCT FROM NEW.job_id OR OLD.node_id IS DISTINCT FROM NEW.node_id
     OR OLD.outcome IS DISTINCT FROM NEW.outcome)
   EXECUTE FUNCTION captures_count()`,
];

/**
 * Creates the counters and their triggers; on a database that had jobs before them, counts those jobs once, in
 * the transaction that creates the triggers (on PostgreSQL CREATE TRIGGER locks the table against writers
 * until it commits, so no change falls between the count and the first trigger).
 */
export async function applyJobCounts(db: SqlDriver): Promise<void> {
  await db.transaction(async (tx) => {
    if (db.dialect === 'postgres') await tx.run('SELECT pg_advisory_xact_lock(7290017)');
    const fresh = !(await hasTable(db, tx, 'job_counts'));
    await applyDdl(db, tx, [...TABLES, ...(db.dialect === 'sqlite' ? SQLITE_TRIGGERS : PG_TRIGGERS)]);
    if (!fresh) return;
    await tx.run(
      `INSERT INTO job_counts SELECT job_id, state, coalesce(reason, ''), 0, count(*) FROM urls
       WHERE kind = 'page' GROUP BY job_id, state, coalesce(reason, '')`,
    );
    await tx.run(
      `INSERT INTO job_node_counts SELECT job_id, node_id, 0, count(*) FROM captures
       WHERE outcome = 'stored' GROUP BY job_id, node_id`,
    );
  });
}

async function hasTable(db: SqlDriver, tx: SqlExecutor, name: string): Promise<boolean> {
  const r =
    db.dialect === 'postgres'
      ? await tx.get<{ t: string | null }>('SELECT to_regclass(?) AS t', [name])
      : await tx.get<{ t: string | null }>(
          "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name = ?",
          [name],
        );
  return Boolean(r?.t);
}

/** Counter rows a job may gather across slots before a read folds the closed backends' rows (PostgreSQL). */
export const COMPACT_ABOVE_ROWS = 256;
/** At most one fold a job this often, per process: a job whose rows are all open backends' is not retried on every read. */
const COMPACT_EVERY_MS = 60_000;

/**
 * A job's counts as GET /v1/jobs/:id reads them, keeping the number of rows a read sums small. On PostgreSQL
 * every backend that changed a job's URLs or captures has rows of its own (the slots), and backends come and go
 * (a pool closing idle connections, a coordinator restarting, peers): left alone, a job polled for months (a
 * live collection's) would sum thousands of rows of backends long closed. A read that sums more than
 * COMPACT_ABOVE_ROWS folds them, after its answer and without delaying it (compactJobCounts).
 */
export class JobCounts {
  private readonly lastFold = new Map<string, number>();
  private readonly folding = new Set<Promise<void>>();

  constructor(
    private readonly db: SqlDriver,
    private readonly compactAboveRows = COMPACT_ABOVE_ROWS,
  ) {}

  async read(jobId: string): Promise<Awaited<ReturnType<typeof readJobCounts>>> {
    const counts = await readJobCounts(this.db, jobId);
    const now = Date.now();
    if (
      this.db.dialect === 'postgres' &&
      counts.rows > this.compactAboveRows &&
      now - (this.lastFold.get(jobId) ?? 0) >= COMPACT_EVERY_MS
    ) {
      this.lastFold.set(jobId, now);
      // the answer does not wait for the fold; one that fails (a lock not free at once, a store closing)
      // changes nothing, and a later read tries again
      const fold: Promise<void> = compactJobCounts(this.db, jobId)
        .catch(() => {})
        .finally(() => this.folding.delete(fold));
      this.folding.add(fold);
    }
    return counts;
  }

  /** Resolves when the folds under way have ended (for a store closing, and for tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.folding]);
  }
}

/**
 * Folds a job's counter rows of closed PostgreSQL backends into one row a key (slot 0), leaving every sum as
 * it was; rows that sum to nothing go. Rows of open backends stay: one may be changing them now. A backend
 * opened under a closed one's pid could write a row being folded and also hold one the fold needs; rather
 * than risk a deadlock (in which PostgreSQL could abort the writer, a capture or a claim), the fold gives up
 * after a short wait for a lock and changes nothing. SQLite keeps one slot: nothing to fold.
 */
export async function compactJobCounts(db: SqlDriver, jobId: string): Promise<void> {
  if (db.dialect !== 'postgres') return;
  await db.transaction(async (tx) => {
    await tx.run("SET LOCAL lock_timeout = '100ms'");
    for (const [table, key] of [
      ['job_counts', 'state, reason'],
      ['job_node_counts', 'node_id'],
    ] as const) {
      await tx.run(
        `WITH gone AS (
           DELETE FROM ${table} WHERE job_id = ? AND slot <> 0
             AND slot NOT IN (SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL)
           RETURNING ${key}, n)
         INSERT INTO ${table} SELECT ?, ${key}, 0, sum(n) FROM gone GROUP BY ${key}
         ON CONFLICT (job_id, ${key}, slot) DO UPDATE SET n = ${table}.n + excluded.n`,
        [jobId, jobId],
      );
      await tx.run(`DELETE FROM ${table} WHERE job_id = ? AND slot = 0 AND n = 0`, [jobId]);
    }
  });
}

/** A job's page counts by state and reason (reason null for none), and its stored pages by node. */
export async function readJobCounts(
  db: SqlExecutor,
  jobId: string,
): Promise<{
  states: { state: string; reason: string | null; n: number }[];
  nodes: { nodeId: string; n: number }[];
  /** The counter rows summed (every slot's): what a read costs. */
  rows: number;
}> {
  const states = await db.all<{ state: string; reason: string; n: number; rows: number }>(
    'SELECT state, reason, sum(n) AS n, count(*) AS rows FROM job_counts WHERE job_id = ? GROUP BY state, reason',
    [jobId],
  );
  const nodes = await db.all<{ node_id: string; n: number; rows: number }>(
    'SELECT node_id, sum(n) AS n, count(*) AS rows FROM job_node_counts WHERE job_id = ? GROUP BY node_id',
    [jobId],
  );
  return {
    rows: [...states, ...nodes].reduce((sum, r) => sum + Number(r.rows), 0),
    states: states
      .filter((r) => Number(r.n) !== 0)
      .map((r) => ({ state: r.state, reason: r.reason === '' ? null : r.reason, n: Number(r.n) })),
    nodes: nodes.filter((r) => Number(r.n) !== 0).map((r) => ({ nodeId: r.node_id, n: Number(r.n) })),
  };
}
