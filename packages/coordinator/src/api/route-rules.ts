import type { Scope } from '@sward/core';

/**
 * Who may call what: ONE table for every route the app registers, keyed by hono's own method and path
 * (as in `app.routes`). api/authorize.ts enforces it before any handler runs, and a route the table does
 * not name answers 404, so a route added without a rule is closed, not open (route-rules.test.ts also
 * fails on it).
 *
 * - public: anyone (the provenance log, health, the labeller page, node login, labeller sign-up, the
 *   takedown list);
 * - node: a node session token (checked by node-routes.ts / rewards-routes.ts, which need the node id);
 * - labeller: a labeller session (cookie or Bearer, checked in labelling-routes.ts);
 * - key: an API key holding `scope`. Customer objects are then looked up within the key's tenant, so
 *   another tenant's object answers 404 exactly like one that does not exist.
 */
export type RouteRule =
  | { auth: 'public' }
  | { auth: 'node' }
  | { auth: 'labeller' }
  | { auth: 'key'; scope: Scope };

const pub: RouteRule = { auth: 'public' };
const node: RouteRule = { auth: 'node' };
const labeller: RouteRule = { auth: 'labeller' };
const key = (scope: Scope): RouteRule => ({ auth: 'key', scope });

export const ROUTE_RULES: Readonly<Record<string, RouteRule>> = {
  'GET /healthz': pub,
  // Prometheus (metrics.ts): network-wide figures, for a key made for the scraper
  'GET /metrics': key('metrics:read'),
  // provenance log: anyone may audit it (log-routes.ts)
  'GET /v1/log/checkpoint': pub,
  'GET /v1/log/checkpoints': pub,
  'GET /v1/log/key': pub,
  'GET /v1/log/anchor-chain': pub,
  'GET /v1/log/proof/inclusion': pub,
  'POST /v1/log/proofs/inclusion': pub,
  'GET /v1/log/proof/consistency': pub,
  'GET /v1/log/leaves/:index': pub,
  'GET /v1/log/spot-check/epochs': pub,
  'GET /v1/log/spot-check/draws/:captureId': pub,
  // nodes (node-routes.ts): login is public, the rest needs the session it gives
  'POST /v1/nodes/challenge': pub,
  'POST /v1/nodes/session': pub,
  'POST /v1/nodes/lease': node,
  'POST /v1/nodes/captures': node,
  'POST /v1/nodes/capture-batch': node,
  'POST /v1/nodes/failures': node,
  'POST /v1/nodes/heartbeat': node,
  'POST /v1/nodes/signing-key': node,
  // Web Bot Auth: the network's key directory, for any site checking a SwardBot request.
  'GET /.well-known/http-message-signatures-directory': pub,
  'POST /v1/nodes/hand-back': node,
  'POST /v1/nodes/logout': node,
  'GET /v1/rewards/node/status': node,
  // operators (operator-routes.ts): registration is signed by the operator's own key; revocation is admin
  'POST /v1/operators': pub,
  'POST /v1/admin/nodes/:nodeId/revoke': key('operators:admin'),
  'POST /v1/admin/operators/:operator/revoke': key('operators:admin'),
  // crawl jobs and their output (customer-routes.ts)
  // dataset builds from finished jobs (dataset-routes.ts)
  'POST /v1/datasets': key('crawl'),
  'GET /v1/datasets': key('crawl'),
  'GET /v1/datasets/:id': key('crawl'),
  'GET /v1/datasets/:id/files': key('crawl'),
  'GET /v1/datasets/:id/file': key('crawl'),
  'POST /v1/jobs': key('crawl'),
  'GET /v1/jobs': key('crawl'),
  'GET /v1/jobs/:id': key('crawl'),
  'POST /v1/jobs/:id/seal': key('crawl'),
  'GET /v1/jobs/:id/pages': key('crawl'),
  'GET /v1/jobs/:id/compliance': key('crawl'),
  'GET /v1/jobs/:id/documents': key('crawl'),
  'GET /v1/jobs/:id/skipped': key('crawl'),
  'GET /v1/jobs/:id/manifest': key('crawl'),
  'GET /v1/blobs/:sha': key('crawl'),
  'GET /v1/proofs': key('crawl'),
  'GET /v1/captures/:id': key('crawl'),
  // one URL answered synchronously through a node: a one-page job (scrape-routes.ts)
  'POST /v1/scrape': key('crawl'),
  // live collections and their webhooks (customer-routes.ts)
  'POST /v1/collections': key('collections'),
  'GET /v1/collections': key('collections'),
  'GET /v1/collections/:id': key('collections'),
  'POST /v1/collections/:id/pause': key('collections'),
  'POST /v1/collections/:id/resume': key('collections'),
  'POST /v1/collections/:id/refresh': key('collections'),
  'POST /v1/collections/:id/search': key('collections'),
  'DELETE /v1/collections/:id': key('collections'),
  // API keys (key-routes.ts): a tenant's own; an admin key manages every tenant's
  'POST /v1/keys': key('keys:admin'),
  'GET /v1/keys': key('keys:admin'),
  'POST /v1/keys/:id/revoke': key('keys:admin'),
  'POST /v1/keys/:id/rotate': key('keys:admin'),
  // labelling marketplace (labelling-routes.ts): the page, the project owner, the labellers
  'GET /label': pub,
  'GET /label/app.js': pub,
  'POST /v1/labelling/projects': key('labelling:owner'),
  'GET /v1/labelling/projects': key('labelling:owner'),
  'GET /v1/labelling/projects/:id': key('labelling:owner'),
  'POST /v1/labelling/projects/:id/settle': key('labelling:owner'),
  'POST /v1/labelling/projects/:id/flags/:labeller': key('labelling:owner'),
  'GET /v1/labelling/projects/:id/export': key('labelling:owner'),
  'GET /v1/labelling/projects/:id/export/:file': key('labelling:owner'),
  'POST /v1/labelling/labellers': pub,
  'GET /v1/labelling/me': labeller,
  'GET /v1/labelling/work/projects': labeller,
  'GET /v1/labelling/work/projects/:id/qualification': labeller,
  'POST /v1/labelling/work/projects/:id/qualification': labeller,
  'GET /v1/labelling/work/projects/:id/next': labeller,
  'POST /v1/labelling/work/projects/:id/tasks/:task': labeller,
  // the network's rewards (rewards-routes.ts): admin keys only
  'GET /v1/rewards/operators/:operator/status': key('rewards:admin'),
  'GET /v1/rewards/epochs': key('rewards:admin'),
  'GET /v1/rewards/epochs/:epoch': key('rewards:admin'),
  'GET /v1/rewards/epochs/:epoch/claims/:account': key('rewards:admin'),
  'POST /v1/rewards/epochs/close': key('rewards:admin'),
  'GET /v1/rewards/flags': key('rewards:admin'),
  'POST /v1/rewards/flags/scan': key('rewards:admin'),
  'POST /v1/rewards/flags/:id/clear': key('rewards:admin'),
  'POST /v1/rewards/flags/:id/confirm': key('rewards:admin'),
  // takedowns (takedown-routes.ts): filed by admins, listed for everyone; the audit log (audit-routes.ts)
  'POST /v1/takedowns': key('network:admin'),
  'GET /v1/takedowns': pub,
  'GET /v1/audit': key('network:admin'),
  // creators (creator-routes.ts): claim a domain, prove control, set terms; the terms are public
  'POST /v1/creator/claims': key('creator'),
  'GET /v1/creator/claims': key('creator'),
  'POST /v1/creator/claims/:domain/verify': key('creator'),
  'PUT /v1/creator/claims/:domain/terms': key('creator'),
  'GET /v1/terms/:domain': pub,
};
