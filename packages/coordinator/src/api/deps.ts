import type { Logger } from 'pino';
import type { BlobStore } from '../blob/blob-store.js';
import type { Ingest } from '../ingest/ingest.js';
import type { Store } from '../store/store.js';

export interface AppDeps {
  store: Store;
  blobs: BlobStore;
  ingest: Ingest;
  log: Logger;
}
