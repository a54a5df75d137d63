import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { DEFAULT_TENANT, SCOPES } from '@sward/core';
import type { Hono } from 'hono';
import { type Logger, pino } from 'pino';
import { type AnchorConfig, openAnchor } from './anchor/open-anchor.js';
import { createApp } from './api/app.js';
import { trustedProxySet } from './api/client-address.js';
import { CoordinatorMetrics } from './api/metrics.js';
import { BlobStore } from './blob/blob-store.js';
import { blobStoreId } from './blob/blob-store-id.js';
import { ChunkIndex } from './collections/chunk-index.js';
import { CollectionIngest } from './collections/collection-ingest.js';
import { CollectionSearch } from './collections/collection-search.js';
import { Collections } from './collections/collections-service.js';
import type { EmbeddingProvider } from './collections/embeddings.js';
import { CollectionRefresher, type RefresherOptions } from './collections/refresher.js';
import { CreatorPageFlow } from './creators/creator-page-terms.js';
import { Creators } from './creators/creators-service.js';
import type { DomainProofOptions } from './creators/domain-proof.js';
import { Catalogue } from './datasets/catalogue.js';
import { DatasetBuilds } from './datasets/dataset-builds.js';
import { ExtractionPool } from './ingest/extraction-pool.js';
import { Ingest } from './ingest/ingest.js';
import { LabellingService } from './labelling/labelling-service.js';
import { Checkpointer, type CheckpointPolicy } from './log/checkpointer.js';
import { loadLogKey } from './log/log-key.js';
import { LogStore } from './log/log-store.js';
import { Sequencer } from './log/sequencer.js';
import { openStore, schedulerFor } from './open-store.js';
import { checkPeerAgreement, databaseId } from './peer-agreement.js';
import { payReuseRoyalty } from './rewards/reuse-royalty.js';
import { RewardsService } from './rewards/rewards-service.js';
import { defaultSpotCheckConfig, type SpotCheckConfig } from './spot-check/config.js';
import { SampleKeys } from './spot-check/sample-keys.js';
import { SpotChecks } from './spot-check/spot-checks.js';
import { claimDataDir, claimSqliteDatabase, type SqliteOwnership } from './sqlite-owner.js';
import { isPostgresUrl } from './store/location.js';
import type { SqliteDriverOptions } from './store/sqlite-driver.js';
import type { Store } from './store/store.js';
import type { SchedulerOptions } from './store/types.js';
import { BotKeys, defaultWebBotAuthConfig, type WebBotAuthConfig } from './web-bot-auth/bot-keys.js';
import { networkSecret } from './web-bot-auth/network-secret.js';

export interface CoordinatorOptions {
  /** SQLite file path or postgres:// URL. */
  db: string;
  /** Folder for raw bodies (content-addressed). */
  dataDir: string;
  port?: number;
  host?: string;
  /** Scheduler settings and limits (quotas: requests per minute, pages per day, jobs, leases). */
  scheduler?: SchedulerOptions;
  /** Node.js process figures (CPU, memory, event loop) in GET /metrics; default true. */
  processMetrics?: boolean;
  checkpoints?: Partial<CheckpointPolicy>;
  /** Default: a hash-chained file anchor at DATA_DIR/anchors.jsonl. */
  anchor?: AnchorConfig;
  /** Default: DATA_DIR/log.key, created on first start. */
  logKeyFile?: string;
  spotChecks?: Partial<SpotCheckConfig>;
  collections?: CollectionsConfig;
  /** How creators' domain claims are checked (tests map domains to loopback and play DNS). */
  creators?: DomainProofOptions;
  /**
   * Addresses of reverse proxies in front of the coordinator. Only requests from these have their
   * X-Forwarded-For read for the node's address (sybil evidence); default none: the socket's peer.
   */
  /** The built console's folder; default: packages/web/dist found through @sward/web; null: no console. */
  consoleDir?: string | null;
  trustedProxies?: string[];
  /** Web Bot Auth: delegated key lifetime and directory signature reuse (web-bot-auth/bot-keys.ts). */
  webBotAuth?: Partial<WebBotAuthConfig>;
  /** How often accepted captures get their leaves; default 250 ms. */
  sequenceMs?: number;
  /** Worker threads that make crawled pages' documents off the capture path (default: cores but one). */
  extractionThreads?: number;
  /**
   * SQLite only (store/sqlite-driver.ts): its page cache and mmap, MiB (small by default; raise for a large log),
   * and WAL checkpoints on a worker thread (sqlite-checkpointer.ts; default off).
   */
  sqlite?: SqliteDriverOptions;
  log?: Logger;
}

export interface CollectionsConfig extends RefresherOptions {
  /** Shortest refresh interval a customer may ask for (default 10 s). */
  minIntervalMs?: number;
  /** Vector search for every collection; keyword search is always on. */
  embeddings?: EmbeddingProvider | null;
  /** false: this coordinator starts no refreshes (another one does). Default true. */
  refresh?: boolean;
}

export interface RunningCoordinator {
  url: string;
  store: Store;
  /** Set when this start created the first API key (shown once; only its hash is stored). */
  firstApiKey: string | null;
  logStore: LogStore;
  checkpoints: Checkpointer;
  rewards: RewardsService;
  /** Live collections' scheduler; `tick()` runs one pass now (tests). */
  refresher: CollectionRefresher;
  /** Sequences every accepted capture and issues a checkpoint covering them. */
  flushLog(): Promise<void>;
  /** The HTTP API itself, for `app.request()` without a socket (tests). */
  app: Hono;
  close(): Promise<void>;
}

export async function startCoordinator(opts: CoordinatorOptions): Promise<RunningCoordinator> {
  mkdirSync(opts.dataDir, { recursive: true });
  const claims: SqliteOwnership[] = [];
  const release = () => {
    for (const c of claims) c.release();
  };
  // What the start has begun, undone newest first when a later step throws before it listens (a log key that
  // does not parse, an anchor that cannot be opened, a port in use): an embedder's process lives on, so a
  // failed start leaves no database pool, worker thread or timer behind, and its claim goes last, so a start
  // fixed in the same process is not refused.
  const started: (() => unknown)[] = [release];
  try {
    // One coordinator per SQLite file, and per data folder for SQLite coordinators (sqlite-owner.ts), refused
    // before it opens or writes anything.
    const me = { host: opts.host ?? '127.0.0.1', port: opts.port };
    const owner = claimSqliteDatabase(opts.db, me);
    if (owner) {
      claims.push(owner); // before the folder's claim, which may refuse: the file is let go then too
      claims.push(
        claimDataDir(opts.dataDir, me, { kind: 'sqlite', id: owner.database, name: owner.database }),
      );
    }
    const log = opts.log ?? pino({ level: process.env.SWARD_LOG_LEVEL ?? 'info' });
    const store = await openStore(opts.db, opts.scheduler, opts.sqlite);
    started.push(() => store.close());
    // PostgreSQL peers share their folder, with peers of their own database only: known once it is open.
    if (isPostgresUrl(opts.db)) {
      const u = new URL(opts.db);
      const name = `${u.host}${u.pathname}`;
      claims.push(claimDataDir(opts.dataDir, me, { kind: 'postgres', id: await databaseId(store.db), name }));
    }
    return await startOnStore(opts, release, log, store, started);
  } catch (e) {
    for (const stop of started.reverse()) {
      try {
        await stop();
      } catch {
        // the start's own error is the one to report
      }
    }
    throw e;
  }
}

async function startOnStore(
  opts: CoordinatorOptions,
  release: () => void,
  log: Logger,
  store: Store,
  started: (() => unknown)[],
): Promise<RunningCoordinator> {
  const blobs = new BlobStore(join(opts.dataDir, 'blobs'));
  const policy: CheckpointPolicy = {
    origin: 'sward.local/log',
    everyMs: 10_000,
    everyLeaves: 1000,
    ...opts.checkpoints,
  };
  const logKeyFile = opts.logKeyFile ?? join(opts.dataDir, 'log.key');
  const {
    signer,
    verifierKey,
    keyId,
    identity: logIdentity,
    created: logKeyCreated,
  } = loadLogKey(logKeyFile, policy.origin);
  // Before anything is signed or stored: peers on one database share one log key and one blob store.
  const blobId = blobStoreId(blobs.root);
  await checkPeerAgreement(store.db, {
    logKeyId: keyId,
    logKeyFile,
    logKeyCreated,
    blobStoreId: blobId.id,
    blobRoot: blobs.root,
    blobStoreCreated: blobId.created,
  });
  const spotCheckConfig = { ...defaultSpotCheckConfig, ...opts.spotChecks };
  const sampleKeys = new SampleKeys(store.db, signer, policy.origin, spotCheckConfig);
  // The coming epochs' keys exist (committed, signed) before the first capture is drawn.
  await sampleKeys.extensionLines();
  const spotChecks = new SpotChecks(blobs, store.captures, spotCheckConfig, sampleKeys);
  const anchor = await openAnchor(
    opts.anchor ?? { kind: 'file', path: join(opts.dataDir, 'anchors.jsonl') },
    undefined,
    signer,
  );
  started.push(() => anchor.close());
  const rewards = new RewardsService(store.db, { anchor, outDir: join(opts.dataDir, 'payouts') });
  const chunkIndex = new ChunkIndex(store.db);
  const collectionIngest = new CollectionIngest(store.frontier, chunkIndex);
  const creators = new Creators(store.db, opts.creators);
  const ingest = new Ingest(
    store,
    blobs,
    spotChecks,
    rewards,
    collectionIngest,
    new CreatorPageFlow(creators, rewards),
  );
  const collectionSearch = new CollectionSearch(
    store.db,
    chunkIndex,
    opts.collections?.embeddings ?? null,
    log,
  );
  const collections = new Collections(store.db, {
    minIntervalMs: opts.collections?.minIntervalMs ?? 10_000,
    webhooksAllowPrivate: opts.collections?.allowPrivateWebhooks ?? false,
  });
  const refresher = new CollectionRefresher(
    store.db,
    store.frontier,
    chunkIndex,
    collectionIngest,
    collectionSearch,
    {
      log,
      ...opts.collections,
    },
  );
  const logStore = new LogStore(store.db);
  const checkpoints = new Checkpointer(store.db, logStore, signer, verifierKey, anchor, policy, () =>
    sampleKeys.extensionLines(),
  );
  await checkpoints.anchorPending();
  const sequencer = new Sequencer(logStore, checkpoints, log, opts.sequenceMs ?? 250);
  sequencer.start();
  started.push(() => sequencer.stop());
  const extraction = new ExtractionPool(store, blobs, { threads: opts.extractionThreads, log });
  extraction.start();
  started.push(() => extraction.stop());
  ingest.onExtractionQueued = () => extraction.wake();
  if (opts.collections?.refresh !== false) {
    started.push(() => refresher.stop());
    await refresher.start();
  }
  // Requests in flight, so close() can let them finish before the database goes away.
  let inFlight = 0;
  let closing = false;
  // Bounded so SIGTERM ends the process within 5 s: a long-poll lease call is woken by close(),
  // and a capture whose transaction is cut short is sent again by its node (to this or another replica).
  const drained = async () => {
    for (let i = 0; i < 120 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 25));
  };
  const botKeys = new BotKeys(store.botKeys, networkSecret(logIdentity), {
    ...defaultWebBotAuthConfig,
    ...opts.webBotAuth,
  });
  const processMetrics = opts.processMetrics ?? true;
  const metrics = new CoordinatorMetrics(store, { defaultMetrics: processMetrics });
  // Process figures (GC, event-loop delay) count from the start, as before prom-client loaded lazily.
  if (processMetrics) await metrics.registry();
  const scheduler = schedulerFor(
    store,
    {
      leased: (n) => metrics.leases.inc(n),
      expired: (n) => metrics.leaseExpiries.inc(n),
      claimFailed: (node, err) =>
        log.warn(
          { err, node },
          'a lease claim inside a capture batch failed; the batch is stored, no leases sent',
        ),
    },
    // A page a job took from the archive is sold again: its node's operator earns the reuse royalty.
    { sold: async (tx, sale) => void (await payReuseRoyalty(tx, rewards, sale)) },
  );
  // Spot checks no node took within notRunAfterMs end as not run, counted apart from those judged.
  scheduler.endNotRunChecks = async (tx) => {
    const n = await spotChecks.endNotRun(tx, store.db.dialect);
    if (n) metrics.spotChecks.inc({ result: 'not_run' }, n);
    return n;
  };
  // SQLite: a lease request's claim shares the transaction of the capture batches of its turn of the event
  // loop (one BEGIN/COMMIT and one WAL write for them all); PostgreSQL: its own, as before.
  scheduler.claimTransactions = (fn) => ingest.inBatchTransaction(fn);
  const datasets = new DatasetBuilds(
    { store, blobs, logStore, checkpoints, anchor, flushLog: () => sequencer.flush() },
    join(opts.dataDir, 'datasets'),
    log,
  );
  // One labelling service for its routes and the catalogue (which publishes projects' exports).
  const labelling = new LabellingService(store.db, rewards);
  const app = createApp({
    datasets,
    catalogue: new Catalogue(store.db, datasets, rewards, labelling, join(opts.dataDir, 'catalogue')),
    labelling,
    store,
    scheduler,
    metrics,
    botKeys,
    blobs,
    ingest,
    log,
    logStore,
    spotChecks,
    rewards,
    checkpoints,
    anchor,
    collections,
    collectionSearch,
    creators,
    trustedProxies: trustedProxySet(opts.trustedProxies),
    ...(opts.consoleDir === undefined ? {} : { consoleDir: opts.consoleDir }),
    isClosing: () => closing,
    flushLog: () => sequencer.flush(),
  });
  const handle = async (req: Request, env: unknown) => {
    if (closing)
      return new Response(
        JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'coordinator is shutting down' } }),
        { status: 503 },
      );
    inFlight++;
    try {
      return await app.fetch(req, env);
    } finally {
      inFlight--;
    }
  };
  // A port in use (EADDRINUSE) or an address not this host's rejects: the caller says which, with no stack,
  // and startCoordinator stops what started, so the process ends.
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: handle, port: opts.port ?? 0, hostname: opts.host ?? '127.0.0.1' }, () =>
      resolve(s),
    );
    s.once('error', reject);
  });
  let firstApiKey: string | null = null;
  // The first key, printed once at first start, is the admin of the default tenant. Made once the port is
  // ours: a start that cannot listen must not make a key nobody is shown.
  if ((await store.auth.apiKeyCount()) === 0)
    firstApiKey = (
      await store.auth.createApiKey({ name: 'admin', tenant: DEFAULT_TENANT, role: 'admin', scopes: SCOPES })
    ).key;
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  log.debug({ url }, 'coordinator listening');
  return {
    url,
    store,
    firstApiKey,
    logStore,
    checkpoints,
    rewards,
    refresher,
    flushLog: () => sequencer.flush(),
    app,
    async close() {
      closing = true;
      scheduler.work.wake(); // waiting lease long-polls answer now
      await refresher.stop();
      await drained();
      await datasets.idle();
      await sequencer.stop();
      await extraction.stop();
      await new Promise<void>((res) => {
        server.close(() => res());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await anchor.close();
      try {
        await store.close();
      } finally {
        release(); // the database and folder are free for the next coordinator once this one let them go
      }
    },
  };
}
