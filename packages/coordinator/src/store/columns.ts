import type { SqlDriver, SqlExecutor } from './sql-driver.js';

/**
 * Adds columns a newer version needs to a table an older version created (CREATE TABLE IF NOT EXISTS
 * leaves existing tables as they are). PostgreSQL has ADD COLUMN IF NOT EXISTS; SQLite does not, so its
 * columns are read first. `columns` maps a name to its type clause, e.g. { etag: 'TEXT' }.
 */
export async function ensureColumns(
  db: SqlDriver,
  tx: SqlExecutor,
  table: string,
  columns: Record<string, string>,
): Promise<void> {
  if (db.dialect === 'postgres') {
    for (const [name, type] of Object.entries(columns))
      await tx.run(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${name} ${type}`);
    return;
  }
  const have = new Set(
    (await tx.all<{ name: string }>(`SELECT name FROM pragma_table_info('${table}')`)).map((r) => r.name),
  );
  for (const [name, type] of Object.entries(columns))
    if (!have.has(name)) await tx.run(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`);
}
