import type { Context } from 'hono';
import type { z } from 'zod';
import { CoordinatorError } from '../errors.js';

/** Parses a JSON body with a zod schema; the error names the first bad field. */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const raw = await c.req.json();
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
