import type { SqlDriver, SqlExecutor } from './sql-driver.js';

/**
 * Adds columns a newer version needs to a table an older version created (CREATE TABLE IF NOT EXISTS
 * leaves existing tables as they are). `columns` maps a name to its type clause, e.g. { etag: 'TEXT' }.
 * Returns the names it added (none: the table had them all).
 * The table's columns are read first on both backends: on PostgreSQL even ADD COLUMN IF NOT EXISTS takes
 * an exclusive lock on the table, which deadlocks with coordinators already running on the database.
 */
export async function ensureColumns(
  db: SqlDriver,
  tx: SqlExecutor,
  table: string,
  columns: Record<string, string>,
): Promise<string[]> {
  const sql =
    db.dialect === 'postgres'
      ? `SELECT column_name AS name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = '${table}'`
      : `SELECT name FROM pragma_table_info('${table}')`;
  const have = new Set((await tx.all<{ name: string }>(sql)).map((r) => r.name));
  const added: string[] = [];
  for (const [name, type] of Object.entries(columns))
    if (!have.has(name)) {
      await tx.run(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`);
      added.push(name);
    }
  return added;
}
