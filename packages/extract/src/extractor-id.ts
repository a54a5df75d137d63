/**
 * The extractor's name and version, written beside every document it makes (documents.jsonl). The same
 * version gives the same document from the same body and URL, so `sward verify --rederive` can rebuild
 * it; change extraction output and bump this version (extractor-id.test.ts holds it to package.json).
 */
export const EXTRACTOR = { name: '@sward/extract', version: '0.14.1' } as const;
