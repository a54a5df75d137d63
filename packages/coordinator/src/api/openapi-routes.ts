import { API_ROUTES, openApiDocument } from '@sward/core';
import { Hono } from 'hono';
import { docsPage } from './docs-page.js';

/** The package's version, named in the document's info. */
export const API_VERSION = '0.1.0';

/**
 * GET /openapi.json: the API contract as OpenAPI 3.1; GET /docs: a reference page made from it. Both are
 * built once, on first use (the document is ~100 KB of JSON Schema from zod).
 */
export function openApiRoutes(): Hono {
  const r = new Hono();
  let doc: Record<string, unknown> | undefined;
  let page: string | undefined;
  const spec = () => {
    doc ??= openApiDocument(API_ROUTES, API_VERSION);
    return doc;
  };
  r.get('/openapi.json', (c) => c.json(spec()));
  r.get('/docs', (c) => {
    page ??= docsPage(spec());
    return c.html(page);
  });
  return r;
}
