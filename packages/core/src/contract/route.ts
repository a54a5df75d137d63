import type { z } from 'zod';
import type { Scope } from '../keys-wire.js';

/**
 * Who may call a route (enforced by the coordinator's api/authorize.ts before any handler runs):
 * - public: anyone;
 * - node: a node session token (POST /v1/nodes/session);
 * - labeller: a labeller session (cookie `sward_labeller` or its token as a Bearer);
 * - key: an API key holding `scope` (an admin key holds every scope).
 */
export type RouteAuth =
  | { auth: 'public' }
  | { auth: 'node' }
  | { auth: 'labeller' }
  | { auth: 'key'; scope: Scope }
  /** Any valid API key, whatever its scopes (a key reading its own identity). */
  | { auth: 'anyKey' };

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A body that is not JSON: its media type, and a schema when its bytes are still JSON-shaped lines. */
export interface RawContent {
  contentType: string;
  description: string;
  /** Binary bodies (application/octet-stream, Parquet): described by their media type alone. */
  binary?: boolean;
}

/** One answer of a route: a JSON body's schema, or a non-JSON body's media type. */
export type RouteResponse = { description: string; json: z.ZodType } | RawContent;

/**
 * One route of the HTTP API: the coordinator registers a handler for it, the OpenAPI document describes
 * it, the SDK types its calls from it and the tests' contract check validates requests and answers
 * against it. `path` is written as hono writes it (`/v1/jobs/:id`).
 */
export interface ApiRoute {
  method: HttpMethod;
  path: string;
  summary: string;
  tag: string;
  rule: RouteAuth;
  /** Path parameters, by name (strings in the URL). */
  params?: z.ZodObject;
  /** The query string (values arrive as strings: numbers are coerced). */
  query?: z.ZodType;
  /** The request body: JSON by its schema, or another media type. */
  body?: z.ZodType | RawContent;
  /** Answers by HTTP status; every route may also answer the error body (see errors.ts). */
  responses: Readonly<Record<number, RouteResponse>>;
}

/** Typed identity: keeps each entry's literal schema types for z.infer in the SDK. */
export const route = <const R extends ApiRoute>(r: R): R => r;

export const json = <S extends z.ZodType>(json: S, description = 'OK'): { description: string; json: S } => ({
  description,
  json,
});

export const PUBLIC: RouteAuth = { auth: 'public' };
export const NODE: RouteAuth = { auth: 'node' };
export const LABELLER: RouteAuth = { auth: 'labeller' };
export const key = (scope: Scope): RouteAuth => ({ auth: 'key', scope });
export const ANY_KEY: RouteAuth = { auth: 'anyKey' };

/** `METHOD /path` as hono's app.routes names a route: the key of every route table. */
export const routeKey = (r: Pick<ApiRoute, 'method' | 'path'>): string => `${r.method} ${r.path}`;

export const isJsonResponse = (r: RouteResponse | undefined): r is { description: string; json: z.ZodType } =>
  r !== undefined && 'json' in r;
