import { type FileHandle, mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** One line of the operator's local log: what this node fetched, for whom, and what came of it. */
export interface FetchLogEntry {
  readonly time: string;
  readonly jobId: string;
  readonly leaseId: string;
  readonly url: string;
  readonly finalUrl?: string;
  readonly status?: number;
  readonly bytes: number;
  /** captured: an HTTP response was signed; failed: no response; refused: the operator's limits said no. */
  readonly outcome: 'captured' | 'failed' | 'refused';
  readonly code?: string;
  readonly message?: string;
  /** What the coordinator said about the capture/failure report. */
  readonly report?: 'accepted' | 'rejected' | 'unsent';
}

/**
 * Append-only JSONL; writes are queued so concurrent fetches never interleave lines. Lines that arrive
 * while a write is on its way go out together in the next one, through a file opened once (append mode)
 * and kept open until close(): one write for several pages, instead of an open, a write and a close for
 * each (a node's per-page file calls were most of its CPU in a crawl profile). To rotate the log under a
 * running node, copy and truncate it (logrotate's `copytruncate`): a file renamed away keeps the lines.
 */
export class FetchLog {
  private queue: Promise<void> = Promise.resolve();
  private handle: FileHandle | undefined;
  /** Lines waiting for the next write (that write is already queued when this is not empty). */
  private pending: string[] = [];

  constructor(readonly file: string) {}

  append(entry: FetchLogEntry): Promise<void> {
    this.pending.push(`${JSON.stringify(entry)}\n`);
    if (this.pending.length === 1) this.queue = this.queue.then(() => this.writePending());
    return this.queue;
  }

  private async writePending(): Promise<void> {
    if (!this.handle) {
      await mkdir(dirname(this.file), { recursive: true });
      this.handle = await open(this.file, 'a', 0o600);
    }
    const lines = this.pending.join('');
    this.pending = [];
    await this.handle.write(lines);
  }

  /** Writes what is queued and closes the file; a later append opens it again. */
  close(): Promise<void> {
    this.queue = this.queue.then(async () => {
      const h = this.handle;
      this.handle = undefined;
      await h?.close();
    });
    return this.queue;
  }

  /** Resolves when every queued line is on disk. */
  flushed(): Promise<void> {
    return this.queue;
  }
}

/** Reads the log; a missing file is an empty log, and a torn last line (crash mid-write) is skipped. */
export async function readFetchLog(file: string, options: { tail?: number } = {}): Promise<FetchLogEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const entries: FetchLogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line) as FetchLogEntry);
    } catch {
      // skip a partial line rather than hide the rest of the log
    }
  }
  return options.tail !== undefined ? entries.slice(Math.max(0, entries.length - options.tail)) : entries;
}

/** One human-readable line per entry, for `sward node log`. */
export function formatFetchLogEntry(e: FetchLogEntry): string {
  const what =
    e.outcome === 'captured'
      ? `${e.status} ${e.bytes}B${e.finalUrl && e.finalUrl !== e.url ? ` → ${e.finalUrl}` : ''}`
      : `${e.outcome.toUpperCase()} ${e.code ?? ''}${e.message ? ` (${e.message})` : ''}`;
  return `${e.time}  ${e.jobId}  ${e.url}  ${what}${e.report && e.report !== 'accepted' ? `  [report ${e.report}]` : ''}`;
}
