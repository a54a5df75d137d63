import type { Context } from 'hono';
import type { z } from 'zod';
import { CoordinatorError } from '../errors.js';

/**
 * The JSON body, refused when any string in it holds a NUL: no field of the API needs one, and
 * PostgreSQL cannot store one in TEXT (the request would fail late, as a storage error).
 */
export async function readJson(c: Context): Promise<unknown> {
  const raw: unknown = await c.req.json();
  const where = nulAt(raw, 'body');
  if (where) throw new CoordinatorError('BAD_REQUEST', `${where}: NUL character not allowed`);
  return raw;
}

function nulAt(v: unknown, path: string): string | null {
  if (typeof v === 'string') return v.includes('\u0000') ? path : null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const w = nulAt(v[i], `${path}.${i}`);
      if (w) return w;
    }
    return null;
  }
  if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      const w = k.includes('\u0000') ? `${path}.(key)` : nulAt(x, `${path}.${k}`);
      if (w) return w;
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
