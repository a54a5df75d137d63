export { Creators } from './creators-service.js';
export { type DomainProofOptions, type ProofResult, proveDomain, type TxtResolver } from './domain-proof.js';
