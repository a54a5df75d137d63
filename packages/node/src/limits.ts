import { type ActiveWindow, isActiveAt, minuteOfDay, parseActiveHours } from './active-hours.js';
import { ByteBudget } from './byte-budget.js';
import type { NodeConfig } from './config.js';
import { domainRefusal } from './domain-policy.js';
import type { FetchFailureCode } from './errors.js';

/** Why the operator's limits refuse work: the PROTOCOL failure code and a sentence for the log. */
export interface Refusal {
  readonly code: Extract<FetchFailureCode, 'DOMAIN_DENIED' | 'CAP_REACHED' | 'INACTIVE_HOURS'>;
  readonly message: string;
}

export type LimitsConfig = Pick<
  NodeConfig,
  | 'maxConcurrent'
  | 'bytesPerHour'
  | 'bytesPerDay'
  | 'activeHours'
  | 'activeHoursTimeZone'
  | 'allowDomains'
  | 'denyDomains'
  | 'stateFile'
>;

/**
 * The operator's limits, enforced by the node whatever the coordinator asks: checked before
 * leasing (so the node only asks for what it can take) and again before each fetch and hop.
 */
export class OperatorLimits {
  readonly budget: ByteBudget;
  private readonly windows: ActiveWindow[];
  private running = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly config: LimitsConfig,
    private readonly now: () => Date = () => new Date(),
    options: { persist?: boolean } = {},
  ) {
    this.windows = parseActiveHours(config.activeHours);
    this.budget = new ByteBudget(config, options.persist === false ? null : config.stateFile, () =>
      this.now().getTime(),
    );
  }

  get inFlight(): number {
    return this.running;
  }

  /** A refusal that applies to any URL right now (schedule, byte cap), or null. */
  generalRefusal(): Refusal | null {
    if (!isActiveAt(this.windows, minuteOfDay(this.now(), this.config.activeHoursTimeZone)))
      return {
        code: 'INACTIVE_HOURS',
        message: `outside the operator's active hours (${this.config.activeHours.join(', ')} ${this.config.activeHoursTimeZone})`,
      };
    if (this.budget.remaining() <= 0) {
      const u = this.budget.used();
      return {
        code: 'CAP_REACHED',
        message: `byte cap reached (last hour ${u.lastHour}/${this.config.bytesPerHour ?? '∞'}, last day ${u.lastDay}/${this.config.bytesPerDay ?? '∞'})`,
      };
    }
    return null;
  }

  /**
   * How many leases to ask for now: 0 when inactive or capped. `ahead` leases beyond the free slots may wait
   * here for one (a lease request then covers several pages, and a slot that frees finds its next page
   * waiting instead of asking the coordinator and waiting for the answer).
   */
  leaseCapacity(ahead = 0): number {
    if (this.generalRefusal()) return 0;
    return Math.max(0, this.config.maxConcurrent + ahead - this.running - this.waiters.length);
  }

  /** Slots with nothing to run and no lease waiting for them. */
  idleSlots(): number {
    return Math.max(0, this.config.maxConcurrent - this.running - this.waiters.length);
  }

  /** The operator's allow/deny lists for one host (every redirect hop is checked too). */
  hostRefusal(host: string): Refusal | null {
    const why = domainRefusal(host, this.config);
    return why ? { code: 'DOMAIN_DENIED', message: why } : null;
  }

  /** Checks a URL just before fetching it. */
  fetchRefusal(url: string): Refusal | null {
    const general = this.generalRefusal();
    if (general) return general;
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      return null; // the fetcher reports a malformed URL itself
    }
    return this.hostRefusal(host);
  }

  /** Waits for a concurrency slot: a coordinator that hands out more than asked still gets only maxConcurrent. */
  acquire(): Promise<void> {
    if (this.running < this.config.maxConcurrent) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    // No flush here: the budget writes its file on its own timer and on stop (byte-budget.ts).
    const next = this.waiters.shift();
    if (next)
      next(); // the slot passes straight to the next waiter
    else this.running = Math.max(0, this.running - 1);
  }
}
