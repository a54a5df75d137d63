import type { Worker } from 'node:worker_threads';

/**
 * The few driver calls the store makes, so one SQL store runs on SQLite and PostgreSQL.
 * Statements use `?` placeholders; the PostgreSQL driver rewrites them to `$n`.
 */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array;
export type Row = Record<string, unknown>;

export interface SqlExecutor {
  all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
}

export interface SqlDriver extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `fn` in one transaction; rolls back if it throws. Nested calls are not supported. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  exec(script: string): Promise<void>;
  close(): Promise<void>;
  /**
   * SQLite with `checkpointThread` on: runs the WAL checkpoints on `worker`, a thread the caller has anyway,
   * in place of their own thread (sqlite-checkpointer.ts). The worker must hand a message that
   * `isCheckpointTask` (sqlite-checkpoint-task.ts) accepts to `runCheckpointTask`. Absent otherwise.
   */
  hostCheckpoints?(worker: Worker): void;
}

/**
 * The clause a claim's SELECT ends with so concurrent transactions skip each other's rows: PostgreSQL locks the
 * rows read and skips those another transaction holds; SQLite has one writer at a time and no such clause.
 */
export function skipLockedClause(dialect: SqlDriver['dialect']): string {
  return dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
}
