// Operator registration and node enrolment: what is signed and checked (docs/PROTOCOL.md "Operators").
// No zod here: the node daemon signs these and loads no classic zod (node-answers.ts); the request shapes
// the coordinator parses are operator-wire.ts's.
import { canonicalBytes } from './canonical-json.js';
import { type Identity, signBytes, verifyBytes } from './identity.js';
import type { Enrolment, RegisterOperatorRequest } from './operator-wire.js';

export const OPERATOR_REGISTER_PREFIX = 'sward-operator-register:v1:';
export const NODE_ENROL_PREFIX = 'sward-node-enrol:v1:';

/** What the operator signs to register: the key itself, the name, and the referral code (once, ever). */
export interface OperatorRegistration {
  operatorKey: string;
  name?: string | undefined;
  referralCode?: string | undefined;
}

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
