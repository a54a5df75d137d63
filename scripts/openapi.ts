// Writes docs/openapi.json: the API contract (packages/core/src/contract/) as OpenAPI 3.1, as the
// coordinator serves it at /openapi.json. test/openapi-contract.test.ts compares the two byte for byte
// (biome.json leaves the file as written), so a change to the API is a visible diff in review.
// Run: npm run -s openapi
import { writeFileSync } from 'node:fs';
import { API_ROUTES, openApiDocument } from '@sward/core';
import { API_VERSION } from '../packages/coordinator/src/api/openapi-routes.js';

export const OPENAPI_SNAPSHOT = new URL('../docs/openapi.json', import.meta.url);
export const openApiText = (): string =>
  `${JSON.stringify(openApiDocument(API_ROUTES, API_VERSION), null, 2)}\n`;

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() as string)) {
  writeFileSync(OPENAPI_SNAPSHOT, openApiText());
  console.log(`wrote ${OPENAPI_SNAPSHOT.pathname}`);
}
