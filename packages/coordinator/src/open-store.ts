import { heldValidators } from './collections/collection-ingest.js';
import { applyCollectionsSchema, migrateCollectionTenancy } from './collections/collections-schema.js';
import { CreatorPageFlow } from './creators/creator-page-terms.js';
import { applyCreatorsSchema } from './creators/creators-schema.js';
import { Creators } from './creators/creators-service.js';
import { applyDatasetsSchema } from './datasets/datasets-schema.js';
import { applyLabellingSchema } from './labelling/labelling-schema.js';
import { applyRewardsSchema } from './rewards/rewards-schema.js';
import { ArchiveReuse, type ReuseRoyaltyHook } from './scheduler/archive-reuse.js';
import { LeaseScheduler, type SchedulerEvents } from './scheduler/lease-scheduler.js';
import type { SqliteDriverOptions } from './store/sqlite-driver.js';
import { openBaseStore, type SchemaPart, type Store } from './store/store.js';
import type { SchedulerOptions } from './store/types.js';

/** Every feature's tables, in the order their migrations expect (collections' tenancy after its tables). */
export const featureSchemas: readonly SchemaPart[] = [
  applyRewardsSchema,
  applyLabellingSchema,
  applyCollectionsSchema,
  migrateCollectionTenancy,
  applyCreatorsSchema,
  applyDatasetsSchema,
];

/** The coordinator's store with every feature's schema applied: what a coordinator, the CLI and tests open. */
export function openStore(
  location: string,
  config: SchedulerOptions = {},
  sqlite: SqliteDriverOptions = {},
): Promise<Store> {
  return openBaseStore(location, config, featureSchemas, sqlite);
}

/**
 * The scheduler over a store, with live collections' conditional requests, creators' terms and archive reuse
 * (its royalty paid through `royalty` when given): what hands leases to nodes.
 */
export function schedulerFor(
  store: Store,
  events: SchedulerEvents = {},
  royalty: ReuseRoyaltyHook | null = null,
): LeaseScheduler {
  return new LeaseScheduler(
    store,
    heldValidators,
    events,
    new CreatorPageFlow(new Creators(store.db)),
    new ArchiveReuse(store, royalty),
  );
}
