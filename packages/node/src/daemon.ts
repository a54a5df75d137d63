import { setMaxListeners } from 'node:events';
import { arch, platform } from 'node:os';
import { type SignedCapture, sha256Hex } from '@sward/core/node-side';
import { type Logger, pino } from 'pino';
import type { Dispatcher } from 'undici';
import { CaptureSpool } from './capture-spool.js';
import { CaptureUploader } from './capture-uploader.js';
import { CoordinatorClient } from './client.js';
import { type NodeConfig, type NodeConfigInput, parseNodeConfig } from './config.js';
import { sharedConnections } from './connection-pool.js';
import { CoordinatorGate } from './coordinator-gate.js';
import { NodeError } from './errors.js';
import { messageOf } from './fetch-errors.js';
import { FetchLog, type FetchLogEntry } from './fetch-log.js';
import { type FetchOutcome, fetchCapture } from './fetcher.js';
import { loadOrCreateIdentity } from './key-file.js';
import { OperatorLimits } from './limits.js';
import type { MutableStats, NodeStats } from './node-stats.js';
import type { FailureReport, Lease } from './protocol.js';
import { RequestSigner } from './request-signer.js';
import type { Resolver } from './resolve-target.js';
import { backoffMs, sleep } from './sleep.js';
import { drainSpool, settleSpooled } from './spool-upload.js';
import { NODE_VERSION } from './version.js';

/** Things an embedder or a test sets in code; none of them is an operator setting. */
export interface NodeRuntimeOptions {
  readonly logger?: Logger;
  /** Test hook for a "lying node" (provenance spot checks): alters bodies before hashing and signing. */
  readonly transformBody?: (url: string, body: Buffer) => Buffer;
  /** Extra CA certificates (PEM) trusted for fetched sites, e.g. the demo's https test site. */
  readonly extraCa?: string | readonly string[];
  readonly resolver?: Resolver;
  readonly now?: () => Date;
  /** Dispatcher for coordinator calls (not for fetches, which always go through the guarded connector). */
  readonly coordinatorDispatcher?: Dispatcher;
  /** How often a paused node (inactive hours, cap reached) looks again; default 30 s. */
  readonly pausePollMs?: number;
  /** How often spooled captures the coordinator has not taken yet are sent again; default 2 s. */
  readonly spoolRetryMs?: number;
  /** How long stop() lets in-flight fetches finish before it cuts them and hands their leases back; default 2.5 s. */
  readonly stopGraceMs?: number;
}

export interface RunningNode {
  /** The node id: hex of its ed25519 public key. */
  readonly id: string;
  /** True when this run created the key file. */
  readonly createdKey: boolean;
  stats(): NodeStats;
  /**
   * Stops leasing, lets in-flight fetches finish and report for stopGraceMs, cuts the rest, hands every
   * unanswered lease back (finished captures the coordinator has not taken stay spooled, their leases
   * kept), then closes: within about 4 s. Idempotent.
   */
  stop(): Promise<void>;
  /** Settles when the node stops; rejects if it stopped on its own (revoked, bad config). */
  readonly done: Promise<void>;
}

const SUBMIT_ATTEMPTS = 4;
/** The most leases one request may ask for (docs/PROTOCOL.md). */
const MAX_LEASES_PER_CALL = 64;
/** The longest the lease loop leaves a slot idle waiting for a batch's ask to bring leases. */
const BATCH_ASK_WAIT_MS = 500;

/** Config as startNode takes it; `transformBody` may ride along here too (the brief's `startNode({..., transformBody})`). */
export type StartNodeInput = (NodeConfigInput | NodeConfig) & Pick<NodeRuntimeOptions, 'transformBody'>;

function configFrom(input: StartNodeInput): NodeConfig {
  const { userAgent: _ua, transformBody: _tb, ...rest } = input as NodeConfig & StartNodeInput;
  return parseNodeConfig(rest);
}

/** Starts a node: loads (or creates) its key, then authenticates, leases, fetches and reports until stopped. */
export async function startNode(
  input: StartNodeInput,
  runtimeOptions: NodeRuntimeOptions = {},
): Promise<RunningNode> {
  const config = configFrom(input);
  const runtime = input.transformBody
    ? { transformBody: input.transformBody, ...runtimeOptions }
    : runtimeOptions;
  if (!config.coordinatorUrl)
    throw new NodeError(
      'CONFIG',
      'config: coordinatorUrl: required to run a node: give --coordinator <url> (or SWARD_NODE_COORDINATOR_URL, or "coordinatorUrl" in the --config file)',
    );
  const log =
    runtime.logger ?? pino({ name: 'sward-node', level: process.env.SWARD_NODE_LOG_LEVEL ?? 'info' });
  const now = runtime.now ?? (() => new Date());
  const { identity, created } = await loadOrCreateIdentity(config.keyFile);
  if (created) log.info({ keyFile: config.keyFile, nodeId: identity.id }, 'created a new node key');
  // The operator's own key: it registers the operator account and signs this node's enrolment.
  const operatorKey = await loadOrCreateIdentity(config.operatorKeyFile);
  if (operatorKey.created)
    log.info(
      { operatorKeyFile: config.operatorKeyFile, operator: operatorKey.identity.id },
      'created a new operator key',
    );

  const spool = new CaptureSpool(config.spoolDir, config.spoolMaxBytes);
  await spool.open((file, why) =>
    log.warn({ file, why }, 'spool: removed a file that is not a whole, verifying capture'),
  );
  if (spool.size > 0)
    log.info({ spooled: spool.size, dir: config.spoolDir }, 'spool: finished captures to upload first');
  const limits = new OperatorLimits(config, now);
  const signer = new RequestSigner();
  const fetchLog = new FetchLog(config.logFile);
  const client = new CoordinatorClient({
    coordinatorUrl: config.coordinatorUrl,
    identity,
    version: NODE_VERSION,
    fingerprint: sha256Hex(
      JSON.stringify({ platform: platform(), arch: arch(), node: process.version, version: NODE_VERSION }),
    ),
    operatorIdentity: operatorKey.identity,
    operatorName: config.operator,
    referralCode: config.referralCode,
    dispatcher: runtime.coordinatorDispatcher,
  });
  // Fetches running now: a finished capture waits for about half of them (or 20 ms) so that captures go to
  // the coordinator together, bodies as bytes, and its per-batch statements serve several pages.
  let fetching = 0;
  // Leases ride on capture batches' answers (docs/PROTOCOL.md): while captures flow, a busy node sends one
  // request per round trip instead of a batch and a lease request. The lease loop below asks on its own
  // when no batch will: at start, when idle, when the last batch's answer brought nothing, and always from
  // a coordinator that does not answer leases with captures.
  const leaseRide = { asking: 0, askedAt: 0, loopAsking: false, supported: true, lastEmpty: false };
  const uploader = new CaptureUploader(client, {
    fetching: () => fetching,
    leaseAsk: () => {
      if (!leaseRide.supported || leaseRide.loopAsking || stopper.signal.aborted) return 0;
      leaseRide.asking = Math.min(MAX_LEASES_PER_CALL, limits.leaseCapacity(config.maxConcurrent));
      leaseRide.askedAt = Date.now();
      return leaseRide.asking;
    },
    onLeases: (leases) => {
      leaseRide.asking = 0;
      if (leases === null) leaseRide.supported = false;
      leaseRide.lastEmpty = leases?.length === 0;
      for (const lease of leases ?? []) startTask(lease);
      wake();
    },
  });

  const s: MutableStats = {
    id: identity.id,
    version: NODE_VERSION,
    startedAt: now().toISOString(),
    state: 'running',
    pausedBecause: null,
    inFlight: 0,
    maxConcurrent: config.maxConcurrent,
    leased: 0,
    captured: 0,
    failed: 0,
    refused: 0,
    reportsRejected: 0,
    bytesFetched: 0,
    bytesLastHour: 0,
    bytesLastDay: 0,
    lastError: null,
  };
  const stats = (): NodeStats => {
    const used = limits.budget.used();
    return { ...s, inFlight: limits.inFlight, bytesLastHour: used.lastHour, bytesLastDay: used.lastDay };
  };

  // Listened to by the lease loop alone, one call or wait at a time: Node's default limit of 10 listeners
  // stays, so a listener left behind per wait shows as a warning long before it costs memory.
  const stopper = new AbortController();
  // Aborted when stop() stops waiting: in-flight fetches end and upload retries give up (stays spooled).
  // Each listens while it runs, and removes its listener when done: up to maxConcurrent fetches plus the
  // captures waiting for an answer (at most 3 × maxConcurrent tasks in all, see maxUnanswered).
  const hardStop = new AbortController();
  setMaxListeners(3 * config.maxConcurrent + 4, hardStop.signal);
  const tasks = new Set<Promise<void>>();
  let wake: () => void = () => {};
  let fatal: NodeError | null = null;

  // Every call to the coordinator goes through it: one backoff for the node, one probe at a time while the
  // coordinator does not answer (coordinator-gate.ts).
  let answeringAgain = () => {};
  const gate = new CoordinatorGate({ onAnswering: () => answeringAgain() });

  /** Sends with retries; `error` is what the last attempt threw (none when accepted). */
  const report = async (
    what: string,
    send: () => Promise<unknown>,
  ): Promise<{ report: FetchLogEntry['report']; error?: unknown }> => {
    for (let attempt = 0; ; attempt++) {
      try {
        // Not cut short by stop(): in-flight work still reports, until stop() stops waiting. A coordinator
        // that does not answer is probed by one call at a time; the others wait for its outcome, and each
        // such outcome counts as one of this capture's attempts (then it stays spooled for the spool timer).
        await gate.run(send, hardStop.signal);
        return { report: 'accepted' };
      } catch (e) {
        const retryable = e instanceof NodeError && e.code === 'COORDINATOR_UNREACHABLE';
        if (!retryable || attempt + 1 >= SUBMIT_ATTEMPTS || hardStop.signal.aborted) {
          s.lastError = messageOf(e);
          if (retryable) {
            log.warn({ err: s.lastError }, `${what}: coordinator unreachable, giving up`);
            return { report: 'unsent', error: e };
          }
          s.reportsRejected++;
          log.warn({ err: s.lastError }, `${what}: rejected by the coordinator`);
          return { report: 'rejected', error: e };
        }
        // A coordinator that answered with an error (a 500) and left the gate open: a pause of our own.
        if (gate.answering) await sleep(backoffMs(attempt), hardStop.signal);
      }
    }
  };

  // Captures handed to the uploader and not answered yet. Their fetch slots are free for the next fetches
  // (so captures pile up while a batch is on its way, and the next batch is bigger), up to this many: a
  // slow coordinator then holds the slots again, bounding the bodies in memory to 3 × maxConcurrent.
  let unanswered = 0;
  const maxUnanswered = 2 * config.maxConcurrent;

  const runLease = async (lease: Lease, freeSlot: () => void): Promise<void> => {
    const base = { time: '', jobId: lease.jobId, leaseId: lease.leaseId, url: lease.url };
    const refusal = limits.fetchRefusal(lease.url);
    let outcome: FetchOutcome;
    let bytes = 0;
    // Counted until its capture is handed to the uploader or it ends without one.
    fetching++;
    let counted = true;
    const fetchEnded = () => {
      if (!counted) return;
      counted = false;
      fetching--;
      uploader.nudge();
    };
    try {
      outcome = refusal
        ? { ok: false, failure: refusal, redirects: [] }
        : await fetchCapture(lease, {
            identity,
            userAgent: config.userAgent,
            requestSigner: signer,
            allowPrivate: config.allowPrivate,
            maxBodyBytes: config.maxBodyBytes,
            timeoutMs: config.timeoutMs,
            hostRefusal: (h) => limits.hostRefusal(h)?.message ?? null,
            onBytes: (n) => {
              bytes += n;
              s.bytesFetched += n;
              return limits.budget.consume(n);
            },
            resolver: runtime.resolver,
            extraCa: runtime.extraCa,
            transformBody: runtime.transformBody,
            now,
            signal: hardStop.signal,
          });
    } catch (e) {
      fetchEnded();
      throw e;
    }
    // A capture stays counted while it is spooled: it is on its way to the uploader.
    if (!outcome.ok) fetchEnded();
    // Cut short by stop(): nothing to report, the lease is handed back at logout.
    if (!outcome.ok && hardStop.signal.aborted) return;
    let entry: FetchLogEntry;
    if (outcome.ok) {
      const signed: SignedCapture = outcome.signed;
      const body = outcome.body;
      s.captured++;
      // On disk before the upload: a coordinator away longer than the retries, or this process killed,
      // loses no finished capture (capture-spool.ts).
      const spooled = await spool.put({ leaseId: lease.leaseId, signed, body }).catch((e) => {
        log.warn({ err: messageOf(e), dir: config.spoolDir }, 'spool: cannot write a finished capture');
        return false;
      });
      if (!spooled && spool.bytes > 0)
        log.warn(
          { bytes: spool.bytes, max: config.spoolMaxBytes },
          'spool full: capture kept in memory only',
        );
      fetchEnded();
      if (unanswered < maxUnanswered) freeSlot();
      unanswered++;
      const r = await report(`capture ${lease.leaseId}`, () => uploader.submit(signed, body)).finally(() => {
        unanswered--;
        wake(); // the lease loop may ask on its own once no capture is left to carry its ask
      });
      if (spooled) await settleSpooled(spool, lease.leaseId, r.error, log);
      const c = signed.capture;
      entry = {
        ...base,
        finalUrl: c.finalUrl,
        status: c.status,
        bytes,
        outcome: 'captured',
        report: r.report,
      };
    } else {
      const f = outcome.failure;
      const operatorRefusal =
        f.code === 'DOMAIN_DENIED' || f.code === 'CAP_REACHED' || f.code === 'INACTIVE_HOURS';
      if (operatorRefusal) s.refused++;
      else s.failed++;
      const failure: FailureReport = { leaseId: lease.leaseId, jobId: lease.jobId, url: lease.url, ...f };
      const r = await report(`failure ${lease.leaseId}`, () => client.submitFailure(failure));
      entry = { ...base, bytes, outcome: operatorRefusal ? 'refused' : 'failed', ...f, report: r.report };
    }
    await fetchLog.append({ ...entry, time: now().toISOString() }).catch((e) => {
      log.error({ err: messageOf(e), file: config.logFile }, 'cannot write the fetch log');
    });
  };

  const startTask = (lease: Lease) => {
    s.leased++;
    let slotHeld = true;
    const freeSlot = () => {
      if (!slotHeld) return;
      slotHeld = false;
      limits.release();
      wake();
    };
    const task = limits
      .acquire() // a lease asked ahead of free slots waits here for one
      .then(() => {
        // Stopping: a lease that never started is handed back at logout. (A deadline is not checked here:
        // it is on the coordinator's clock, and a home machine's clock may be off; the coordinator refuses
        // a capture of an expired lease itself.)
        if (stopper.signal.aborted) return;
        return runLease(lease, freeSlot);
      })
      .catch((e) => {
        s.lastError = messageOf(e);
        log.error({ err: s.lastError, leaseId: lease.leaseId }, 'lease handling failed');
      })
      .finally(() => {
        tasks.delete(task);
        freeSlot();
        wake();
      });
    tasks.add(task);
  };

  const pausePollMs = runtime.pausePollMs ?? 30_000;
  // The lease loop's one wait at a time, ended by wake(), by stop() or after `ms`. wake() is called several
  // times a page (a slot frees, a batch answers): a wait listens to no signal of its own (one listener on
  // `stopper`, added once, ends whichever wait is on), since an AbortSignal listener added and removed per
  // wait was ~2 % of a busy node's CPU (docs/BENCHMARKS.md, session 18, nodes).
  let endWait: (() => void) | null = null;
  stopper.signal.addEventListener('abort', () => endWait?.(), { once: true });
  wake = () => endWait?.();
  const waitForWake = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopper.signal.aborted) return resolve();
      const end = () => {
        clearTimeout(timer);
        if (endWait === end) endWait = null;
        resolve();
      };
      const timer = setTimeout(end, ms);
      endWait = end;
    });

  // `signal` ends a wait in the gate: the lease loop's (stopper) ends as stop() begins, since stop() waits for
  // the loop before its grace period; the spool timer's (hardStop) when that grace is over.
  const uploadSpooled = (signal: AbortSignal) =>
    drainSpool(spool, (c) => gate.run(() => client.submitCapture(c.signed, c.body), signal), log).then(
      (n) => {
        if (n.unsent > 0) throw new NodeError('COORDINATOR_UNREACHABLE', 'spooled captures not taken yet');
      },
    );
  let resumed = false;
  // The lease loop waits without calling (paused, every slot busy): the heartbeat may then probe a
  // coordinator that does not answer, which otherwise only the lease loop and the uploads do.
  let loopIdle = false;
  const leaseLoop = async () => {
    let failures = 0;
    while (!stopper.signal.aborted) {
      try {
        if (!client.authenticated) {
          await gate.run(() => client.authenticate(stopper.signal), stopper.signal);
          log.info({ nodeId: identity.id, coordinator: config.coordinatorUrl }, 'session opened');
        }
        if (!resumed) {
          // First what a previous run finished, then back with whatever else it held: its fetches died with it.
          await uploadSpooled(stopper.signal);
          const n = await gate.run(() => client.handBack(spool.leaseIds(), stopper.signal), stopper.signal);
          if (n > 0) log.info({ handedBack: n }, 'handed back the leases of a previous run');
          resumed = true;
        }
        // A fresh delegated key at the current one's half-life, before any lease needs it.
        if (signer.needsRenewal(Date.now())) {
          signer.use(await gate.run(() => client.signingKey(stopper.signal), stopper.signal));
          log.debug({ keyid: signer.keyid }, 'web bot auth key renewed');
        }
        const general = limits.generalRefusal();
        s.state = general ? 'paused' : 'running';
        s.pausedBecause = general?.message ?? null;
        // Ahead of free slots, in batches: ask when a slot would otherwise sit idle, or when a whole batch
        // (maxConcurrent leases) can be taken; not for every slot that frees.
        // What a batch's ask on its way may bring is not asked twice.
        const capacity = Math.max(
          0,
          Math.min(MAX_LEASES_PER_CALL, limits.leaseCapacity(config.maxConcurrent)) - leaseRide.asking,
        );
        // No slot sits idle, and a batch's ask is on its way, or a capture is on its way or being fetched
        // (its batch will ask) and the last batch's ask did not come back empty (then the coordinator has
        // nothing now, and the lease request below waits for work as long as it may).
        const rides =
          limits.idleSlots() === 0 &&
          (leaseRide.asking > 0 ||
            (leaseRide.supported && !leaseRide.lastEmpty && unanswered + fetching > 0));
        // A slot is idle, but a batch is about to leave (within the uploader's hold, ms) and will ask for
        // what the slots need, or a batch's ask left less than BATCH_ASK_WAIT_MS ago and its answer will fill
        // them: wait for that rather than send a lease request of our own (each costs the coordinator's main
        // thread a request, a session read and a claim; docs/BENCHMARKS.md, session 18, lease). The answer
        // wakes us (onLeases, and its captures' answers); the bound is for a slow one. An empty answer
        // (lastEmpty) sends us back to our own lease request, which waits for work (the long-poll).
        const askWaitMs = leaseRide.asking > 0 ? leaseRide.askedAt + BATCH_ASK_WAIT_MS - Date.now() : 0;
        const batchWillAsk =
          !general &&
          leaseRide.supported &&
          !leaseRide.lastEmpty &&
          (askWaitMs > 0 || (leaseRide.asking === 0 && uploader.batchLeavingSoon));
        if (batchWillAsk && !rides && capacity > 0) {
          await waitForWake(askWaitMs > 0 ? askWaitMs : BATCH_ASK_WAIT_MS);
          continue;
        }
        if (rides || capacity === 0 || (limits.idleSlots() === 0 && capacity < config.maxConcurrent)) {
          loopIdle = true;
          await waitForWake(general ? pausePollMs : 60_000).finally(() => (loopIdle = false));
          continue;
        }
        const asked = Date.now();
        leaseRide.loopAsking = true;
        // A probe is not held as a long poll: its answer lets the calls waiting behind it go at once.
        const leases = await gate
          .run(
            (probe) => client.lease(capacity, probe ? 0 : config.leaseWaitMs, stopper.signal),
            stopper.signal,
          )
          .finally(() => (leaseRide.loopAsking = false));
        failures = 0;
        for (const lease of leases) startTask(lease);
        // A coordinator that answers "nothing" at once instead of holding the call must not make us spin.
        const elapsed = Date.now() - asked;
        if (leases.length === 0 && elapsed < 1000) await sleep(1000 - elapsed, stopper.signal);
      } catch (e) {
        if (stopper.signal.aborted) break;
        if (e instanceof NodeError && (e.code === 'NODE_REVOKED' || e.code === 'OPERATOR_REFUSED')) {
          fatal = e;
          break;
        }
        s.lastError = messageOf(e);
        // No answer: the gate paces the next call (ours or another's probe). An answer with an error, or a
        // fault of our own before any call (no gate.run to wait in: it would spin), our own pause.
        if (!gate.answering && e instanceof NodeError && e.code === 'COORDINATOR_UNREACHABLE') {
          log.warn({ err: s.lastError, retryInMs: gate.retryInMs }, 'coordinator call failed');
          continue;
        }
        const delay = backoffMs(failures++);
        log.warn({ err: s.lastError, retryInMs: delay }, 'coordinator call failed');
        await sleep(delay, stopper.signal);
      }
    }
  };

  const heartbeat = setInterval(() => {
    // Skipped while the coordinator does not answer, unless the lease loop is idle and so probes nothing.
    if (!client.authenticated || !(gate.answering || (loopIdle && gate.free))) return;
    gate
      .run(() => client.heartbeat(stats()), stopper.signal)
      .catch((e) => log.debug({ err: messageOf(e) }, 'heartbeat failed'));
  }, config.heartbeatMs);
  heartbeat.unref();
  let draining: Promise<void> | null = null;
  const drainSpooled = () => {
    if (draining || !resumed || !gate.free || spool.size === 0 || hardStop.signal.aborted) return;
    draining = uploadSpooled(hardStop.signal)
      .catch((e) => log.debug({ err: messageOf(e) }, 'spool upload postponed'))
      .finally(() => {
        draining = null;
      });
  };
  // The coordinator answers again: what waited in the spool goes now, not at the timer's next round.
  answeringAgain = drainSpooled;
  const spoolTimer = setInterval(drainSpooled, runtime.spoolRetryMs ?? 2000);
  spoolTimer.unref();

  let stopping: Promise<void> | null = null;
  const loopDone = leaseLoop();
  const settled = async () => {
    while (tasks.size > 0 || draining) await Promise.allSettled([...tasks, draining]);
  };
  const finish = async () => {
    stopper.abort();
    uploader.flush(); // a stopping node holds no finished capture back
    await loopDone;
    s.state = 'stopping';
    clearInterval(spoolTimer);
    await Promise.race([settled(), sleep(runtime.stopGraceMs ?? 2500)]);
    hardStop.abort();
    await Promise.race([settled(), sleep(500)]);
    clearInterval(heartbeat);
    clearInterval(spoolTimer);
    gate.close();
    // Leases not answered go back now; those of spooled captures are kept for the next run to upload.
    if (!fatal)
      await client
        .logout(spool.leaseIds(), AbortSignal.timeout(1000))
        .then((n) => n > 0 && log.info({ handedBack: n }, 'handed back unanswered leases'))
        .catch((e) =>
          log.warn({ err: messageOf(e) }, 'could not hand leases back; they expire on their own'),
        );
    limits.budget.flush();
    spool.close(); // its open segment goes if nothing is left in it
    // This node's pooled site connections go with it (other in-process nodes keep theirs).
    sharedConnections.closeOwner(identity.id);
    await fetchLog.close().catch(() => {});
    await client.close().catch(() => {});
    s.state = fatal ? 'failed' : 'stopped';
  };
  const stop = () => {
    stopping ??= finish();
    return stopping;
  };
  const done = loopDone.then(async () => {
    if (!fatal) return stop();
    log.error({ err: (fatal as NodeError).message }, 'node stopped');
    await stop();
    throw fatal;
  });
  // An unobserved `done` must not crash the embedder with an unhandled rejection.
  done.catch(() => {});

  return { id: identity.id, createdKey: created, stats, stop, done };
}
