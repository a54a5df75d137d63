// The entry point of a row's proof check alone (`@sward/core/row-proof`), for a client that should not load
// the whole of core: the console's proof explorer bundles it for the browser.
export type { RowProof } from './proof-wire.js';
export { type RowProofCheck, type RowProofStep, verifyRowProof } from './row-proof-verify.js';
