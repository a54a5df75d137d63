import { CoreError } from '@sward/core';
import type { Registry } from 'prom-client';
import { CoordinatorError } from '../errors.js';
import type { BatchResult } from '../ingest/ingest.js';
import type { Store } from '../store/store.js';
import { LateCounter } from './late-counter.js';

/**
 * What an operator of a coordinator watches, in Prometheus' text format (GET /metrics, docs/METRICS.md).
 * Counters are this process's own (sum them over replicas); gauges are read from the shared database when
 * scraped, so every replica reports the same network-wide figures. A registry per coordinator, not
 * prom-client's global one, so two coordinators in one process (the tests) do not share counts.
 */
export class CoordinatorMetrics {
  readonly captures = new LateCounter({
    name: 'sward_captures_total',
    help: 'Captures accepted from nodes, by outcome (stored, skipped, failed, retry, policy, spotcheck, unchanged)',
    labelNames: ['outcome'],
  });
  readonly rejected = new LateCounter({
    name: 'sward_captures_rejected_total',
    help: 'Capture uploads refused, by error code (BAD_SIGNATURE, LEASE_EXPIRED, BAD_REDIRECT_CHAIN...)',
    labelNames: ['code'],
  });
  readonly fetchFailures = new LateCounter({
    name: 'sward_fetch_failures_total',
    help: 'Fetches nodes reported as failed or refused, by failure code',
    labelNames: ['code'],
  });
  readonly leases = new LateCounter({
    name: 'sward_leases_granted_total',
    help: 'Leases handed to nodes (pages, policy files and spot checks)',
  });
  readonly leaseExpiries = new LateCounter({
    name: 'sward_lease_expiries_total',
    help: 'Leases a node let pass their deadline, put back in the queue',
  });
  readonly spotChecks = new LateCounter({
    name: 'sward_spot_checks_total',
    help: 'Spot checks ended: judged (agrees, disagrees with the capture checked), or not_run (no node took it in time)',
    labelNames: ['result'],
  });
  private made: Promise<Registry> | null = null;

  constructor(
    private readonly store: Store,
    private readonly opts: { defaultMetrics?: boolean } = {},
  ) {}

  /**
   * prom-client's registry holding every metric. prom-client (with @opentelemetry/api, ~80 modules) loads
   * here, not with the coordinator: at start when process metrics are on (their GC and event-loop figures
   * count from then), else at the first scrape; the counters count before it either way.
   */
  registry(): Promise<Registry> {
    this.made ??= import('prom-client').then((prom) => this.make(prom));
    return this.made;
  }

  private make(prom: typeof import('prom-client')): Registry {
    const { Gauge } = prom;
    const registry = new prom.Registry();
    const registers = [registry];
    for (const c of [
      this.captures,
      this.rejected,
      this.fetchFailures,
      this.leases,
      this.leaseExpiries,
      this.spotChecks,
    ])
      c.register(prom, registry);
    if (this.opts.defaultMetrics ?? true)
      prom.collectDefaultMetrics({ register: registry, prefix: 'sward_process_' });
    const db = this.store.db;
    new Gauge({
      name: 'sward_queue_depth',
      help: 'URLs waiting in the queue of each running job',
      labelNames: ['job'],
      registers,
      async collect() {
        this.reset();
        const rows = await db.all<{ job_id: string; n: number }>(
          `SELECT u.job_id, count(*) AS n FROM urls u JOIN jobs j ON j.id = u.job_id
           WHERE j.state = 'running' AND u.state = 'queued' GROUP BY u.job_id`,
        );
        for (const r of rows) this.set({ job: r.job_id }, Number(r.n));
      },
    });
    new Gauge({
      name: 'sward_jobs',
      help: 'Crawl jobs by state',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        const rows = await db.all<{ state: string; n: number }>(
          'SELECT state, count(*) AS n FROM jobs GROUP BY state',
        );
        for (const r of rows) this.set({ state: r.state }, Number(r.n));
      },
    });
    new Gauge({
      name: 'sward_leases_out',
      help: 'Leases held by nodes now',
      registers,
      async collect() {
        const r = await db.get<{ n: number }>("SELECT count(*) AS n FROM urls WHERE state = 'leased'");
        this.set(Number(r?.n ?? 0));
      },
    });
    new Gauge({
      name: 'sward_log_size',
      help: 'Leaves in the provenance log',
      registers,
      async collect() {
        const r = await db.get<{ size: number }>('SELECT size FROM log_state WHERE id = 1');
        this.set(Number(r?.size ?? 0));
      },
    });
    new Gauge({
      name: 'sward_log_backlog',
      help: 'Accepted captures still waiting for their leaf in the log',
      registers,
      async collect() {
        const r = await db.get<{ n: number }>('SELECT count(*) AS n FROM captures WHERE leaf_index IS NULL');
        this.set(Number(r?.n ?? 0));
      },
    });
    new Gauge({
      name: 'sward_checkpoint_age_seconds',
      help: 'Seconds since the latest signed checkpoint (-1: none yet)',
      registers,
      async collect() {
        const r = await db.get<{ created_at: number }>(
          'SELECT created_at FROM checkpoints ORDER BY size DESC LIMIT 1',
        );
        this.set(r ? (Date.now() - Number(r.created_at)) / 1000 : -1);
      },
    });
    return registry;
  }

  /** Counts what became of one capture upload: its outcome, or the code it was refused with. */
  async countCapture<T extends { outcome: string; reason: string | null }>(work: Promise<T>): Promise<T> {
    try {
      const res = await work;
      this.countAccepted(res);
      return res;
    } catch (e) {
      this.rejected.inc({
        code: e instanceof CoordinatorError ? e.code : e instanceof CoreError ? 'BAD_REQUEST' : 'INTERNAL',
      });
      throw e;
    }
  }

  /** Counts each capture of a batch (POST /v1/nodes/capture-batch) as the single route counts one. */
  countBatch(results: readonly BatchResult[]): readonly BatchResult[] {
    for (const r of results) {
      if (r.accepted) this.countAccepted(r);
      else this.rejected.inc({ code: r.error.code });
    }
    return results;
  }

  private countAccepted(res: { outcome: string; reason: string | null }): void {
    this.captures.inc({ outcome: res.outcome });
    if (res.outcome === 'spotcheck' && res.reason) this.spotChecks.inc({ result: res.reason });
  }
}
