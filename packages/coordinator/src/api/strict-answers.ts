/**
 * Routes whose answers the contract check refuses when they carry a field the contract does not declare
 * (contract-check.ts): an undeclared field is data a client was never promised, and may be data it should
 * never see. Every route is meant to be here; a route joins once the tests that call it were run with
 * SWARD_CONTRACT_ANSWERS_LOG and it answered only what it declares (docs/openapi.json says which remain).
 */
export const STRICT_ANSWERS: ReadonlySet<string> = new Set<string>([]);
