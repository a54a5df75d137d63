export { CreatorPageFlow } from './creator-page-terms.js';
export { creatorStatement } from './creator-statement.js';
export { Creators } from './creators-service.js';
export { type DomainProofOptions, type ProofResult, proveDomain, type TxtResolver } from './domain-proof.js';
export {
  chargeForPages,
  OPERATOR_SHARE_OF_REST_PPM,
  type PageChargeLedger,
  type PageChargeRequest,
  type PageUnderTerms,
  splitPagePrice,
} from './page-charges.js';
