import type { SqlDriver, SqlExecutor } from './sql-driver.js';

/**
 * What a schema statement creates (or, `dropped`, removes), read from its text; null: a statement this module
 * does not know.
 */
type Target =
  | { kind: 'relation'; name: string }
  | { kind: 'dropped'; name: string }
  | { kind: 'trigger'; name: string; table: string }
  | { kind: 'column'; table: string; name: string };

const RELATION = /^CREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX)\s+IF\s+NOT\s+EXISTS\s+(\w+)/i;
const TRIGGER =
  /^CREATE\s+(?:OR\s+REPLACE\s+)?TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s[\s\S]*?\sON\s+(\w+)/i;
const DROP_INDEX = /^DROP\s+INDEX\s+IF\s+EXISTS\s+(\w+)\s*$/i;
const COLUMN = /^ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+IF\s+NOT\s+EXISTS\s+(\w+)/i;

/** Leading `-- comment` lines and blanks, which the schema texts put before some statements. */
const stripComments = (stmt: string) => stmt.replace(/^(\s*--[^\n]*\n)*\s*/, '');

export function ddlTarget(stmt: string): Target | null {
  const s = stripComments(stmt);
  let m = RELATION.exec(s);
  if (m) return { kind: 'relation', name: (m[1] as string).toLowerCase() };
  m = DROP_INDEX.exec(s);
  if (m) return { kind: 'dropped', name: (m[1] as string).toLowerCase() };
  m = TRIGGER.exec(s);
  if (m)
    return { kind: 'trigger', name: (m[1] as string).toLowerCase(), table: (m[2] as string).toLowerCase() };
  m = COLUMN.exec(s);
  if (m)
    return { kind: 'column', table: (m[1] as string).toLowerCase(), name: (m[2] as string).toLowerCase() };
  return null;
}

/**
 * Runs schema statements in `tx`, on PostgreSQL skipping each one whose table, index, trigger or column the
 * catalogue already has. The skip is the point: CREATE INDEX IF NOT EXISTS takes a SHARE lock on its table,
 * CREATE OR REPLACE TRIGGER a SHARE ROW EXCLUSIVE one and ADD COLUMN IF NOT EXISTS an ACCESS EXCLUSIVE one,
 * all before finding there is nothing to do. A coordinator starting beside peers that write those tables
 * then holds one table while waiting for another that a peer's capture holds, and PostgreSQL kills one of
 * the two as a deadlock (test/start-beside-busy-peer-postgres.test.ts). Reading the catalogue takes no lock
 * a writer waits for, so a start on an up-to-date schema runs no DDL at all.
 *
 * So a statement is "create if missing" (and `DROP INDEX IF EXISTS` "drop if present"): a trigger (or index) whose definition changes needs a new name, as
 * with IF NOT EXISTS. Statements it does not recognise (CREATE OR REPLACE FUNCTION, UPDATE …) always run;
 * they lock no table a writer uses. The caller holds its advisory lock first, so peers starting together
 * read each other's committed DDL. SQLite (one writer at a time) runs every statement as before.
 */
export async function applyDdl(db: SqlDriver, tx: SqlExecutor, statements: readonly string[]): Promise<void> {
  const todo = statements.map((s) => s.trim()).filter(Boolean);
  if (db.dialect !== 'postgres') {
    for (const stmt of todo) await tx.run(stmt);
    return;
  }
  const have = await catalogue(tx);
  for (const stmt of todo) {
    const t = ddlTarget(stmt);
    // an index an older version made and this one replaced is dropped once: only while it is there
    if (t?.kind === 'dropped') {
      if (have.relations.has(t.name)) await tx.run(stmt);
      continue;
    }
    const exists =
      t?.kind === 'relation'
        ? have.relations.has(t.name)
        : t?.kind === 'trigger'
          ? have.triggers.has(`${t.table}.${t.name}`)
          : t?.kind === 'column'
            ? have.columns.has(`${t.table}.${t.name}`)
            : false;
    if (!exists) await tx.run(stmt);
  }
}

/** Splits a schema text on `;` (the texts hold no `;` inside a statement) and applies it with applyDdl. */
export function applyDdlScript(db: SqlDriver, tx: SqlExecutor, script: string): Promise<void> {
  return applyDdl(db, tx, script.split(';'));
}

async function catalogue(tx: SqlExecutor) {
  // One after the other: a transaction is one connection, which runs one query at a time.
  const relations = await tx.all<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema()`,
  );
  const triggers = await tx.all<{ name: string }>(
    `SELECT c.relname || '.' || t.tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND NOT t.tgisinternal`,
  );
  const columns = await tx.all<{ name: string }>(
    `SELECT table_name || '.' || column_name AS name FROM information_schema.columns
       WHERE table_schema = current_schema()`,
  );
  const set = (rows: { name: string }[]) => new Set(rows.map((r) => r.name));
  return { relations: set(relations), triggers: set(triggers), columns: set(columns) };
}
