import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { edgeValue, everySingleMutation, mutated } from '../testing-mutations.js';
import { bundlePageRowSchema } from './bundle-format.js';
import { RowShapeCheck } from './bundle-row-shape.js';

const b64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64'));

/** Well-formed pages.jsonl rows (format 1 and 2), with the keys bundle-rows.ts writes beside the schema's. */
const goodRow = fc
  .record({
    url: fc.string(),
    finalUrl: fc.string(),
    fetchedAt: fc.string(),
    status: fc.integer({ min: 100, max: 599 }),
    contentType: fc.option(fc.string(), { nil: null }),
    bodySha256: fc.string(),
    bodyLength: fc.nat(),
    blobPath: fc.constantFrom('bodies.pack', 'blobs/sha256/ab/cd/abcd'),
    bodyOffset: fc.option(fc.nat(), { nil: undefined }),
    captureId: fc.string(),
    nodeId: fc.string(),
    leafIndex: fc.option(fc.nat(), { nil: null }),
    signedCapture: fc.constantFrom({ capture: {}, signature: 'x' }, 'x', null),
    provenance: fc.record({
      leafIndex: fc.nat(),
      checkpointSize: fc.integer({ min: 1 }),
      inclusionProof: fc.array(b64, { maxLength: 64 }),
    }),
  })
  .map((r) => JSON.parse(JSON.stringify(r)) as unknown);

/** The schema's fields of a row (what the verifier reads), for comparing the schema's copy with the row. */
function fields(r: Record<string, unknown>) {
  const p = r.provenance as Record<string, unknown>;
  const { url, finalUrl, status, bodySha256, bodyLength, blobPath, bodyOffset, captureId, nodeId } = r;
  return {
    ...{ url, finalUrl, status, bodySha256, bodyLength, blobPath, bodyOffset, captureId, nodeId },
    signedCapture: r.signedCapture,
    provenance: {
      leafIndex: p.leafIndex,
      checkpointSize: p.checkpointSize,
      inclusionProof: p.inclusionProof,
    },
  };
}

/** A check with no rows behind it, as one row alone meets it. */
const isBundlePageRowShape = (x: unknown) => new RowShapeCheck().accepts(x);

/** Whether the fast check, when it accepts, agrees with the schema: accepted, and the same fields. */
function agrees(x: unknown, check = new RowShapeCheck()): boolean {
  if (!check.accepts(x)) return true;
  const r = bundlePageRowSchema.safeParse(x);
  if (!r.success) return false;
  assert.deepStrictEqual(fields(r.data as Record<string, unknown>), fields(x as Record<string, unknown>));
  return true;
}

test('the fast row check takes every well-formed row', () => {
  fc.assert(
    fc.property(goodRow, (x) => isBundlePageRowShape(x) && agrees(x)),
    { numRuns: 300 },
  );
});

test('the fast row check accepts nothing the schema refuses (random and mutated rows)', () => {
  fc.assert(
    fc.property(goodRow.chain(mutated), (x) => agrees(x)),
    { numRuns: 4000 },
  );
  fc.assert(
    fc.property(fc.anything(), (x) => agrees(x)),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(edgeValue, (x) => agrees(x)),
    { numRuns: 500 },
  );
  // Every edge value at every place, every key deleted or added (short proofs: the paths multiply).
  const short = goodRow.filter(
    (r) => (r as { provenance: { inclusionProof: string[] } }).provenance.inclusionProof.length <= 3,
  );
  for (const good of fc.sample(short, { numRuns: 6, seed: 11 }))
    for (const x of everySingleMutation(good)) assert.ok(agrees(x), JSON.stringify(x)?.slice(0, 2000));
});

test('the fast row check, rows one after the other, accepts nothing the schema refuses', () => {
  // Each row's proof shares its upper elements with the one before (as in log order), then a mutation.
  const proofs = fc.array(b64, { minLength: 1, maxLength: 20 });
  const sequence = fc.tuple(goodRow, proofs).chain(([row, top]) =>
    fc.array(
      fc.tuple(fc.nat({ max: 4 }), fc.array(b64, { maxLength: 4 })).chain(([keep, own]) => {
        const r = structuredClone(row) as { provenance: { inclusionProof: string[] } };
        r.provenance.inclusionProof = [...own, ...top.slice(keep)].slice(0, 64);
        // One character of one element replaced: same length, maybe not base64 any more.
        const corrupt = fc
          .tuple(fc.nat(), fc.nat({ max: 43 }), fc.constantFrom(...'-_!=. A+/'))
          .map(([at, pos, ch]) => {
            const c = structuredClone(r);
            const p = c.provenance.inclusionProof;
            if (p.length === 0) return c as unknown;
            const el = p[at % p.length] as string;
            p[at % p.length] = el.slice(0, pos) + ch + el.slice(pos + 1);
            return c as unknown;
          });
        return fc.oneof(fc.constant(r as unknown), mutated(r), corrupt);
      }),
      { minLength: 2, maxLength: 8 },
    ),
  );
  fc.assert(
    fc.property(sequence, (rows) => {
      const check = new RowShapeCheck();
      return rows.every((x) => agrees(x, check));
    }),
    { numRuns: 1500 },
  );
  // A row's array changed after it was accepted vouches for nothing.
  const check = new RowShapeCheck();
  const row = fc.sample(goodRow, { numRuns: 1, seed: 3 })[0] as { provenance: { inclusionProof: string[] } };
  row.provenance.inclusionProof = ['AAAA', 'BBBB'];
  assert.equal(check.accepts(row), true);
  row.provenance.inclusionProof[1] = 'not base64!';
  assert.equal(check.accepts(structuredClone(row)), false);
  assert.equal(agrees(row, check), true);
});
