import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BlobStore,
  ChunkIndex,
  CollectionIngest,
  openStore,
  RewardsService,
  type SchedulerOptions,
} from '@sward/coordinator';
import { Ingest } from '../../packages/coordinator/src/ingest/ingest.js';
import { defaultSpotCheckConfig, SpotChecks } from '../../packages/coordinator/src/spot-check/index.js';
import type { Backend } from './backends.js';

/**
 * A fresh store on `backend` with the capture path over it, as the contract suites drive it without HTTP:
 * politeness delays off (hostDelayMs 0, backoffMs 1) unless `cfg` says otherwise; spot checks drawn at rate 0.
 */
export async function ingestStack(backend: Backend, cfg: SchedulerOptions = {}) {
  const store = await openStore(await backend.create(), { hostDelayMs: 0, backoffMs: 1, ...cfg });
  const blobs = new BlobStore(mkdtempSync(join(tmpdir(), 'sward-blobs-')));
  const spotChecks = new SpotChecks(blobs, store.captures, { ...defaultSpotCheckConfig, rate: 0 });
  const ingest = new Ingest(
    store,
    blobs,
    spotChecks,
    new RewardsService(store.db),
    new CollectionIngest(store.frontier, new ChunkIndex(store.db)),
  );
  return { store, blobs, spotChecks, ingest };
}
