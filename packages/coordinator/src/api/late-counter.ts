import type { Counter, Registry } from 'prom-client';

type PromClient = typeof import('prom-client');
type Labels = Record<string, string>;

/**
 * A Prometheus counter that counts before prom-client is loaded: increments are summed per label set, and
 * handed to prom-client's Counter when the registry is made (at the first scrape, or at start with process
 * metrics on). The scrape reads the same figures as a Counter made at start would have given.
 */
export class LateCounter {
  private counter: Counter | null = null;
  /** Label set → its labels and the sum so far, in the order the sets were first counted. */
  private readonly pending = new Map<string, { labels: Labels | null; n: number }>();

  constructor(private readonly config: { name: string; help: string; labelNames?: readonly string[] }) {}

  inc(labelsOrN?: Labels | number, n?: number): void {
    const labels = typeof labelsOrN === 'object' ? labelsOrN : null;
    const by = typeof labelsOrN === 'number' ? labelsOrN : (n ?? 1);
    if (this.counter) {
      if (labels) this.counter.inc(labels, by);
      else this.counter.inc(by);
      return;
    }
    const key = labels ? JSON.stringify(Object.entries(labels).sort()) : '';
    const seen = this.pending.get(key);
    if (seen) seen.n += by;
    else this.pending.set(key, { labels, n: by });
  }

  /** Makes prom-client's Counter in `registry`, holding what was counted so far. */
  register(prom: PromClient, registry: Registry): void {
    if (this.counter) return;
    const { name, help, labelNames = [] } = this.config;
    const counter = new prom.Counter({ name, help, labelNames, registers: [registry] });
    for (const { labels, n } of this.pending.values()) {
      if (labels) counter.inc(labels, n);
      else counter.inc(n);
    }
    this.pending.clear();
    this.counter = counter;
  }
}
