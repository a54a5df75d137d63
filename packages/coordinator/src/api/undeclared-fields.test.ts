import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { undeclaredFields } from './undeclared-fields.js';

const answer = z.object({
  jobs: z.array(z.object({ id: z.string(), done: z.boolean().optional() })),
  meta: z.record(z.string(), z.number()),
  loose: z.looseObject({ a: z.number() }),
  next: z.string().nullable(),
});
const check = (sent: unknown) => undeclaredFields(sent, answer.parse(sent));

test('a field the schema does not declare is named by its path, however deep', () => {
  const ok = { jobs: [{ id: 'j1' }, { id: 'j2', done: true }], meta: { x: 1 }, loose: { a: 1 }, next: null };
  assert.deepEqual(check(ok), []);
  assert.deepEqual(check({ ...ok, tenant: 'acme' }), ['tenant']);
  assert.deepEqual(check({ ...ok, jobs: [{ id: 'j1' }, { id: 'j2', secret: 'k' }] }), ['jobs.1.secret']);
});

test('records, loose objects and nulls name no field', () => {
  assert.deepEqual(
    check({ jobs: [], meta: { any: 2, key: 3 }, loose: { a: 1, extra: true }, next: 'x' }),
    [],
  );
});
