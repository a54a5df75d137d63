import type { IncomingMessage, ServerResponse } from 'node:http';

/** One request as the test site saw it. Times are epoch milliseconds with sub-millisecond precision. */
export interface Hit {
  method: string;
  /** Path and query exactly as requested (no fragment: clients never send it). */
  path: string;
  /** Lower-case header names, as node gives them. */
  headers: Record<string, string>;
  userAgent: string;
  /** ISO time the request arrived. */
  time: string;
  start: number;
  /** Set when the response has been sent or the connection dropped; undefined while in flight. */
  end: number | undefined;
  /** Status sent; 0 while in flight or if the client went away first. */
  status: number;
}

const now = (): number => performance.timeOrigin + performance.now();

/** Every request a test site received, in arrival order, with helpers for the usual assertions. */
export class HitLog {
  readonly all: Hit[] = [];

  /** Starts recording a request; the hit is completed when the response closes. */
  record(req: IncomingMessage, res: ServerResponse): Hit {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = String(v);
    const start = now();
    const hit: Hit = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers,
      userAgent: headers['user-agent'] ?? '',
      time: new Date(start).toISOString(),
      start,
      end: undefined,
      status: 0,
    };
    this.all.push(hit);
    res.on('close', () => {
      hit.end = now();
      hit.status = res.writableFinished ? res.statusCode : 0;
    });
    return hit;
  }

  /** Hits whose path (with query) equals `path`, or whose pathname does when `path` has no query. */
  forPath(path: string): Hit[] {
    const withQuery = path.includes('?');
    return this.all.filter((h) => (withQuery ? h.path : h.path.split('?')[0]) === path);
  }

  count(path: string): number {
    return this.forPath(path).length;
  }

  /** Status codes served for a path in order, e.g. [200, 304, 304]. */
  statuses(path: string): number[] {
    return this.forPath(path).map((h) => h.status);
  }

  /** Request count per path (with query). */
  counts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const h of this.all) m.set(h.path, (m.get(h.path) ?? 0) + 1);
    return m;
  }

  /** The most requests that were in flight at the same moment; 1 means strictly one at a time. */
  maxConcurrent(): number {
    const events: [time: number, delta: number][] = [];
    for (const h of this.all) {
      events.push([h.start, 1], [h.end ?? Number.POSITIVE_INFINITY, -1]);
    }
    // At equal times count the end first: a request that starts as another ends does not overlap it.
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let cur = 0;
    let max = 0;
    for (const [, d] of events) {
      cur += d;
      max = Math.max(max, cur);
    }
    return max;
  }

  /** Distinct User-Agent values seen. */
  userAgents(): string[] {
    return [...new Set(this.all.map((h) => h.userAgent))];
  }

  clear(): void {
    this.all.length = 0;
  }
}
