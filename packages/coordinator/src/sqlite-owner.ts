import { randomUUID } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { CoordinatorError } from './errors.js';
import { isPostgresUrl } from './store/location.js';

/** Who runs on a SQLite database, as the one refused is told. */
interface Holder {
  pid: number;
  host: string | null;
  port: number | null;
  started: string;
}

export interface SqliteOwnership {
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
): (SqliteOwnership & { database: string }) | null {
  if (location === '' || location === ':memory:' || isPostgresUrl(location)) return null;
  const path = resolve(location);
  if (!existsSync(dirname(path))) return null;
  // One file however the database is named (a relative path, a symbolic link).
  const database = existsSync(path) ? realpathSync(path) : path;
  const claim = claimLockFile(
    `${database}-coordinator`,
    me,
    (who) =>
      `another coordinator runs on the SQLite database ${path} (${who}): stop it first, or give this one its own --db and --data-dir (coordinators sharing one database need PostgreSQL, docs/DEPLOY.md)`,
  );
  return { ...claim, database };
}

/** The database a coordinator on a data folder keeps its log in, as its claim on the folder records it. */
export interface FolderDatabase {
  kind: 'sqlite' | 'postgres';
  /** What tells two databases apart: the SQLite file's real path, a PostgreSQL database's network.database_id. */
  id: string;
  /** For the refusal: the file, or the PostgreSQL server and database (no password). */
  name: string;
}

const KIND_NAMES = { sqlite: 'SQLite', postgres: 'PostgreSQL' } as const;

/**
 * Makes this coordinator one of the coordinators on a data folder (its log key, blobs, anchors.jsonl,
 * datasets), or refuses with one line naming one that runs there (pid, port, since when, its database): the
 * folder is one log's, so its coordinators must be one SQLite coordinator alone, or PostgreSQL peers of one
 * database (which share it on purpose, docs/DEPLOY.md). Two on different databases would sign two logs with one
 * key and mix their blobs and anchors. checkPeerAgreement cannot see this: it ties a database to the folder's log
 * key and blob store, and a second database sharing the folder records the same ones.
 *
 * The lock is on `coordinator.lock` in the folder (which exists: startCoordinator made it), a SQLite file that
 * records who set it up (the first coordinator of the folder's database) and is held for the coordinator's life
 * as claimSqliteDatabase's is: a SQLite coordinator holds a write lock (one writer), a PostgreSQL one a read
 * lock (many readers). The record is written only by a start that takes the file alone (an exclusive lock, which
 * any holder's lock refuses), so while anyone holds the folder its record names their database; each start then
 * takes its own lock and reads the record: a SQLite start must find the record it wrote itself, a PostgreSQL
 * start one of its own database. POSIX locks: the kernel drops them however the process ends.
 */
export function claimDataDir(
  dataDir: string,
  me: { host?: string; port?: number },
  database: FolderDatabase,
): SqliteOwnership {
  const dir = realpathSync(resolve(dataDir));
  const lockFile = join(dir, 'coordinator.lock');
  const db = new Database(lockFile);
  const token = randomUUID();
  const refuse = (holder: FolderHolder | null): never => {
    db.close();
    const who = holder
      ? `${whoHolds(holder)}, on the ${KIND_NAMES[holder.kind as FolderDatabase['kind']] ?? holder.kind} database ${holder.name}`
      : 'starting now';
    const fix =
      database.kind === 'postgres' && holder?.kind === 'postgres'
        ? 'a data folder is shared only by coordinators of one PostgreSQL database'
        : 'each SQLite coordinator needs its own log key, blobs and anchors';
    throw new CoordinatorError(
      'CONFLICT',
      `another coordinator runs on the data folder ${dir} (${who}): stop it first, or give this one its own --data-dir (${fix})`,
    );
  };
  // 1. Alone on the folder: this start's record. A moment's wait for a start that is reading the record.
  db.pragma('busy_timeout = 200');
  try {
    db.exec('BEGIN EXCLUSIVE');
    db.exec('DROP TABLE IF EXISTS claim');
    db.exec(
      'CREATE TABLE claim (token TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT, port INTEGER, started TEXT NOT NULL)',
    );
    db.prepare('INSERT INTO claim VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      token,
      database.kind,
      database.id,
      database.name,
      process.pid,
      me.host ?? null,
      me.port || null,
      new Date().toISOString(),
    );
    db.exec('COMMIT');
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    if (!isBusy(e)) {
      db.close();
      throw e;
    }
  }
  // 2. The claim for this coordinator's life, then 3. whose record it is (another start may have written
  // its own between this start's record and its lock: the record read under the lock is the one that stands).
  try {
    if (database.kind === 'sqlite') {
      db.pragma('busy_timeout = 0');
      db.exec('BEGIN IMMEDIATE');
    } else {
      db.pragma('busy_timeout = 5000'); // a start writing its record holds the file for a moment
      db.exec('BEGIN');
    }
  } catch (e) {
    if (isBusy(e)) refuse(readFolderHolder(db));
    db.close();
    throw e;
  }
  const holder = readFolderHolder(db);
  const mine =
    database.kind === 'sqlite'
      ? holder?.token === token
      : holder?.kind === 'postgres' && holder.id === database.id;
  if (!mine) {
    db.exec('ROLLBACK');
    refuse(holder);
  }
  return heldClaim(db);
}

/** "pid P, port N on HOST, since T": the holder as a refusal names it. */
const whoHolds = (h: Holder) =>
  [
    `pid ${h.pid}`,
    ...(h.port ? [`port ${h.port}${h.host ? ` on ${h.host}` : ''}`] : []),
    `since ${h.started}`,
  ].join(', ');

/** The claim a transaction left open on `db` holds, until release() (or the process's end). */
function heldClaim(db: Database.Database): SqliteOwnership {
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}

interface FolderHolder extends Holder {
  token: string;
  kind: string;
  id: string;
  name: string;
}

function readFolderHolder(db: Database.Database): FolderHolder | null {
  try {
    return (db.prepare('SELECT * FROM claim').get() as FolderHolder | undefined) ?? null;
  } catch {
    return null; // no record (an older coordinator's claim, or one between its lock and its record)
  }
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
    const who = holder ? whoHolds(holder) : 'starting now';
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
  return heldClaim(db);
}

function readHolder(db: Database.Database): Holder | null {
  try {
    return (db.prepare('SELECT pid, host, port, started FROM holder').get() as Holder | undefined) ?? null;
  } catch {
    return null; // no row yet: its holder is between its claim and its row
  }
}
