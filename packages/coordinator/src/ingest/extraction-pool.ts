import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type PiiOption, redactionFromKeep } from '@sward/extract';
import type { Logger } from 'pino';
import type { BlobStore } from '../blob/blob-store.js';
import type { ExtractionTask } from '../store/extract-queue-store.js';
import type { Store } from '../store/store.js';
import type { ExtractionReply, ExtractionRequest } from './extraction-worker.js';

export interface ExtractionPoolOptions {
  /** Worker threads (default: the cores but one, at least one). */
  threads?: number;
  /** Pages claimed per round trip to the queue. */
  batch?: number;
  /** How long a claim holds a page from other coordinators' workers. */
  holdMs?: number;
  /** How often an idle pool looks at the queue when nothing woke it. */
  idleMs?: number;
  log?: Logger;
}

export const defaultExtractionThreads = () => Math.max(1, availableParallelism() - 1);

interface PendingReply {
  resolve: (doc: Record<string, unknown>) => void;
  reject: (e: Error) => void;
}

/**
 * Makes the documents of stored pages off the capture path: claims queued pages (extract_queue), reads
 * their bodies, has worker threads extract them, then stores every document of the batch and takes its pages
 * off the queue in one transaction, and finishes the jobs whose last document that was. Several
 * coordinators on one PostgreSQL database share the queue (claims skip locked rows).
 */
export class ExtractionPool {
  private readonly workers: Worker[] = [];
  private readonly replies = new Map<number, PendingReply>();
  private nextId = 0;
  private turn = 0;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: () => void = () => {};
  private failure: Error | null = null;
  private readonly threads: number;

  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly opts: ExtractionPoolOptions = {},
  ) {
    this.threads = Math.max(1, opts.threads ?? defaultExtractionThreads());
  }

  /**
   * Starts the loop; the threads load when the first page is waiting (a second or more under tsx), so a
   * coordinator that extracts nothing (a node-facing replica, a test of other things) never pays for them.
   * A thread that cannot load is logged and the threads are started again at the next round.
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Called after a page is queued: an idle pool looks at the queue now rather than at its next poll. */
  wake(): void {
    this.wakeUp();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp();
    await this.loop;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let did = 0;
      if (this.failure) await this.restart();
      try {
        did = await this.round();
      } catch (e) {
        this.opts.log?.error({ err: (e as Error).message }, 'extraction round failed');
      }
      if (did === 0 && this.running)
        await new Promise<void>((resolve) => {
          // Pages this coordinator queues wake the loop at once; the poll finds those its peers queued.
          const t = setTimeout(resolve, this.opts.idleMs ?? 1000);
          this.wakeUp = () => {
            clearTimeout(t);
            resolve();
          };
        });
    }
  }

  /** A worker died (out of memory, a crash in native code): every thread is replaced, claims are retried. */
  private async restart(): Promise<void> {
    this.opts.log?.error({ err: this.failure?.message }, 'extraction workers restarting');
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
    this.failure = null;
  }

  /** One batch: claim, extract on the threads, store. Returns how many documents were stored. */
  async round(): Promise<number> {
    const tasks = await this.store.extractQueue.claim(
      this.opts.batch ?? this.threads * 16,
      this.opts.holdMs ?? 10_000,
    );
    if (!tasks.length) return 0;
    // The claim holds its pages for holdMs: long enough for the threads to load the first time.
    if (this.workers.length === 0)
      await Promise.all(Array.from({ length: this.threads }, () => this.startWorker()));
    // each job's documents are redacted as its crawl request asked (keepPii, stored with the job)
    const redaction = new Map<string, PiiOption>();
    for (const jobId of new Set(tasks.map((t) => t.jobId))) {
      const job = await this.store.frontier.getJob(jobId);
      redaction.set(jobId, redactionFromKeep(job?.options.keepPii));
    }
    const done = await Promise.all(tasks.map((t) => this.extractOne(t, redaction.get(t.jobId) ?? true)));
    const ready = done.filter((d): d is { task: ExtractionTask; doc: Record<string, unknown> } => d !== null);
    const jobs = new Set(ready.map((d) => d.task.jobId));
    await this.store.db.transaction(async (tx) => {
      await this.store.extractQueue.completeMany(tx, ready);
      for (const jobId of jobs) await this.store.frontier.finishIfDone(tx, jobId);
    });
    return ready.length;
  }

  private async extractOne(
    task: ExtractionTask,
    redactPii: PiiOption,
  ): Promise<{ task: ExtractionTask; doc: Record<string, unknown> } | null> {
    // The signed record is the capture the document is bound to: its final URL and Content-Type, as
    // `sward verify --rederive` reads them from the bundle.
    const { capture } = JSON.parse(task.signed) as {
      capture: { finalUrl: string; headers: Record<string, string> };
    };
    const body = await this.blobs.get(task.bodySha256);
    if (!body) {
      // left on the queue (claimed for holdMs): a blob store that lost a body is an operator's problem to see
      this.opts.log?.error(
        { captureId: task.captureId, sha256: task.bodySha256 },
        'body missing for extraction',
      );
      return null;
    }
    try {
      const doc = await this.send({
        body,
        contentType: capture.headers['content-type'],
        finalUrl: capture.finalUrl,
        redactPii,
      });
      return { task, doc };
    } catch (e) {
      this.opts.log?.error({ captureId: task.captureId, err: (e as Error).message }, 'extraction failed');
      return null;
    }
  }

  private send(req: Omit<ExtractionRequest, 'id'>): Promise<Record<string, unknown>> {
    if (this.failure) return Promise.reject(this.failure);
    const w = this.workers[this.turn++ % this.workers.length] as Worker;
    const id = this.nextId++;
    // a copy the worker owns: a pooled Buffer's memory cannot be transferred
    const body = new Uint8Array(req.body);
    return new Promise((resolve, reject) => {
      this.replies.set(id, { resolve, reject });
      w.postMessage({ ...req, id, body } satisfies ExtractionRequest, [body.buffer as ArrayBuffer]);
    });
  }

  private startWorker(): Promise<void> {
    const w = spawn();
    this.workers.push(w);
    return new Promise((resolve, reject) => {
      w.on('message', (m: ExtractionReply | { ready: true }) => {
        if ('ready' in m) return resolve();
        const p = this.replies.get(m.id);
        if (!p) return;
        this.replies.delete(m.id);
        if ('doc' in m) p.resolve(m.doc);
        else p.reject(new Error(m.error));
      });
      w.once('error', (e) => {
        this.failure = new Error(`extraction worker failed: ${e.message}`, { cause: e });
        for (const p of this.replies.values()) p.reject(this.failure);
        this.replies.clear();
        reject(this.failure);
      });
    });
  }
}

/**
 * Installed, the coordinator is compiled JavaScript and the worker's entry is extraction-worker.js, started
 * directly (nothing transpiled at run time). The repository's tests run the TypeScript sources under tsx,
 * which a worker thread does not inherit on Node 20: a small ES module registers tsx, then imports the
 * entry (the same boot as the SDK's verify pool, verify-pool.ts, which says why in full).
 */
function spawn(): Worker {
  const typescript = import.meta.url.endsWith('.ts');
  const entry = new URL(typescript ? './extraction-worker.ts' : './extraction-worker.js', import.meta.url);
  if (!typescript) return new Worker(entry, { execArgv: [] });
  const boot = [
    `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};`,
    'register();',
    `await import(${JSON.stringify(entry.href)});`,
  ].join('\n');
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { execArgv: [] });
}
