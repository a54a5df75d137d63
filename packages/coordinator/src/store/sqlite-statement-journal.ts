import type Database from 'better-sqlite3';

/**
 * BEGIN IMMEDIATE with the transaction's statement journals kept in memory.
 *
 * A statement that writes several rows and may stop on a constraint (the multi-row INSERTs and UPDATEs of the
 * capture path: captures, ledger postings, settled URLs, the extraction queue) keeps, until it ends, the old
 * image of every existing page it changes, so that it can be undone alone. SQLite holds that statement
 * journal in memory up to 64 KiB and then moves it to a temporary file, which it creates (and unlinks) and
 * writes page by page with `pwrite`; the file lives until the transaction ends. A capture batch's statements
 * touch index pages all over the table, so nearly every batch transaction spilled: one new inode, one unlink
 * and a few hundred `pwrite` calls for each, ~5 % of the coordinator's main thread in a crawl (journal-less
 * ext4 pays for each new inode by skipping the recently deleted ones; docs/BENCHMARKS.md, session 19, cpu).
 *
 * SQLite decides where a transaction's statement journals go when the transaction begins (from temp_store),
 * so temp_store is MEMORY for the BEGIN alone and back to the default (files) straight after: only the
 * statement journals stay in memory, while sorts and temporary tables of queries in the transaction spill to
 * files as before. Each statement of ours writes a bounded set of rows (multi-row statements go in chunks of
 * MULTI_ROW_CHUNK), so its journal is bounded too. Changing temp_store drops TEMP tables; the coordinator
 * makes none.
 */
export function beginWithMemoryStatementJournal(db: Database.Database): void {
  try {
    db.exec('PRAGMA temp_store = MEMORY; BEGIN IMMEDIATE; PRAGMA temp_store = DEFAULT');
  } catch (e) {
    // BEGIN failed (busy), or the setting could not go back: no transaction is left open, and temp_store
    // goes back as it was
    if (db.inTransaction) db.exec('ROLLBACK');
    db.exec('PRAGMA temp_store = DEFAULT');
    throw e;
  }
}
