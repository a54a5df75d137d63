import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerEntryUrl } from '@sward/core';
import { type PiiOption, redactionFromKeep } from '@sward/extract/light';
import type { Logger } from 'pino';
import type { BlobStore } from '../blob/blob-store.js';
import type { ExtractionTask } from '../store/extract-queue-store.js';
import type { Store } from '../store/store.js';
import type {
  ExtractionAnswer,
  ExtractionItem,
  ExtractionReply,
  ExtractionRequest,
} from './extraction-worker.js';
import { startWithOwnYoungGeneration } from './worker-young-generation.js';

export interface ExtractionPoolOptions {
  /** Worker threads (default: the cores but one, at least one). */
  threads?: number;
  /** Pages claimed per round trip to the queue. */
  batch?: number;
  /** How long a claim holds a page from other coordinators' workers. */
  holdMs?: number;
  /** How often an idle pool looks at the queue when nothing woke it. */
  idleMs?: number;
  /**
   * How often an idle pool ends jobs left running with nothing open (FrontierStore.finishStalled); default
   * 60 s: such a job is rare, and the statement scans the running jobs.
   */
  stalledJobsMs?: number;
  log?: Logger;
}

export const defaultExtractionThreads = () => Math.max(1, availableParallelism() - 1);

interface PendingReply {
  resolve: (answers: ExtractionAnswer[]) => void;
  reject: (e: Error) => void;
}

/** A page whose document was made: the task, and the document as the JSON the documents table stores. */
export interface ExtractedPage {
  task: ExtractionTask;
  json: string;
}

/**
 * Makes the documents of stored pages off the capture path: claims queued pages (extract_queue), has worker
 * threads read their bodies and extract them, then stores every document of the batch and takes its pages
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
    let lastSweep = Date.now();
    while (this.running) {
      let did = 0;
      if (this.failure) await this.restart();
      try {
        did = await this.round();
        // idle: nothing of a job left to make, so a job still running with nothing open is stalled
        if (did === 0 && Date.now() - lastSweep >= (this.opts.stalledJobsMs ?? 60_000)) {
          lastSweep = Date.now();
          const ended = await this.store.frontier.finishStalled(lastSweep);
          if (ended) this.opts.log?.warn({ jobs: ended }, 'ended jobs left running with nothing open');
        }
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
    if (this.workers.length === 0) {
      await Promise.all(Array.from({ length: this.threads }, () => this.startWorker()));
      // A SQLite store's WAL checkpoints move to the first thread, and their own thread ends (the
      // coordinator's crawl peak ~5 MiB lower: docs/BENCHMARKS.md, session 19, ckpt); a checkpoint there waits
      // for the batch in hand, and the store's own bound covers a long one.
      this.store.db.hostCheckpoints?.(this.workers[0] as Worker);
    }
    // each job's documents are redacted as its crawl request asked (keepPii, stored with the job)
    const redaction = new Map<string, PiiOption>();
    for (const jobId of new Set(tasks.map((t) => t.jobId))) {
      const job = await this.store.frontier.getJob(jobId);
      redaction.set(jobId, redactionFromKeep(job?.options.keepPii));
    }
    const done = await this.extractAll(tasks, redaction);
    const ready = done.filter((d): d is ExtractedPage => d !== null);
    // in one order, as ingest takes job rows: two rounds locking the same jobs cannot deadlock
    const jobs = [...new Set(ready.map((d) => d.task.jobId))].sort();
    await this.store.db.transaction(async (tx) => {
      await this.store.extractQueue.completeMany(tx, ready);
      // this transaction holds no job row: finishIfDone takes it (a capture's ingest may close the job at once)
      for (const jobId of jobs) await this.store.frontier.finishIfDone(tx, jobId, true);
    });
    return ready.length;
  }

  /**
   * The round's pages, a run of them to each thread in one message (a message a page cost the main thread
   * a postMessage and a reply event per page); a page that fails is logged and left on the queue.
   */
  private async extractAll(
    tasks: ExtractionTask[],
    redaction: Map<string, PiiOption>,
  ): Promise<(ExtractedPage | null)[]> {
    const per = Math.ceil(tasks.length / this.workers.length);
    const runs: ExtractionTask[][] = [];
    for (let i = 0; i < tasks.length; i += per) runs.push(tasks.slice(i, i + per));
    const answered = await Promise.all(
      runs.map(async (run) => {
        const items = run.map(
          (t): ExtractionItem => ({
            bodyPath: this.blobs.pathOf(t.bodySha256),
            signed: t.signed,
            redactPii: redaction.get(t.jobId) ?? true,
          }),
        );
        try {
          return (await this.send(items)).map((a, i) => this.page(run[i] as ExtractionTask, a));
        } catch (e) {
          for (const t of run)
            this.opts.log?.error({ captureId: t.captureId, err: (e as Error).message }, 'extraction failed');
          return run.map(() => null);
        }
      }),
    );
    return answered.flat();
  }

  private page(task: ExtractionTask, answer: ExtractionAnswer): ExtractedPage | null {
    if ('json' in answer) return { task, json: answer.json };
    if ('missing' in answer)
      // left on the queue (claimed for holdMs): a blob store that lost a body is an operator's problem to see
      this.opts.log?.error(
        { captureId: task.captureId, sha256: task.bodySha256 },
        'body missing for extraction',
      );
    else this.opts.log?.error({ captureId: task.captureId, err: answer.error }, 'extraction failed');
    return null;
  }

  private send(items: ExtractionItem[]): Promise<ExtractionAnswer[]> {
    if (this.failure) return Promise.reject(this.failure);
    const w = this.workers[this.turn++ % this.workers.length] as Worker;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.replies.set(id, { resolve, reject });
      w.postMessage({ items, id } satisfies ExtractionRequest);
    });
  }

  private startWorker(): Promise<void> {
    const w = startExtractionWorker();
    this.workers.push(w);
    return new Promise((resolve, reject) => {
      w.on('message', (m: ExtractionReply | { ready: true }) => {
        if ('ready' in m) return resolve();
        const p = this.replies.get(m.id);
        if (!p) return;
        this.replies.delete(m.id);
        p.resolve(m.answers);
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
 * directly (nothing transpiled at run time). From its sources (the repository's tests and benches) the worker
 * starts with a small module that registers the parent's TypeScript hooks first (@sward/core's
 * sourceWorkerUrl says why).
 */
export function startExtractionWorker(): Worker {
  const entry = workerEntryUrl(import.meta.url, 'extraction-worker');
  const options = { execArgv: profilerFlags(process.execArgv), resourceLimits: EXTRACTION_HEAP };
  return startWithOwnYoungGeneration(() => new Worker(entry, options));
}

/**
 * Extraction allocates much and keeps little (a page's trees and strings die with its document): a young
 * generation of 96 MB (two 32 MB semi-spaces, V8's default 16 MB ones doubled) means half the scavenges,
 * each copying about as few survivors. On the sample site's pages a process doing the worker's work spent
 * about 0.77x the CPU per page with semi-spaces of 32 MB (all threads, 4 alternating runs each;
 * docs/BENCHMARKS.md), for at most 32 MB more resident memory while extracting. Under `sward coordinator`'s
 * --optimize-for-size too (startWithOwnYoungGeneration).
 */
const EXTRACTION_HEAP = { maxYoungGenerationSizeMb: 96 };

const PROFILER_VALUE_FLAGS = new Set(['--cpu-prof-dir', '--cpu-prof-name', '--cpu-prof-interval']);

/**
 * The coordinator's own --cpu-prof flags, for its extraction threads: a profile of the coordinator then
 * holds a file per thread, and the extraction threads, most of its CPU after the capture path, are in it.
 * Nothing else of the parent's flags: its --import preloads (tsx, a bench's SQL counter) are not for them.
 */
export function profilerFlags(execArgv: readonly string[]): string[] {
  const flags: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i] as string;
    if (!a.startsWith('--cpu-prof')) continue;
    flags.push(a);
    const next = execArgv[i + 1];
    if (PROFILER_VALUE_FLAGS.has(a) && next !== undefined) {
      flags.push(next);
      i++;
    }
  }
  return flags;
}
