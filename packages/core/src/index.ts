export * from './address-class.js';
export * from './anchor-chain.js';
export * from './anchor-verify.js';
export * from './bundle/index.js';
export * from './canonical-json.js';
export * from './capture.js';
export * from './capture-batch.js';
export * from './collections-wire.js';
export * from './compliance-wire.js';
export * from './crawl-wire.js';
export * from './errors.js';
export * from './fetch-failure.js';
export * from './hash.js';
export * from './identity.js';
export * from './keys-wire.js';
export * from './merkle/index.js';
export * from './noai-header.js';
export * from './operator-wire.js';
export * from './policy/index.js';
export * from './redirect-chain.js';
export * from './spot-check-selection.js';
export * from './takedown.js';
export * from './url-normalize.js';
export * from './web-bot-auth.js';
export * from './web-url.js';
export * from './webhook-signature.js';
// The publisher-signal parsers (AIPREF, Content Signals, RSL) are the subpath `@sward/core/usage-policy`:
// their XML, HTML and structured-field parsers add ~12 MiB and ~200 ms to every import of this entry.
