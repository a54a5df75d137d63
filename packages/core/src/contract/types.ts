import type { z } from 'zod';
import type { adminRoutes } from './admin.js';
import type { catalogueRoutes } from './catalogue.js';
import type { collectionRoutes } from './collections.js';
import type { datasetRoutes } from './datasets.js';
import type { jobRoutes } from './jobs.js';
import type { keyRoutes } from './keys.js';
import type { labellingRoutes } from './labelling.js';
import type { logRoutes } from './log.js';
import type { nodeRoutes } from './nodes.js';
import type { rewardsRoutes } from './rewards.js';
import type { serviceRoutes } from './service.js';

/**
 * The contract's types, for clients (the SDK): a route by method and path as the contract writes it, and
 * what it takes and answers, inferred from its zod schemas, so a client's types are the server's.
 */
export type ContractRoute =
  | (typeof adminRoutes)[number]
  | (typeof catalogueRoutes)[number]
  | (typeof collectionRoutes)[number]
  | (typeof datasetRoutes)[number]
  | (typeof jobRoutes)[number]
  | (typeof keyRoutes)[number]
  | (typeof labellingRoutes)[number]
  | (typeof logRoutes)[number]
  | (typeof nodeRoutes)[number]
  | (typeof rewardsRoutes)[number]
  | (typeof serviceRoutes)[number];

export type RouteId = `${ContractRoute['method']} ${ContractRoute['path']}`;

type RouteById<Id extends RouteId> = Extract<
  ContractRoute,
  {
    method: Id extends `${infer M} ${string}` ? M : never;
    path: Id extends `${string} ${infer P}` ? P : never;
  }
>;

type JsonOf<R> = R extends { json: infer S extends z.ZodType } ? z.output<S> : never;

/** The JSON a route answers on success (its 200 or 201), e.g. `ApiAnswer<'GET /v1/jobs/:id'>`. */
export type ApiAnswer<Id extends RouteId> = {
  [S in keyof RouteById<Id>['responses']]: JsonOf<RouteById<Id>['responses'][S]>;
}[keyof RouteById<Id>['responses']];

/** The JSON body a route takes, as a client writes it (defaults may be left out). */
export type ApiBody<Id extends RouteId> =
  RouteById<Id> extends { body: infer B extends z.ZodType } ? z.input<B> : never;
