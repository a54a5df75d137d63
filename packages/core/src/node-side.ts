// The part of core a node daemon uses: capture signing, identities and operator enrolment, address classes
// for the SSRF guard, fetch-failure codes. A node imports this entry instead of core's index, which also
// loads every wire schema, the bundle verifier, the Merkle code and the policy parsers: memory a volunteer's
// idle node would carry for nothing (issue #11's 80 MB budget).
export * from './address-class.js';
export * from './canonical-json.js';
export * from './capture.js';
export * from './capture-batch.js';
export * from './errors.js';
export * from './fetch-failure.js';
export * from './hash.js';
export * from './identity.js';
// The protocol's answers in zod/mini and the signing of registrations: not node-protocol-wire.ts and
// operator-wire.ts, whose request schemas (classic zod) only the coordinator parses.
export * from './node-answers.js';
export * from './operator-signing.js';
export type { Enrolment, RegisterOperatorRequest } from './operator-wire.js';
export * from './pay-per-crawl.js';
export * from './web-bot-auth.js';
