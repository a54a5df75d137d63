import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { CoordinatorError } from './errors.js';

/** Who runs on a SQLite database, as the one refused is told. */
interface Holder {
  pid: number;
  host: string | null;
  port: number | null;
  started: string;
}

export interface SqliteOwnership {
  /** The file whose lock this coordinator holds (DATABASE-coordinator). */
  readonly lockFile: string;
  /** Lets the database go: the next coordinator may start on it. */
  release(): void;
}

/** SQLite's answer to a lock another connection holds. */
const isBusy = (e: unknown) => (e as { code?: string } | null)?.code?.startsWith('SQLITE_BUSY') === true;

/**
 * Makes this coordinator the one coordinator on a SQLite database, or refuses with one line naming the one
 * that runs there (pid, port, since when). Two on one file would both start (the second's sequencer cannot
 * fork the log: BEGIN IMMEDIATE serialises them) and fight over leases and checkpoints without a word.
 *
 * The claim is a write lock SQLite holds on a file beside the database (`DATABASE-coordinator`): a
 * transaction opened with BEGIN IMMEDIATE and left open for the coordinator's life. It is a POSIX lock of
 * the process, so the kernel drops it when the process dies however it dies: a SIGKILLed coordinator leaves
 * no claim that blocks its restart (the file stays, unlocked; it is never removed, as a file removed while
 * another start waits on it would let two claim two files). Who holds it is written in that file before
 * the claim, for the refusal's message; the lock, not the row, decides. Coordinators in one process (tests)
 * are told apart as well: SQLite tracks its locks per file inside a process.
 *
 * `null` for what is not a SQLite file (`:memory:`, PostgreSQL, whose coordinators share one database), or a
 * file in a folder that does not exist (opening the store says so).
 */
export function claimSqliteDatabase(
  location: string,
  me: { host?: string; port?: number },
): SqliteOwnership | null {
  if (location === '' || location === ':memory:' || /^postgres(ql)?:\/\//i.test(location)) return null;
  const path = resolve(location);
  if (!existsSync(dirname(path))) return null;
  // One file however the database is named (a relative path, a symbolic link).
  return claimLockFile(
    `${existsSync(path) ? realpathSync(path) : path}-coordinator`,
    me,
    (who) =>
      `another coordinator runs on the SQLite database ${path} (${who}): stop it first, or give this one its own --db and --data-dir (coordinators sharing one database need PostgreSQL, docs/DEPLOY.md)`,
  );
}

/**
 * Makes this coordinator the one SQLite coordinator on a data folder (its log key, blobs, anchors.jsonl,
 * datasets), or refuses as claimSqliteDatabase does: two on different SQLite files sharing one folder would
 * sign two logs with one key and mix their blobs and anchors. The lock is on `coordinator.lock` in the folder
 * (which exists: startCoordinator made it). PostgreSQL peers share their folder on purpose and take no claim.
 */
export function claimDataDir(dataDir: string, me: { host?: string; port?: number }): SqliteOwnership {
  const dir = realpathSync(resolve(dataDir));
  return claimLockFile(
    join(dir, 'coordinator.lock'),
    me,
    (who) =>
      `another coordinator runs on the data folder ${dir} (${who}): stop it first, or give this one its own --data-dir (each SQLite coordinator needs its own log key, blobs and anchors)`,
  );
}

/** A write lock held on `lockFile` for the process's life (see claimSqliteDatabase), or a CONFLICT naming its holder. */
function claimLockFile(
  lockFile: string,
  me: { host?: string; port?: number },
  refusal: (who: string) => string,
): SqliteOwnership {
  const db = new Database(lockFile);
  const refuse = (): never => {
    db.pragma('busy_timeout = 5000');
    const holder = readHolder(db);
    db.close();
    const who = holder
      ? [
          `pid ${holder.pid}`,
          ...(holder.port ? [`port ${holder.port}${holder.host ? ` on ${holder.host}` : ''}`] : []),
          `since ${holder.started}`,
        ].join(', ')
      : 'starting now';
    throw new CoordinatorError('CONFLICT', refusal(who));
  };
  // Waiting is for a peer's short write of its row or a reader; a held claim answers BUSY at once.
  const begin = () => {
    db.pragma('busy_timeout = 0');
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (e) {
      if (isBusy(e)) refuse();
      db.close();
      throw e;
    }
    db.pragma('busy_timeout = 5000');
  };
  begin();
  db.exec(
    'CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, host TEXT, port INTEGER, started TEXT NOT NULL)',
  );
  db.exec('DELETE FROM holder');
  db.prepare('INSERT INTO holder (pid, host, port, started) VALUES (?, ?, ?, ?)').run(
    process.pid,
    me.host ?? null,
    me.port || null,
    new Date().toISOString(),
  );
  db.exec('COMMIT');
  // The claim: a write lock until release() or the process's end. (Of two starts that both wrote their row,
  // the one that takes it first runs; the other is refused here.)
  begin();
  let released = false;
  return {
    lockFile,
    release() {
      if (released) return;
      released = true;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}

function readHolder(db: Database.Database): Holder | null {
  try {
    return (db.prepare('SELECT pid, host, port, started FROM holder').get() as Holder | undefined) ?? null;
  } catch {
    return null; // no row yet: its holder is between its claim and its row
  }
}
