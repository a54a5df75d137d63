import { CoreError } from '@sward/core';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { CoordinatorError } from '../errors.js';
import { safeError } from '../log-safe.js';
import { auditRoutes } from './audit-routes.js';
import { authorize } from './authorize.js';
import { bodyLimitByLength } from './body-limit.js';
import { catalogueRoutes, datasetDownloadRoutes } from './catalogue-routes.js';
import { consoleRoutes } from './console-routes.js';
import { contractCheck, contractCheckEnabled } from './contract-check.js';
import { creatorRoutes } from './creator-routes.js';
import { customerRoutes } from './customer-routes.js';
import { datasetRoutes } from './dataset-routes.js';
import type { AppDeps } from './deps.js';
import { directoryRoutes } from './directory-routes.js';
import { keyRoutes } from './key-routes.js';
import { labellingRoutes } from './labelling-routes.js';
import { logRoutes } from './log-routes.js';
import { nodeRoutes } from './node-routes.js';
import { openApiRoutes } from './openapi-routes.js';
import { operatorRoutes } from './operator-routes.js';
import { rewardsRoutes } from './rewards-routes.js';
import { scrapeRoutes } from './scrape-routes.js';
import { takedownRoutes } from './takedown-routes.js';

/** The coordinator's HTTP API. Errors become `{error: {code, message}}` here and nowhere else. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  // Tests only (SWARD_CONTRACT_CHECK=1): every request and answer is checked against the API contract.
  if (deps.contractCheck ?? contractCheckEnabled()) app.use('*', contractCheck(deps.log));
  app.use(
    '/v1/*',
    bodyLimitByLength({
      maxSize: 40 * 1024 * 1024,
      onError: (c) => c.json(errBody('BAD_REQUEST', 'request body over 40 MB'), 413),
    }),
  );
  // Every route's rule is in api/route-rules.ts; this one middleware enforces it before any handler.
  app.use('*', authorize(deps.store));
  // Any write may have made work leasable in this process (a capture's links, an origin released, a retry,
  // a lease handed back, a new job or refresh): waiting lease long-polls look again (work-signal.ts).
  app.use('*', async (c, next) => {
    await next();
    if (c.req.method !== 'GET' && !c.req.path.endsWith('/lease')) deps.scheduler.work.wake();
  });
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/metrics', async (c) => {
    const registry = await deps.metrics.registry();
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
  });
  app.route('/', directoryRoutes(deps));
  app.route('/', consoleRoutes(deps.consoleDir));
  app.route('/', openApiRoutes());
  app.route('/v1/nodes', nodeRoutes(deps));
  app.route('/v1/log', logRoutes(deps));
  app.route('/', labellingRoutes({ ...deps, payer: deps.rewards }));
  app.route('/v1/rewards', rewardsRoutes(deps));
  app.route('/v1/keys', keyRoutes(deps));
  app.route('/v1', operatorRoutes(deps));
  app.route('/v1/takedowns', takedownRoutes(deps));
  app.route('/v1/audit', auditRoutes(deps));
  const creator = creatorRoutes(deps);
  app.route('/v1/creator', creator.creator);
  app.route('/v1/terms', creator.terms);
  app.route('/v1/scrape', scrapeRoutes(deps));
  app.route('/v1/datasets', datasetRoutes(deps));
  app.route('/v1/catalogue', catalogueRoutes(deps));
  app.route('/v1/dataset-downloads', datasetDownloadRoutes(deps));
  app.route('/v1', customerRoutes(deps));
  app.notFound((c) => c.json(errBody('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => {
    if (err instanceof CoordinatorError) {
      if (err.retryAfterS !== undefined) c.header('Retry-After', String(err.retryAfterS));
      return c.json(errBody(err.code, err.message), err.httpStatus as ContentfulStatusCode);
    }
    if (err instanceof CoreError) return c.json(errBody('BAD_REQUEST', err.message), 400);
    if (err instanceof SyntaxError)
      return c.json(errBody('BAD_REQUEST', `request body is not JSON: ${err.message}`), 400);
    // No stack, no server path, no secret in the log line or the answer: the error's kind and its message.
    deps.log.error({ err: safeError(err) }, 'unhandled error');
    return c.json(errBody('STORAGE', 'internal error; see the coordinator log'), 500);
  });
  return app;
}

const errBody = (code: string, message: string) => ({ error: { code, message } });
