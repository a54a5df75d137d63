import { z } from 'zod';
import {
  epochRowSchema,
  FLAG_STATUSES,
  flagSchema,
  operatorStatusSchema,
  payoutClaimSchema,
} from '../rewards-wire.js';
import { json, key, route } from './route.js';

/** The network's rewards (coordinator api/rewards-routes.ts): admin keys only. */
const tag = 'rewards';
const rule = key('rewards:admin');

export const closeEpochRequestSchema = z.object({ epoch: z.number().int().min(0).optional() });
export const reviewFlagRequestSchema = z.object({ note: z.string().max(2000).optional() });

const reviewFlag = (verdict: 'clear' | 'confirm') =>
  route({
    method: 'POST',
    path: `/v1/rewards/flags/:id/${verdict}`,
    tag,
    summary: `${verdict === 'clear' ? 'Clear' : 'Confirm'} a sybil flag`,
    rule,
    params: z.object({ id: z.string() }),
    body: reviewFlagRequestSchema,
    responses: { 200: json(flagSchema) },
  });

export const rewardsRoutes = [
  route({
    method: 'GET',
    path: '/v1/rewards/operators/:operator/status',
    tag,
    summary: "An operator's nodes, flags, pending and settled points",
    rule,
    params: z.object({ operator: z.string() }),
    responses: { 200: json(operatorStatusSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/rewards/epochs',
    tag,
    summary: 'The current epoch and the closed ones',
    rule,
    responses: { 200: json(z.object({ current: z.number().int(), closed: z.array(epochRowSchema) })) },
  }),
  route({
    method: 'GET',
    path: '/v1/rewards/epochs/:epoch',
    tag,
    summary: "A closed epoch's payout table (without proofs)",
    rule,
    params: z.object({ epoch: z.string() }),
    responses: {
      200: json(
        epochRowSchema.extend({
          payouts: z.array(z.object({ index: z.number().int(), account: z.string(), amount: z.number() })),
        }),
      ),
    },
  }),
  route({
    method: 'GET',
    path: '/v1/rewards/epochs/:epoch/claims/:account',
    tag,
    summary: "One account's payout in a closed epoch, with its Merkle proof",
    rule,
    params: z.object({ epoch: z.string(), account: z.string() }),
    responses: { 200: json(payoutClaimSchema) },
  }),
  route({
    method: 'POST',
    path: '/v1/rewards/epochs/close',
    tag,
    summary: 'Close an epoch: its payout table, root and files',
    rule,
    body: closeEpochRequestSchema,
    responses: {
      200: json(epochRowSchema.extend({ files: z.object({ json: z.string(), csv: z.string() }).nullable() })),
    },
  }),
  route({
    method: 'GET',
    path: '/v1/rewards/flags',
    tag,
    summary: 'Sybil flags, by status',
    rule,
    // empty: every status, as absent
    query: z.object({ status: z.union([z.enum(FLAG_STATUSES), z.literal('')]).optional() }),
    responses: { 200: json(z.object({ flags: z.array(flagSchema) })) },
  }),
  route({
    method: 'POST',
    path: '/v1/rewards/flags/scan',
    tag,
    summary: 'Scan for sybil clusters now',
    rule,
    responses: { 200: json(z.object({ raised: z.array(z.string()) })) },
  }),
  reviewFlag('clear'),
  reviewFlag('confirm'),
];
