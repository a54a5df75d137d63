import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type Context, Hono } from 'hono';
import { CoordinatorError } from '../errors.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

interface StaticFile {
  type: string;
  raw: Uint8Array;
  gzip: Uint8Array;
}

/**
 * Where packages/web's build (`npm run build`) put the console. Found through the package's own export so
 * an installed tree finds it as the workspace does; the coordinator imports no console code, it only serves
 * the files. Null when the console was not built.
 */
export function defaultConsoleDir(): string | null {
  try {
    const dir = join(fileURLToPath(import.meta.resolve('@sward/web/console/index.html')), '..');
    return existsSync(join(dir, 'index.html')) ? dir : null;
  } catch {
    return null;
  }
}

/**
 * The console at /console/: its few built files, read and gzipped once when the routes are made (a flat
 * folder, served by name from that list, so no path ever reaches the file system). Public: the pages hold
 * no data; every figure they show comes from the API with the visitor's key or session.
 */
export function consoleRoutes(dir: string | null = defaultConsoleDir()): Hono {
  const files = new Map<string, StaticFile>();
  for (const name of dir && existsSync(dir) ? readdirSync(dir) : []) {
    const type = TYPES[extname(name)];
    if (!type || name === 'meta.json') continue;
    const raw = readFileSync(join(dir as string, name));
    files.set(name, { type, raw, gzip: gzipSync(raw, { level: 9 }) });
  }
  const send = (c: Context, name: string) => {
    const f = files.get(name);
    if (!f)
      throw new CoordinatorError(
        'NOT_FOUND',
        files.size ? `no console file ${name}` : 'the console is not built here (npm run build)',
      );
    c.header('content-type', f.type);
    c.header('vary', 'accept-encoding');
    // The page names its script without a hash: revalidated each time, never stale after an upgrade.
    c.header('cache-control', 'no-cache');
    c.header('x-content-type-options', 'nosniff');
    if (f.type.startsWith('text/html')) c.header('content-security-policy', CSP);
    const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    if (gzip) c.header('content-encoding', 'gzip');
    return c.body(new Uint8Array(gzip ? f.gzip : f.raw));
  };
  const r = new Hono();
  // a body, so the answer has the text/plain type the contract declares (a bare redirect has none)
  r.get('/console', (c) => c.text('Moved to /console/', 301, { location: '/console/' }));
  r.get('/console/', (c) => send(c, 'index.html'));
  r.get('/console/:file', (c) => send(c, c.req.param('file')));
  return r;
}

/** Only the console's own files and API: no inline script, no other origin. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";
