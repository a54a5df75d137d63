/**
 * The HTTP API's one contract: every route the coordinator registers, with its auth rule, its request
 * and its answers as zod schemas. The coordinator derives its auth table from it (api/route-rules.ts),
 * serves it as OpenAPI 3.1 (GET /openapi.json, GET /docs) and, under SWARD_CONTRACT_CHECK=1 (the test
 * runner sets it), validates every request and answer against it; the SDK types its calls from it.
 *
 * To add a route: add a `route({...})` entry to the area's file here (one file per area: method, path as
 * hono writes it, tag, summary, rule, params/query/body, responses by status, reusing the area's wire
 * schemas), register the handler in the coordinator, then `npm run -s openapi` to update docs/openapi.json.
 * A new area: a new file whose array is spread into API_ROUTES below. route-rules.test.ts fails on a
 * handler without an entry or an entry without a handler.
 */

import { adminRoutes } from './admin.js';
import { catalogueRoutes } from './catalogue.js';
import { collectionRoutes } from './collections.js';
import { datasetRoutes } from './datasets.js';
import { jobRoutes } from './jobs.js';
import { keyRoutes } from './keys.js';
import { labellingRoutes } from './labelling.js';
import { logRoutes } from './log.js';
import { nodeRoutes } from './nodes.js';
import { rewardsRoutes } from './rewards.js';
import type { ApiRoute } from './route.js';
import { serviceRoutes } from './service.js';

export const API_ROUTES: readonly ApiRoute[] = [
  ...serviceRoutes,
  ...logRoutes,
  ...nodeRoutes,
  ...jobRoutes,
  ...collectionRoutes,
  ...datasetRoutes,
  ...catalogueRoutes,
  ...keyRoutes,
  ...labellingRoutes,
  ...rewardsRoutes,
  ...adminRoutes,
];

export { type AuditEntry, auditEntrySchema, auditQuerySchema, takedownListQuerySchema } from './admin.js';
export { datasetFileQuerySchema, datasetListQuerySchema } from './datasets.js';
export { API_ERROR_CODES, type ApiErrorBody, type ApiErrorCode, apiErrorSchema } from './errors.js';
export {
  documentsQuerySchema,
  jobsListQuerySchema,
  manifestQuerySchema,
  PAGE_CURSOR,
  pagesQuerySchema,
  proofQuerySchema,
  skippedQuerySchema,
} from './jobs.js';
export { keysListQuerySchema } from './keys.js';
export { inclusionProofsRequestSchema } from './log.js';
export { openApiDocument } from './openapi.js';
export { closeEpochRequestSchema, reviewFlagRequestSchema } from './rewards.js';
export {
  type ApiRoute,
  type HttpMethod,
  isJsonResponse,
  type RawContent,
  type RouteAuth,
  type RouteResponse,
  routeKey,
} from './route.js';
export type { ApiAnswer, ApiBody, ContractRoute, RouteId } from './types.js';
export {
  adminRoutes,
  catalogueRoutes,
  collectionRoutes,
  jobRoutes,
  keyRoutes,
  labellingRoutes,
  logRoutes,
  nodeRoutes,
  rewardsRoutes,
  serviceRoutes,
};
