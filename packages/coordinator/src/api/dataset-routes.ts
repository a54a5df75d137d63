import {
  datasetFileQuerySchema,
  datasetListQuerySchema,
  datasetReportQuerySchema,
  REPORT_PAGE_CSP,
  reportPage,
} from '@sward/core';
import { type Context, Hono } from 'hono';
import { type KeyEnv, principal } from './authorize.js';
import type { AppDeps } from './deps.js';
import { parseQuery, readJson } from './parse-body.js';
import { streamFile } from './stream-file.js';

type Env = KeyEnv;

/**
 * Dataset builds (datasets/): start one from finished jobs, follow it, list its signed files and download
 * each. Every build is looked up within the caller's tenant; another tenant's answers as a missing one.
 */
export function datasetRoutes({ datasets }: AppDeps): Hono<Env> {
  const r = new Hono<Env>();
  const tenant = (c: Context<Env>) => principal(c).tenant;
  r.post('/', async (c) => c.json(await datasets.create(tenant(c), await readJson(c)), 201));
  r.get('/', async (c) => {
    const q = parseQuery(c, datasetListQuerySchema);
    return c.json({ builds: await datasets.list(tenant(c), q.limit) });
  });
  r.get('/:id', async (c) => c.json(await datasets.get(tenant(c), c.req.param('id'))));
  r.get('/:id/files', async (c) => c.json(await datasets.files(tenant(c), c.req.param('id'))));
  r.get('/:id/report', async (c) => {
    const q = parseQuery(c, datasetReportQuerySchema);
    return c.json(await datasets.report(tenant(c), c.req.param('id'), q.reference));
  });
  /** The same report as a page: no script, and a policy that would refuse one if any got in. */
  r.get('/:id/report.html', async (c) => {
    const q = parseQuery(c, datasetReportQuerySchema);
    const page = reportPage(await datasets.report(tenant(c), c.req.param('id'), q.reference));
    return c.html(page, 200, { 'content-security-policy': REPORT_PAGE_CSP });
  });
  /** One file, streamed: shards are ~256 MB. `path` as the file list names it. */
  r.get('/:id/file', async (c) => {
    const { path } = parseQuery(c, datasetFileQuerySchema);
    const abs = await datasets.filePath(tenant(c), c.req.param('id'), path);
    return streamFile(c, abs);
  });
  return r;
}
