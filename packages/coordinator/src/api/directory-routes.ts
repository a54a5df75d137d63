import { DIRECTORY_PATH } from '@sward/core';
import { Hono } from 'hono';
import type { AppDeps } from './deps.js';

/** The network's Web Bot Auth key directory (JWKS), signed with every key it lists. */
export function directoryRoutes(deps: Pick<AppDeps, 'botKeys'>): Hono {
  const r = new Hono();
  r.get(DIRECTORY_PATH, async (c) => {
    // `@authority;req` of the directory's signatures: the authority the site asked for.
    const authority = new URL(c.req.url).host;
    const dir = await deps.botKeys.directory(authority);
    return c.body(dir.body, 200, dir.headers);
  });
  return r;
}
