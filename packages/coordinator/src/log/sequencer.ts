import type { Logger } from 'pino';
import { safeError } from '../log-safe.js';
import type { Checkpointer } from './checkpointer.js';
import type { LogStore } from './log-store.js';

/**
 * Background loop: every `intervalMs`, give leaves to accepted captures (in batches) and issue a
 * checkpoint when due. `flush()` does both at once, for the end of a crawl and for tests.
 *
 * Every coordinator of a network runs one, but only one feeds the log at a time: a background turn
 * that finds the log writer lock taken (log-writer-lock.ts) is skipped, since the holder's batches take
 * this coordinator's captures too. `flush()` waits for the lock, so it returns only once everything
 * accepted before it has a leaf and a checkpoint covers it.
 */
export class Sequencer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: LogStore,
    private readonly checkpointer: Checkpointer,
    private readonly logger: Logger,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    const tick = () => {
      this.running = this.step(false)
        .catch((err) => this.logger.error({ err: safeError(err) }, 'sequencer step failed'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    this.timer = setTimeout(tick, this.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Sequences everything pending and issues a checkpoint covering it. */
  async flush(): Promise<void> {
    await this.running;
    await this.step(true);
  }

  private async step(force: boolean): Promise<void> {
    while (await this.log.sequence(10_000, { wait: force })) {
      // keep going while there are pending captures
    }
    await this.checkpointer.maybeIssue(force);
  }
}
