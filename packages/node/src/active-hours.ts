import { NodeError } from './errors.js';

/** A daily window in minutes since midnight; end < start means it wraps past midnight. */
export interface ActiveWindow {
  readonly start: number;
  readonly end: number;
}

const RANGE = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

export function parseActiveHours(ranges: readonly string[]): ActiveWindow[] {
  return ranges.map((r) => {
    const m = RANGE.exec(r.trim());
    if (!m) throw new NodeError('CONFIG', `active hours: expected HH:MM-HH:MM, got ${r}`);
    const start = Number(m[1]) * 60 + Number(m[2]);
    const end = Number(m[3]) * 60 + Number(m[4]);
    if (end > 24 * 60) throw new NodeError('CONFIG', `active hours: ${r} ends after 24:00`);
    return { start, end };
  });
}

/** True when `minute` (0..1439) falls in any window; no windows means always active. */
export function isActiveAt(windows: readonly ActiveWindow[], minute: number): boolean {
  if (windows.length === 0) return true;
  return windows.some((w) =>
    w.start === w.end
      ? true
      : w.start < w.end
        ? minute >= w.start && minute < w.end
        : minute >= w.start || minute < w.end,
  );
}

export function minuteOfDay(now: Date, timeZone: 'local' | 'utc'): number {
  return timeZone === 'utc'
    ? now.getUTCHours() * 60 + now.getUTCMinutes()
    : now.getHours() * 60 + now.getMinutes();
}
