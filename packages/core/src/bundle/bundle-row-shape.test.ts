import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { edgeValue, everySingleMutation, mutated } from '../testing-mutations.js';
import { bundlePageRowSchema } from './bundle-format.js';
import { isBundlePageRowShape } from './bundle-row-shape.js';

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

/** Whether the fast check, when it accepts, agrees with the schema: accepted, and the same fields. */
function agrees(x: unknown): boolean {
  if (!isBundlePageRowShape(x)) return true;
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
  fc.assert(fc.property(goodRow.chain(mutated), agrees), { numRuns: 4000 });
  fc.assert(fc.property(fc.anything(), agrees), { numRuns: 500 });
  fc.assert(fc.property(edgeValue, agrees), { numRuns: 500 });
  // Every edge value at every place, every key deleted or added (short proofs: the paths multiply).
  const short = goodRow.filter(
    (r) => (r as { provenance: { inclusionProof: string[] } }).provenance.inclusionProof.length <= 3,
  );
  for (const good of fc.sample(short, { numRuns: 6, seed: 11 }))
    for (const x of everySingleMutation(good)) assert.ok(agrees(x), JSON.stringify(x)?.slice(0, 2000));
});
