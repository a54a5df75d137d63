import { randomUUID } from 'node:crypto';
import { forgetBlobStoreId } from './blob/blob-store-id.js';
import { CoordinatorError } from './errors.js';
import { forgetLogKey } from './log/log-key.js';
import type { SqlDriver } from './store/sql-driver.js';

/** What this coordinator brings to the network it joins. */
export interface PeerSetup {
  /** Hex public key of the log key it signs checkpoints with, and where that key was read from. */
  logKeyId: string;
  logKeyFile: string;
  /** The key was written by this start (the path had none). */
  logKeyCreated: boolean;
  /** Id of the blob store folder (blob/blob-store-id.ts) and that folder. */
  blobStoreId: string;
  blobRoot: string;
  /** The marker was written by this start (the folder had none). */
  blobStoreCreated: boolean;
}

const LOG_KEY = 'network.log_key_id';
const DATABASE_ID = 'network.database_id';
const BLOB_STORE = 'network.blob_store_id';

/**
 * Coordinators sharing one database are one network: they must sign checkpoints with one log key (else
 * a bundle carries checkpoints signed by two keys and fails verification) and keep bodies in one blob
 * store (else a body one of them stored is missing for the others). The first start records both in the
 * database; any later start whose key or blob store differs is refused with one line that says what
 * differs and how to fix it, before it signs or stores anything.
 */
export async function checkPeerAgreement(db: SqlDriver, mine: PeerSetup): Promise<void> {
  // INSERT … DO NOTHING then read: of two first starts at once, one records and the other compares.
  const recorded = await db.transaction(async (tx) => {
    for (const [key, value] of [
      [LOG_KEY, mine.logKeyId],
      [BLOB_STORE, mine.blobStoreId],
    ] as const)
      await tx.run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', [key, value]);
    const rows = await tx.all<{ key: string; value: string }>(
      'SELECT key, value FROM meta WHERE key IN (?, ?)',
      [LOG_KEY, BLOB_STORE],
    );
    return new Map(rows.map((r) => [r.key, r.value]));
  });
  const problems: string[] = [];
  const logKey = recorded.get(LOG_KEY);
  if (logKey !== mine.logKeyId)
    problems.push(
      `log key differs: ${mine.logKeyFile} has public key ${short(mine.logKeyId)}${mine.logKeyCreated ? ' (a key new to this start, not kept)' : ''}, the database records ${short(logKey)} ` +
        '(copy the log key file of the coordinators already on this database to that path, or give its path with --log-key)',
    );
  const blobStore = recorded.get(BLOB_STORE);
  if (blobStore !== mine.blobStoreId)
    problems.push(
      `blob store differs: ${mine.blobRoot} is blob store ${mine.blobStoreId}${mine.blobStoreCreated ? ' (an empty folder, new to this start)' : ''}, ` +
        `the database records ${blobStore} (point --data-dir at the folder the other coordinators share, or restore it from a backup)`,
    );
  if (problems.length === 0) return;
  // What this start wrote itself goes again, so the folder stays as it was. Only on that mismatch: a key the
  // database records is the network's, even when this start wrote it (a peer sharing the folder may use it).
  if (mine.blobStoreCreated && blobStore !== mine.blobStoreId) forgetBlobStoreId(mine.blobRoot);
  if (mine.logKeyCreated && logKey !== mine.logKeyId) forgetLogKey(mine.logKeyFile);
  throw new CoordinatorError(
    'CONFIG',
    `this coordinator does not match the others on its database: ${problems.join('; ')}`,
  );
}

const short = (hex: string | undefined) => (hex ? `${hex.slice(0, 16)}…` : 'nothing');

/**
 * A random id the database keeps (made by its first coordinator's start, not by its schema: test databases
 * copied from one migrated template must differ), so that a data folder's claim tells two PostgreSQL databases
 * apart however each coordinator names its server (sqlite-owner.ts claimDataDir). A database copied with
 * CREATE DATABASE … TEMPLATE keeps it: give the copy's coordinators their own folder.
 */
export async function databaseId(db: SqlDriver): Promise<string> {
  await db.run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', [
    DATABASE_ID,
    randomUUID(),
  ]);
  const r = await db.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', [DATABASE_ID]);
  return r?.value as string;
}
