import type { SignedCapture } from '@sward/core/node-side';
import type { CoordinatorClient } from './client.js';
import { NodeError } from './errors.js';

interface Waiting {
  signed: SignedCapture;
  body: Uint8Array;
  resolve: (captureId: string) => void;
  reject: (e: unknown) => void;
}

export interface UploaderOptions {
  /** Captures per request (the coordinator takes up to 64). */
  maxItems?: number;
  /** Body bytes per request, under the coordinator's 40 MB request limit with room for the head. */
  maxBytes?: number;
}

/**
 * Sends finished captures to the coordinator in batches, bodies as bytes: captures that finish while a
 * batch is on its way go together in the next one, so a busy node sends few requests and an idle one sends
 * each capture at once (no timer). Each capture's promise settles with its own answer: a capture the
 * coordinator refuses rejects alone (NodeError COORDINATOR, remoteCode its code); a request that fails
 * rejects every capture in it (COORDINATOR_UNREACHABLE on the network or a 5xx: the caller retries).
 * A coordinator without the batch route (404) gets one capture per request from then on.
 */
export class CaptureUploader {
  private readonly queue: Waiting[] = [];
  private sending = false;
  private batches = true;

  constructor(
    private readonly client: Pick<CoordinatorClient, 'submitCapture' | 'submitCaptureBatch'>,
    private readonly opts: UploaderOptions = {},
  ) {}

  submit(signed: SignedCapture, body: Uint8Array): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ signed, body, resolve, reject });
      if (!this.sending) {
        this.sending = true;
        // the captures that finish in this turn of the event loop go in the first request
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) await this.sendOne(this.take());
    } finally {
      this.sending = false;
    }
  }

  private take(): Waiting[] {
    const maxItems = this.opts.maxItems ?? 32;
    const maxBytes = this.opts.maxBytes ?? 24 * 1024 * 1024;
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
    let answers: Awaited<ReturnType<CoordinatorClient['submitCaptureBatch']>>;
    try {
      answers = await this.client.submitCaptureBatch(batch);
    } catch (e) {
      if (e instanceof NodeError && e.status === 404 && e.remoteCode === 'NOT_FOUND') {
        this.batches = false; // an older coordinator: one capture per request from now on
        return this.sendOne(batch);
      }
      for (const w of batch) w.reject(e);
      return;
    }
    batch.forEach((w, i) => {
      const a = answers[i];
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
