import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { type Logger, pino } from 'pino';
import { createApp } from './api/app.js';
import { BlobStore } from './blob/blob-store.js';
import { Ingest } from './ingest/ingest.js';
import { openStore, type Store } from './store/store.js';
import type { SchedulerConfig } from './store/types.js';

export interface CoordinatorOptions {
  /** SQLite file path or postgres:// URL. */
  db: string;
  /** Folder for raw bodies (content-addressed). */
  dataDir: string;
  port?: number;
  host?: string;
  scheduler?: Partial<SchedulerConfig>;
  log?: Logger;
}

export interface RunningCoordinator {
  url: string;
  store: Store;
  /** Set when this start created the first API key (shown once; only its hash is stored). */
  firstApiKey: string | null;
  close(): Promise<void>;
}

export async function startCoordinator(opts: CoordinatorOptions): Promise<RunningCoordinator> {
  const log = opts.log ?? pino({ level: process.env.SWARD_LOG_LEVEL ?? 'info' });
  mkdirSync(opts.dataDir, { recursive: true });
  const store = await openStore(opts.db, opts.scheduler);
  const blobs = new BlobStore(join(opts.dataDir, 'blobs'));
  const ingest = new Ingest(store, blobs);
  let firstApiKey: string | null = null;
  if ((await store.auth.apiKeyCount()) === 0) firstApiKey = (await store.auth.createApiKey('admin')).key;
  const app = createApp({ store, blobs, ingest, log });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: opts.host ?? '127.0.0.1' }, () =>
      resolve(s),
    );
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  log.debug({ url }, 'coordinator listening');
  return {
    url,
    store,
    firstApiKey,
    async close() {
      await new Promise<void>((res) => {
        server.close(() => res());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await store.close();
    },
  };
}
