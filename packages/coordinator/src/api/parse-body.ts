import type { Context } from 'hono';
import type { z } from 'zod';
import { CoordinatorError } from '../errors.js';

/** Deeper than any request of the API nests (a capture's headers are 3 levels down). */
export const MAX_JSON_DEPTH = 32;

/**
 * The JSON body, refused when any string in it holds a NUL: no field of the API needs one, and
 * PostgreSQL cannot store one in TEXT (the request would fail late, as a storage error). Refused too
 * when nested deeper than MAX_JSON_DEPTH: a body of 100,000 nested arrays is 200 KB, and walking it
 * recursively (here or in a schema) would overflow the stack into a 500.
 */
export async function readJson(c: Context): Promise<unknown> {
  const raw: unknown = await c.req.json();
  const where = jsonProblem(raw);
  if (where) throw new CoordinatorError('BAD_REQUEST', where);
  return raw;
}

/**
 * The first problem of parsed JSON `root` (a NUL in a string or key, or nesting past MAX_JSON_DEPTH),
 * named by its path from `name`; walked without recursion.
 */
export function jsonProblem(root: unknown, name = 'body'): string | null {
  const stack: [unknown, string, number][] = [[root, name, 0]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [v, path, depth] = top;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return `${path}: NUL character not allowed`;
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return `${path}: nested deeper than ${MAX_JSON_DEPTH} levels`;
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    // pushed in reverse, so the first bad field in document order is the one named
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, x] = entries[i] as readonly [string, unknown];
      if (k.includes('\u0000')) return `${path}.(key): NUL character not allowed`;
      stack.push([x, `${path}.${k}`, depth + 1]);
    }
  }
  return null;
}

/** Parses a JSON body with a zod schema; the error names the first bad field. */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const raw = await readJson(c);
  const r = schema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new CoordinatorError('BAD_REQUEST', `${i?.path.join('.') || 'body'}: ${i?.message}`);
  }
  return r.data;
}

export function bearer(c: Context): string | null {
  const h = c.req.header('authorization');
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1] ?? null;
}

/**
 * Parses the query string with a zod object schema (values arrive as strings: use z.coerce for numbers).
 * A parameter the route does not know is refused too, so a typo is an error, not a silent default.
 */
export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const r = schema.safeParse(c.req.query());
  if (!r.success) {
    const i = r.error.issues[0];
    const where = i?.path.join('.') || (i?.code === 'unrecognized_keys' ? i.keys.join(', ') : 'query');
    throw new CoordinatorError('BAD_REQUEST', `query ${where}: ${i?.message}`);
  }
  return r.data;
}
