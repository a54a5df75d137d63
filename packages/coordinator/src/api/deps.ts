import type { Logger } from 'pino';
import type { Anchor } from '../anchor/anchor.js';
import type { BlobStore } from '../blob/blob-store.js';
import type { CollectionSearch } from '../collections/collection-search.js';
import type { Collections } from '../collections/collections-service.js';
import type { Creators } from '../creators/creators-service.js';
import type { Catalogue } from '../datasets/catalogue.js';
import type { DatasetBuilds } from '../datasets/dataset-builds.js';
import type { Ingest } from '../ingest/ingest.js';
import type { LabellingService } from '../labelling/labelling-service.js';
import type { Checkpointer } from '../log/checkpointer.js';
import type { LogStore } from '../log/log-store.js';
import type { RewardsService } from '../rewards/rewards-service.js';
import type { LeaseScheduler } from '../scheduler/lease-scheduler.js';
import type { SpotChecks } from '../spot-check/spot-checks.js';
import type { Store } from '../store/store.js';
import type { BotKeys } from '../web-bot-auth/bot-keys.js';
import type { CoordinatorMetrics } from './metrics.js';

export interface AppDeps {
  store: Store;
  /** Hands leases to nodes (robots.txt, TDMRep, delays, quotas, spot checks). */
  scheduler: LeaseScheduler;
  /** GET /metrics: counters of this process and gauges read from the database. */
  metrics: CoordinatorMetrics;
  blobs: BlobStore;
  ingest: Ingest;
  log: Logger;
  logStore: LogStore;
  spotChecks: SpotChecks;
  rewards: RewardsService;
  checkpoints: Checkpointer;
  /** Where checkpoints are anchored; a file anchor's chain is served to bundle writers. */
  anchor?: Anchor;
  collections: Collections;
  collectionSearch: CollectionSearch;
  /** Creators' domain claims and terms. */
  creators: Creators;
  /** Dataset builds from finished jobs (Parquet, card, Croissant, proofs). */
  datasets: DatasetBuilds;
  /** The dataset catalogue: published versions, their downloads and charges. */
  catalogue: Catalogue;
  /** The labelling marketplace (made by its routes when not given). */
  labelling?: LabellingService;
  /** Web Bot Auth: keys delegated to nodes and the network's signed key directory. */
  botKeys: BotKeys;
  /** Sequences pending captures and issues a checkpoint covering them (see log/sequencer.ts). */
  flushLog(): Promise<void>;
  /** Proxies whose X-Forwarded-For is believed for a node's address (normalised); none by default. */
  trustedProxies?: ReadonlySet<string>;
  /** The built console's folder (packages/web/dist); default: found through @sward/web, none if unbuilt. */
  consoleDir?: string | null;
  /** Check every request and answer against the API contract (default: SWARD_CONTRACT_CHECK=1). */
  contractCheck?: boolean;
  /** True once close() began: long polls answer at once so the server can drain. */
  isClosing(): boolean;
}
