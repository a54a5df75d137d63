import { NodeError } from './errors.js';
import { backoffMs } from './sleep.js';

/**
 * What a failed coordinator call says about the coordinator: `answered` (it is there, whatever it said),
 * `silent` (no answer from it), or `unknown` (this node stopped the call, or a fault of its own).
 *
 * Silent: no response at all (refused, reset, timed out), and 502/503/504 without the coordinator's own
 * error body: what a reverse proxy in front of it (docs/DEPLOY.md) answers while it is down. Also the
 * coordinator's own 503 UNAVAILABLE: it sends that only while it shuts down (server.ts `closing`), the
 * moment before it stops answering at all; behind a proxy the next probe reaches a peer within the first
 * backoff (0.25-0.5 s). Every other status (2xx, 4xx, a 500 or 504 with a Sward error body such as
 * STORAGE or TIMEOUT) is an answer: heartbeats go on, they keep the node's leases (--node-timeout-ms).
 * A 503 with Retry-After is neither taken as down nor hammered: the gate holds every call until then.
 */
export type Hearing = 'answered' | 'silent' | 'unknown';

const PROXY_STATUSES = new Set([502, 503, 504]);

export function hearing(e: unknown): Hearing {
  if (!(e instanceof NodeError) || e.code === 'STOPPED') return 'unknown';
  if (e.code !== 'COORDINATOR_UNREACHABLE') return 'answered';
  if (e.status === undefined) return 'silent';
  if (PROXY_STATUSES.has(e.status) && (e.remoteCode === undefined || e.remoteCode === 'UNAVAILABLE'))
    return 'silent';
  return 'answered';
}

/**
 * The longest a Retry-After holds the node's calls (heartbeats too): a misconfigured proxy's "3600" must not
 * idle it an hour, and a coordinator that is up releases a node's leases after --node-timeout-ms without a
 * heartbeat (20 s by default), so a longer hold would throw away the pages this node fetched for them.
 */
export const RETRY_AFTER_MAX_MS = 15_000;

export interface GateOptions {
  now?: () => number;
  /** Wait before the next probe after `failures` silent ones in a row (sleep.ts backoffMs by default). */
  backoff?: (failures: number) => number;
  /** Called when the coordinator answers again after it did not (the spool sends what waited). */
  onAnswering?: () => void;
}

/**
 * One backoff for every call a node makes to its coordinator (lease loop, heartbeat, spool, in-flight
 * uploads). While the coordinator answers, calls go as they come. Once one finds it silent, calls wait:
 * after the backoff (0.25-0.5 s, doubling to 2.5-5 s, jittered) one call goes as a probe and the others wait
 * for its outcome. An answer lets them all go (capture uploads then leave together, in one batch); no answer
 * fails them without a call of their own (each caller's attempts bound how long it waits), and the next probe
 * waits the next backoff. So a node makes one call per backoff to a coordinator that is down, however many
 * uploads are on their way, where each upload retried on its own before (a burst when the coordinator came back).
 */
export class CoordinatorGate {
  private silent = false;
  private probing = false;
  private failures = 0;
  /** While silent: no call before this time (the backoff, or a 503's Retry-After). */
  private until = 0;
  /** Probes that found no answer: a waiter that saw one end so fails without calling. */
  private failedProbes = 0;
  private lastError: unknown = null;
  private readonly waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private readonly backoff: (failures: number) => number;
  private readonly onAnswering: () => void;

  constructor(opts: GateOptions = {}) {
    // Monotonic: a wall clock stepped back (NTP, a VM's restore) would hold every call for the step.
    this.now = opts.now ?? (() => performance.now());
    this.backoff = opts.backoff ?? ((n) => backoffMs(n));
    this.onAnswering = opts.onAnswering ?? (() => {});
  }

  /** The coordinator answered the last call that came back (or none has failed yet). */
  get answering(): boolean {
    return !this.silent;
  }

  /** A call started now goes at once: the coordinator answers, or it is this call's turn to probe it. */
  get free(): boolean {
    return !this.silent || (!this.probing && this.now() >= this.until);
  }

  /** How long until the next probe may go; 0 while the coordinator answers. */
  get retryInMs(): number {
    return this.silent ? Math.max(0, this.until - this.now()) : 0;
  }

  /**
   * Makes `call` when the gate lets it (`probe` true when it goes alone to a coordinator not answering) and
   * learns from its outcome. Waiting, it rejects with the probe's error when the probe found no answer, and
   * with a COORDINATOR_UNREACHABLE when `signal` aborts.
   */
  async run<T>(call: (probe: boolean) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const seen = this.failedProbes;
    for (;;) {
      if (!this.silent) return this.settle(call, false);
      if (this.failedProbes !== seen) throw this.lastError;
      if (!this.probing && this.now() >= this.until) return this.settle(call, true);
      await this.changed(signal);
    }
  }

  /** Stops the gate's timer (the node is closing); waiters still wait for their signal. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  // Not async until the call: `probing` is set in the same turn as the `free`/`run` check that chose it.
  private async settle<T>(call: (probe: boolean) => Promise<T>, probe: boolean): Promise<T> {
    if (probe) this.probing = true;
    try {
      const result = await call(probe);
      this.heard();
      return result;
    } catch (e) {
      this.failed(e, probe);
      throw e;
    } finally {
      if (probe) {
        this.probing = false;
        this.notify();
      }
    }
  }

  private heard(): void {
    if (!this.silent) return;
    this.silent = false;
    this.failures = 0;
    this.until = 0;
    this.close();
    this.notify();
    this.onAnswering();
  }

  private failed(e: unknown, probe: boolean): void {
    const wait = e instanceof NodeError ? e.retryAfterMs : undefined;
    if (e instanceof NodeError && e.status === 503 && wait !== undefined) {
      // The coordinator (or its proxy) said when: nobody calls before, and the backoff does not grow.
      this.silent = true;
      this.until = Math.max(this.until, this.now() + Math.min(wait, RETRY_AFTER_MAX_MS));
    } else {
      const h = hearing(e);
      if (h === 'answered') {
        this.heard();
        return;
      }
      // The first call to find it silent, or a probe: one more step of backoff. Calls that were on their
      // way before it went silent and fail after do not add steps.
      if (h === 'unknown' || (!probe && this.silent)) return;
      this.silent = true;
      this.until = this.now() + this.backoff(this.failures++);
    }
    this.lastError = e;
    if (probe) this.failedProbes++;
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves at the next change (a probe's end, an answer, the wait's end); rejects when `signal` aborts. */
  private changed(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const stopped = () =>
        new NodeError('COORDINATOR_UNREACHABLE', 'stopped while waiting for the coordinator to answer', {
          cause: this.lastError,
        });
      if (signal?.aborted) return reject(stopped());
      const done = () => {
        this.waiters.delete(done);
        signal?.removeEventListener('abort', onAbort);
        if (this.waiters.size === 0) this.close();
      };
      const woken = () => {
        done();
        resolve();
      };
      const onAbort = () => {
        done();
        reject(stopped());
      };
      this.waiters.add(woken);
      signal?.addEventListener('abort', onAbort, { once: true });
      // One timer for all waiters, kept only while one waits, so a stopped node's process can end. Armed even
      // with no time left: the clock may have reached `until` since run() looked, and nothing else may wake it.
      if (!this.probing && !this.timer)
        this.timer = setTimeout(
          () => {
            this.timer = null;
            this.notify();
          },
          Math.max(0, this.until - this.now()),
        );
    });
  }
}
