import {
  catalogueChangesQuerySchema,
  catalogueDownloadsQuerySchema,
  catalogueListQuerySchema,
  datasetFileQuerySchema,
} from '@sward/core';
import { type Context, Hono } from 'hono';
import { type KeyEnv, principal } from './authorize.js';
import type { AppDeps } from './deps.js';
import { parseQuery, readJson } from './parse-body.js';
import { streamFile } from './stream-file.js';

type Env = KeyEnv;

/**
 * The dataset catalogue (datasets/catalogue.ts): publish, list, show, deprecate, and download a whole version
 * (charged first), then its files under the download's id. Every lookup is within what the caller's tenant may
 * see; anything else answers 404 as a missing version.
 */
export function catalogueRoutes({ catalogue }: AppDeps): Hono<Env> {
  const r = new Hono<Env>();
  const caller = (c: Context<Env>) => {
    const p = principal(c);
    return { tenant: p.tenant, keyId: p.keyId };
  };
  const tenant = (c: Context<Env>) => principal(c).tenant;
  const v = (c: Context<Env>) =>
    [c.req.param('owner') ?? '', c.req.param('name') ?? '', c.req.param('version') ?? ''] as const;
  r.post('/', async (c) => c.json(await catalogue.publish(caller(c), await readJson(c)), 201));
  r.get('/', async (c) =>
    c.json({ versions: await catalogue.list(tenant(c), parseQuery(c, catalogueListQuerySchema)) }),
  );
  r.get('/:owner/:name', async (c) =>
    c.json({ versions: await catalogue.versions(tenant(c), c.req.param('owner'), c.req.param('name')) }),
  );
  r.get('/:owner/:name/:version', async (c) => c.json(await catalogue.version(tenant(c), ...v(c))));
  r.get('/:owner/:name/:version/changes', async (c) => {
    const q = parseQuery(c, catalogueChangesQuerySchema);
    return c.json({ rows: await catalogue.changes(tenant(c), ...v(c), q) });
  });
  r.post('/:owner/:name/:version/deprecate', async (c) =>
    c.json(await catalogue.deprecate(caller(c), ...v(c), await readJson(c))),
  );
  r.post('/:owner/:name/:version/downloads', async (c) =>
    c.json(await catalogue.download(caller(c), ...v(c), await readJson(c)), 201),
  );
  r.get('/:owner/:name/:version/downloads', async (c) => {
    const q = parseQuery(c, catalogueDownloadsQuerySchema);
    return c.json({ downloads: await catalogue.downloadsOf(tenant(c), ...v(c), q.limit) });
  });
  return r;
}

/**
 * The tenant's downloads and their files (beside /v1/catalogue, whose two-segment paths are owner/name: a
 * tenant may be called "downloads").
 */
export function datasetDownloadRoutes({ catalogue }: AppDeps): Hono<Env> {
  const d = new Hono<Env>();
  const tenant = (c: Context<Env>) => principal(c).tenant;
  d.get('/', async (c) => {
    const q = parseQuery(c, catalogueDownloadsQuerySchema);
    return c.json({ downloads: await catalogue.myDownloads(tenant(c), q.limit) });
  });
  d.get('/:id', async (c) => c.json(await catalogue.getDownload(tenant(c), c.req.param('id'))));
  /** One file, streamed: shards are ~256 MB. */
  d.get('/:id/file', async (c) => {
    const { path } = parseQuery(c, datasetFileQuerySchema);
    const abs = await catalogue.downloadFile(tenant(c), c.req.param('id'), path);
    return streamFile(c, abs);
  });
  return d;
}
