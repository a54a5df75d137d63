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
