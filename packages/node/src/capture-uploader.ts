import type { SignedCapture } from '@sward/core/node-side';
import type { CoordinatorClient } from './client.js';
import { NodeError } from './errors.js';
import type { Lease } from './protocol.js';
import { type BatchLimits, batchWaitMs } from './upload-batch-policy.js';

interface Waiting {
  signed: SignedCapture;
  body: Uint8Array;
  /** When it was handed over, on the `now` clock. */
  since: number;
  resolve: (captureId: string) => void;
  reject: (e: unknown) => void;
}

export interface UploaderOptions {
  /** Captures per request (the coordinator takes up to 64). */
  maxItems?: number;
  /** Body bytes per request, under the coordinator's 40 MB request limit with room for the head. */
  maxBytes?: number;
  /** Fetches still running, whose captures could join the next batch; none by default (each batch goes at once). */
  fetching?: () => number;
  /** The longest a finished capture waits for others, ms; default 20. */
  holdMs?: number;
  now?: () => number;
  /** Arms a one-shot timer and returns its cancel (tests drive it by hand). */
  timer?: (fn: () => void, ms: number) => () => void;
  /**
   * How many leases the batch about to go should ask for in its answer (0: none), asked once per batch
   * just before it is sent; each ask is answered by exactly one onLeases call.
   */
  leaseAsk?: () => number;
  /**
   * The answer to a batch's ask (`asked` > 0): the leases that came (maybe none: also when the request
   * failed), or null when the coordinator does not answer leases with captures (an older one).
   */
  onLeases?: (leases: Lease[] | null, asked: number) => void;
}

const realTimer = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

/**
 * Sends finished captures to the coordinator in batches, bodies as bytes. A finished capture waits for the
 * fetches still in flight until about half of them are done or holdMs has passed (upload-batch-policy.ts),
 * and captures that finish while a batch is on its way go together in the next one: the coordinator's cost
 * is per batch, not per capture. An idle node sends each capture at once; flush() (the node is stopping)
 * sends everything at once from then on. Each capture's promise settles with its own answer: a capture the
 * coordinator refuses rejects alone (NodeError COORDINATOR, remoteCode its code); a request that fails
 * rejects every capture in it (COORDINATOR_UNREACHABLE on the network or a 5xx: the caller retries).
 * A coordinator without the batch route (404) gets one capture per request from then on.
 */
export class CaptureUploader {
  private readonly queue: Waiting[] = [];
  private sending = false;
  private batches = true;
  private stopping = false;
  private decideSoon = false;
  private cancelTimer: (() => void) | null = null;
  private readonly now: () => number;
  private readonly limits: BatchLimits;

  constructor(
    private readonly client: Pick<CoordinatorClient, 'submitCapture' | 'submitCaptureBatch'>,
    private readonly opts: UploaderOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.limits = {
      maxItems: opts.maxItems ?? 32,
      maxBytes: opts.maxBytes ?? 24 * 1024 * 1024,
      holdMs: opts.holdMs ?? 20,
    };
  }

  submit(signed: SignedCapture, body: Uint8Array): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ signed, body, since: this.now(), resolve, reject });
      this.nudge();
    });
  }

  /** Decide again soon: a fetch ended without a capture, so fewer are left to wait for. */
  nudge(): void {
    if (this.decideSoon) return;
    this.decideSoon = true;
    // the captures that finish in this turn of the event loop are counted in the same decision
    setImmediate(() => {
      this.decideSoon = false;
      this.decide();
    });
  }

  /** The node is stopping: what waits goes now, and every later capture at once. */
  flush(): void {
    this.stopping = true;
    this.nudge();
  }

  /** Captures waiting to be sent (not those on their way). */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * A batch will leave within holdMs and ask (leaseAsk) just before it goes: captures wait and none is on
   * its way (the next batch would then wait for that one's answer), and the coordinator takes batches.
   */
  get batchLeavingSoon(): boolean {
    return this.queue.length > 0 && !this.sending && this.batches;
  }

  private decide(): void {
    if (this.sending || this.queue.length === 0) return;
    const oldest = this.queue[0] as Waiting;
    const wait = batchWaitMs(
      {
        queued: this.queue.length,
        queuedBytes: this.queue.reduce((n, w) => n + w.body.length, 0),
        fetching: this.opts.fetching?.() ?? 0,
        oldestWaitMs: this.now() - oldest.since,
        stopping: this.stopping,
      },
      this.limits,
    );
    if (wait > 0) {
      this.cancelTimer ??= (this.opts.timer ?? realTimer)(() => {
        this.cancelTimer = null;
        this.decide();
      }, wait);
      return;
    }
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.sending = true;
    const batch = this.take();
    void this.sendOne(batch)
      .catch((e) => {
        for (const w of batch) w.reject(e);
      })
      .finally(() => {
        this.sending = false;
        this.decide();
      });
  }

  private take(): Waiting[] {
    const { maxItems, maxBytes } = this.limits;
    const out: Waiting[] = [];
    let bytes = 0;
    while (this.queue.length && out.length < maxItems) {
      const next = this.queue[0] as Waiting;
      if (out.length && bytes + next.body.length > maxBytes) break;
      out.push(this.queue.shift() as Waiting);
      bytes += next.body.length;
    }
    return out;
  }

  private async sendOne(batch: Waiting[]): Promise<void> {
    if (!this.batches) {
      await Promise.all(
        batch.map((w) => this.client.submitCapture(w.signed, w.body).then(w.resolve, w.reject)),
      );
      return;
    }
    const asked = this.opts.leaseAsk?.() ?? 0;
    // Every ask is answered once, whatever happens to the request: the node waits for it before it asks again.
    const answerAsk = (leases: Lease[] | null) => {
      if (asked > 0) this.opts.onLeases?.(leases, asked);
    };
    let answers: Awaited<ReturnType<CoordinatorClient['submitCaptureBatch']>>;
    try {
      answers = await this.client.submitCaptureBatch(batch, asked);
    } catch (e) {
      if (e instanceof NodeError && e.status === 404 && e.remoteCode === 'NOT_FOUND') {
        this.batches = false; // an older coordinator: one capture per request from now on
        answerAsk(null);
        return this.sendOne(batch);
      }
      answerAsk([]);
      for (const w of batch) w.reject(e);
      return;
    }
    // The leases first: they start (or wait for a slot) before the captures' answers free anything.
    answerAsk(answers.leases);
    batch.forEach((w, i) => {
      const a = answers.results[i];
      if (a?.accepted) w.resolve(a.captureId);
      else
        w.reject(
          new NodeError(
            'COORDINATOR',
            `/v1/nodes/capture-batch: capture ${i}: ${a?.error.code}: ${a?.error.message}`,
            { remoteCode: a?.error.code },
          ),
        );
    });
  }
}
