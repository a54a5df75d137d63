import { API_ROUTES, type RouteAuth, routeKey } from '@sward/core';

/**
 * Who may call what: derived from the API contract (core's contract/, one entry per route with its rule),
 * keyed by hono's own method and path (as in `app.routes`). api/authorize.ts enforces it before any
 * handler runs, and a route the contract does not name answers 404, so a route added without an entry
 * is closed, not open (route-rules.test.ts also fails on it).
 *
 * - public: anyone (the provenance log, health, the labeller page, node login, labeller sign-up, the
 *   takedown list, this API's own description);
 * - node: a node session token (checked by node-routes.ts / rewards-routes.ts, which need the node id);
 * - labeller: a labeller session (cookie or Bearer, checked in labelling-routes.ts);
 * - key: an API key holding `scope`. Customer objects are then looked up within the key's tenant, so
 *   another tenant's object answers 404 exactly like one that does not exist;
 * - anyKey: any valid API key, whatever its scopes (only GET /v1/keys/me: a key reading its own scopes).
 */
export type RouteRule = RouteAuth;

export const ROUTE_RULES: Readonly<Record<string, RouteRule>> = Object.fromEntries(
  API_ROUTES.map((r) => [routeKey(r), r.rule]),
);
