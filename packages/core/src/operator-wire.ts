import { z } from 'zod';
import { canonicalBytes } from './canonical-json.js';
import { type Identity, signBytes, verifyBytes } from './identity.js';

/**
 * Operators are accounts (docs/PROTOCOL.md "Operators"): an operator holds its own ed25519 key,
 * registers once with it (choosing, only then, who referred it), and enrols each node by signing the
 * node's id. The coordinator trusts no name a node sends; shapes here are shared by node and coordinator.
 */
export const OPERATOR_REGISTER_PREFIX = 'sward-operator-register:v1:';
export const NODE_ENROL_PREFIX = 'sward-node-enrol:v1:';

const hexKey = z.string().regex(/^[0-9a-f]{64}$/, 'must be a 64-hex ed25519 public key');
const signature = z.string().min(1).max(200);

export const operatorNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'name must be 1-64 letters, digits, dots, dashes or underscores',
  );

export const referralCodeSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,100}$/, 'referral code must be 1-100 letters, digits, dashes or underscores');

/** What the operator signs to register: the key itself, the name, and the referral code (once, ever). */
export interface OperatorRegistration {
  operatorKey: string;
  name?: string | undefined;
  referralCode?: string | undefined;
}

export const registerOperatorRequestSchema = z
  .object({
    operatorKey: hexKey,
    name: operatorNameSchema.optional(),
    referralCode: referralCodeSchema.optional(),
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

export const registerOperatorResponseSchema = z.object({
  operator: z.string(),
  name: z.string().nullable(),
  referralCode: z.string(),
  referredBy: z.string().nullable(),
  created: z.boolean(),
});
export type RegisterOperatorResponse = z.infer<typeof registerOperatorResponseSchema>;

/** In a session request: the operator's signature over the node id. */
export const enrolmentSchema = z.object({ operatorKey: hexKey, signature }).strict();
export type Enrolment = z.infer<typeof enrolmentSchema>;

export function registrationMessage(r: OperatorRegistration): Buffer {
  const body = canonicalBytes({
    operatorKey: r.operatorKey,
    ...(r.name !== undefined ? { name: r.name } : {}),
    ...(r.referralCode !== undefined ? { referralCode: r.referralCode } : {}),
  });
  return Buffer.concat([Buffer.from(OPERATOR_REGISTER_PREFIX, 'utf8'), body]);
}

export const enrolmentMessage = (nodeId: string): Buffer => Buffer.from(NODE_ENROL_PREFIX + nodeId, 'utf8');

/** The registration request an operator key (and, to claim a legacy name, a node key) signs. */
export function signRegistration(
  operator: Identity,
  r: Omit<OperatorRegistration, 'operatorKey'>,
  node?: Identity,
): RegisterOperatorRequest {
  const reg: OperatorRegistration = { operatorKey: operator.id, name: r.name, referralCode: r.referralCode };
  const msg = registrationMessage(reg);
  return {
    operatorKey: operator.id,
    ...(r.name !== undefined ? { name: r.name } : {}),
    ...(r.referralCode !== undefined ? { referralCode: r.referralCode } : {}),
    signature: signBytes(operator, msg),
    ...(node ? { node: { nodeId: node.id, signature: signBytes(node, msg) } } : {}),
  };
}

export const signEnrolment = (operator: Identity, nodeId: string): Enrolment => ({
  operatorKey: operator.id,
  signature: signBytes(operator, enrolmentMessage(nodeId)),
});

export const verifyEnrolment = (e: Enrolment, nodeId: string): boolean =>
  safeVerify(e.operatorKey, enrolmentMessage(nodeId), e.signature);

/** A 64-hex string that is not a curve point makes the key import throw: that is a bad signature too. */
function safeVerify(key: string, msg: Buffer, sig: string): boolean {
  try {
    return verifyBytes(key, msg, sig);
  } catch {
    return false;
  }
}

export function verifyRegistration(r: RegisterOperatorRequest): { operator: boolean; node: boolean } {
  const msg = registrationMessage(r);
  return {
    operator: safeVerify(r.operatorKey, msg, r.signature),
    node: r.node ? safeVerify(r.node.nodeId, msg, r.node.signature) : false,
  };
}
