import { z } from 'zod';
import * as answers from './node-answers.js';

/**
 * Operators are accounts (docs/PROTOCOL.md "Operators"): an operator holds its own ed25519 key,
 * registers once with it (choosing, only then, who referred it), and enrols each node by signing the
 * node's id. The coordinator trusts no name a node sends. The request shapes the coordinator parses are
 * here; what is signed is operator-signing.ts's and the answer the node reads is node-answers.ts's.
 */

const hexKey = z.string().regex(/^[0-9a-f]{64}$/, 'must be a 64-hex ed25519 public key');
const signature = z.string().min(1).max(200);

// zod/mini (node-answers.ts): the node's config reads them too, and a node loads no classic zod
export const operatorNameSchema = answers.operatorNameSchema;
export const referralCodeSchema = answers.referralCodeSchema;

export const registerOperatorRequestSchema = z
  .object({
    operatorKey: hexKey,
    name: z.optional(operatorNameSchema),
    referralCode: z.optional(referralCodeSchema),
    /** Signature of the operator key over registrationMessage(...). */
    signature,
    /**
     * A node already bound to a legacy (name-only) operator proves it runs for that name: its key signs
     * the same message. Lets the holder of an old name claim it with a key; nobody else can.
     */
    node: z.object({ nodeId: hexKey, signature }).strict().optional(),
  })
  .strict();
export type RegisterOperatorRequest = z.infer<typeof registerOperatorRequestSchema>;

export const registerOperatorResponseSchema = z.object(answers.registerOperatorResponseSchema.shape);
export type RegisterOperatorResponse = answers.RegisterOperatorResponse;

/** In a session request: the operator's signature over the node id. */
export const enrolmentSchema = z.object({ operatorKey: hexKey, signature }).strict();
export type Enrolment = z.infer<typeof enrolmentSchema>;
