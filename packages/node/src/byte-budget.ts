import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/*
 * Bytes fetched, kept as per-minute buckets over the last 24 h and persisted to a small JSON file,
 * so the hourly/daily caps are sliding windows ("the last 60 minutes", "the last 24 hours") that
 * survive a restart. At most 1440 buckets: the file stays a few tens of KiB.
 *
 * The caps are enforced from the in-memory buckets at once; the file is only what a restart reads
 * back. Writing it after every fetch was a synchronous write + rename per page on the node's event
 * loop (docs/BENCHMARKS.md), so consume() schedules at most one write per FLUSH_DELAY_MS, and the
 * daemon's stop() writes the rest. Accepted cost: a crash or kill -9 loses up to ~1 s of counts,
 * i.e. the bytes of a few pages may be fetched again after a restart beyond the cap.
 */

/** Longest a count stays unwritten while the node runs. */
export const FLUSH_DELAY_MS = 1000;

const MINUTE = 60_000;
const HOUR_MINUTES = 60;
const DAY_MINUTES = 24 * 60;

interface StateFile {
  readonly v: 1;
  /** [minute since epoch, bytes] */
  readonly buckets: [number, number][];
}

export interface ByteCaps {
  readonly bytesPerHour: number | null;
  readonly bytesPerDay: number | null;
}

export class ByteBudget {
  private readonly buckets = new Map<number, number>();
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  /*
   * The two window sums as of minute `sumsAt`, kept up by consume() within that minute and counted again
   * from the buckets once the minute changes: a node asks for them several times a page (every chunk,
   * every lease decision), and counting a day's 1,440 buckets each time would cost more than the page.
   */
  private sumsAt = Number.NaN;
  private hourSum = 0;
  private daySum = 0;

  constructor(
    private readonly caps: ByteCaps,
    private readonly stateFile: string | null,
    private readonly now: () => number = Date.now,
  ) {
    if (stateFile) this.load(stateFile);
  }

  used(): { lastHour: number; lastDay: number } {
    const m = Math.floor(this.now() / MINUTE);
    if (m !== this.sumsAt) {
      let lastHour = 0;
      let lastDay = 0;
      for (const [minute, bytes] of this.buckets) {
        const age = m - minute;
        if (age < DAY_MINUTES) lastDay += bytes;
        if (age < HOUR_MINUTES) lastHour += bytes;
      }
      this.sumsAt = m;
      this.hourSum = lastHour;
      this.daySum = lastDay;
    }
    return { lastHour: this.hourSum, lastDay: this.daySum };
  }

  /** Bytes still allowed right now (Infinity without caps); 0 means the cap is reached. */
  remaining(): number {
    const u = this.used();
    const hour = this.caps.bytesPerHour === null ? Infinity : this.caps.bytesPerHour - u.lastHour;
    const day = this.caps.bytesPerDay === null ? Infinity : this.caps.bytesPerDay - u.lastDay;
    return Math.max(0, Math.min(hour, day));
  }

  /** Counts bytes as they arrive; returns false once a cap is exceeded so the caller stops reading. */
  consume(bytes: number): boolean {
    const m = Math.floor(this.now() / MINUTE);
    this.buckets.set(m, (this.buckets.get(m) ?? 0) + bytes);
    // this minute's bucket is in both windows; sums of another minute are counted again when asked
    if (m === this.sumsAt) {
      this.hourSum += bytes;
      this.daySum += bytes;
    } else this.sumsAt = Number.NaN;
    this.dirty = true;
    this.scheduleFlush();
    return this.withinCaps();
  }

  private scheduleFlush(): void {
    if (!this.stateFile || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      try {
        this.flush();
      } catch {
        // A full disk or a vanished directory must not crash the node from a timer: the counts
        // stay dirty in memory (the cap still holds) and the next consume or stop tries again.
      }
    }, FLUSH_DELAY_MS);
    // A pending write must not keep a stopped node's process alive; stop() flushes explicitly.
    this.timer.unref();
  }

  private withinCaps(): boolean {
    const u = this.used();
    if (this.caps.bytesPerHour !== null && u.lastHour > this.caps.bytesPerHour) return false;
    if (this.caps.bytesPerDay !== null && u.lastDay > this.caps.bytesPerDay) return false;
    return true;
  }

  /**
   * Writes the counters now (atomic rename) when they changed: from the timer consume() sets, and
   * from the daemon's stop() so nothing counted before a clean stop is lost. Cancels a pending timer.
   */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.stateFile || !this.dirty) return;
    const m = Math.floor(this.now() / MINUTE);
    for (const minute of this.buckets.keys()) if (m - minute >= DAY_MINUTES) this.buckets.delete(minute);
    this.sumsAt = Number.NaN;
    const state: StateFile = { v: 1, buckets: [...this.buckets] };
    mkdirSync(dirname(this.stateFile), { recursive: true });
    const tmp = `${this.stateFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, this.stateFile);
    this.dirty = false;
  }

  private load(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return; // first run
    }
    try {
      const state = JSON.parse(text) as Partial<StateFile>;
      for (const b of state.buckets ?? [])
        if (Array.isArray(b) && Number.isFinite(b[0]) && Number.isFinite(b[1])) this.buckets.set(b[0], b[1]);
    } catch {
      // A corrupt counter file must not stop the node; the cap restarts from zero and the next flush repairs it.
    }
  }
}
