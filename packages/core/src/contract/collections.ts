import { z } from 'zod';
import {
  collectionChargesSchema,
  collectionInfoSchema,
  collectionPricingRequestSchema,
  collectionRequestSchema,
  collectionSearchAnswerSchema,
  collectionSearchRequestSchema,
} from '../collections-wire.js';
import { json, key, route } from './route.js';

/** Live collections (coordinator api/customer-routes.ts): scope collections. */
const tag = 'collections';
const rule = key('collections');
const params = z.object({ id: z.string() });

const action = (verb: 'pause' | 'resume' | 'refresh', summary: string) =>
  route({
    method: 'POST',
    path: `/v1/collections/:id/${verb}`,
    tag,
    summary,
    rule,
    params,
    responses: { 200: json(collectionInfoSchema) },
  });

export const collectionRoutes = [
  route({
    method: 'POST',
    path: '/v1/collections',
    tag,
    summary: 'Create a live collection (the webhook secret is shown this once)',
    rule,
    body: collectionRequestSchema,
    responses: { 201: json(collectionInfoSchema, 'The new collection') },
  }),
  route({
    method: 'GET',
    path: '/v1/collections',
    tag,
    summary: "The tenant's collections",
    rule,
    responses: { 200: json(z.object({ collections: z.array(collectionInfoSchema) })) },
  }),
  route({
    method: 'GET',
    path: '/v1/collections/:id',
    tag,
    summary: 'A collection with its freshness',
    rule,
    params,
    responses: { 200: json(collectionInfoSchema) },
  }),
  action('pause', 'Pause refreshing'),
  action('resume', 'Resume refreshing'),
  action('refresh', 'Refresh now'),
  route({
    method: 'POST',
    path: '/v1/collections/:id/pricing',
    tag,
    summary: 'Set what the collection may pay: the most a page may cost and a running-total budget (USD)',
    rule,
    params,
    body: collectionPricingRequestSchema,
    responses: { 200: json(collectionInfoSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/collections/:id/charges',
    tag,
    summary: "What the collection's refreshes paid for pages under creators' terms, newest first",
    rule,
    params,
    responses: { 200: json(collectionChargesSchema) },
  }),
  route({
    method: 'POST',
    path: '/v1/collections/:id/search',
    tag,
    summary: 'Search a collection (keyword, or hybrid with embeddings)',
    rule,
    params,
    body: collectionSearchRequestSchema,
    responses: { 200: json(collectionSearchAnswerSchema) },
  }),
  route({
    method: 'DELETE',
    path: '/v1/collections/:id',
    tag,
    summary: 'Delete a collection and its index',
    rule,
    params,
    responses: { 200: json(z.object({ deleted: z.literal(true) })) },
  }),
];
