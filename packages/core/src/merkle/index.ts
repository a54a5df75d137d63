export * from './append-plan.js';
export * from './checkpoint.js';
export * from './distributor.js';
export * from './hashing.js';
export { type LeafRange, type NodeKey, nodeKeyId, perfectSubtrees, type StoredNode } from './node-key.js';
export * from './node-store.js';
export * from './note-keys.js';
export * from './proof-keys.js';
export * from './proof-reader.js';
export * from './signed-note.js';
export * from './verify-consistency.js';
export {
  InclusionVerifier,
  inclusionProofLength,
  rootFromInclusionProof,
  verifyInclusion,
} from './verify-inclusion.js';
