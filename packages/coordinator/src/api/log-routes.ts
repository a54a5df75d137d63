import { inclusionProofsRequestSchema } from '@sward/core';
import { Hono } from 'hono';
import { FileAnchor, MAX_CHAIN_ENTRIES } from '../anchor/file-anchor.js';
import { CoordinatorError } from '../errors.js';
import type { AppDeps } from './deps.js';
import { parseBody } from './parse-body.js';

const b64 = (hs: Buffer[]) => hs.map((h) => h.toString('base64'));
const count = (v: string | undefined, name: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new CoordinatorError('BAD_REQUEST', `${name} must be a whole number`);
  return n;
};

/** Public, read-only provenance log API: anyone may audit the log. */
export function logRoutes({ logStore: log, checkpoints, anchor, spotChecks, store }: AppDeps): Hono {
  const r = new Hono();
  r.get('/checkpoint', async (c) => {
    const cp = await checkpoints.latest();
    if (!cp) throw new CoordinatorError('NOT_FOUND', 'no checkpoint yet');
    return c.json(cp);
  });
  r.get('/checkpoints', async (c) => {
    const from = count(c.req.query('from') ?? '0', 'from');
    return c.json({ checkpoints: await checkpoints.range(from, Number.MAX_SAFE_INTEGER) });
  });
  r.get('/key', (c) => c.text(`${checkpoints.verifierKey}\n`));
  // Entries of this coordinator's anchor file, signed by the log key, for bundles to ship.
  r.get('/anchor-chain', async (c) => {
    const chain = c.req.query('chain') ?? '';
    const from = count(c.req.query('from'), 'from');
    const to = count(c.req.query('to'), 'to');
    if (from > to) throw new CoordinatorError('BAD_REQUEST', `from ${from} is larger than to ${to}`);
    if (to - from >= MAX_CHAIN_ENTRIES)
      throw new CoordinatorError('BAD_REQUEST', `at most ${MAX_CHAIN_ENTRIES} entries per request`);
    if (!(anchor instanceof FileAnchor) || anchor.chain === null || anchor.chain !== chain)
      throw new CoordinatorError(
        'NOT_FOUND',
        `this coordinator's anchor file is not chain ${chain.slice(0, 64)}`,
      );
    return c.json({ chain, entries: await anchor.entries(from, to) });
  });
  r.get('/proof/inclusion', async (c) => {
    const index = count(c.req.query('index'), 'index');
    const size = count(c.req.query('size'), 'size');
    await checkSize(size);
    if (index >= size) throw new CoordinatorError('BAD_REQUEST', `index ${index} is not below size ${size}`);
    return c.json({ leafIndex: index, treeSize: size, hashes: b64(await log.inclusionProof(index, size)) });
  });
  r.post('/proofs/inclusion', async (c) => {
    const b = await parseBody(c, inclusionProofsRequestSchema);
    await checkSize(b.size);
    const proofs: Record<number, string[]> = {};
    for (const i of b.indices) {
      if (i >= b.size) throw new CoordinatorError('BAD_REQUEST', `index ${i} is not below size ${b.size}`);
      proofs[i] = b64(await log.inclusionProof(i, b.size));
    }
    return c.json({ treeSize: b.size, proofs });
  });
  r.get('/proof/consistency', async (c) => {
    const from = count(c.req.query('from'), 'from');
    const to = count(c.req.query('to'), 'to');
    await checkSize(to);
    if (from > to) throw new CoordinatorError('BAD_REQUEST', `from ${from} is larger than to ${to}`);
    return c.json({ from, to, hashes: b64(await log.consistencyProof(from, to)) });
  });
  // Spot-check sampling keys: commitments (signed by the log's key) at once, each key once its epoch is over.
  r.get('/spot-check/epochs', async (c) => {
    const from = count(c.req.query('from') ?? '0', 'from');
    const keys = spotChecks.keys;
    return c.json({
      origin: checkpoints.policy.origin,
      epochMs: spotChecks.config.epochMs,
      epochs: keys ? await keys.epochs(from) : [],
    });
  });
  r.get('/spot-check/draws/:captureId', async (c) => {
    const id = c.req.param('captureId');
    const draw = /^c_[0-9a-f]{32}$/.test(id) ? await spotChecks.keys?.drawOf(id) : undefined;
    if (!draw) throw new CoordinatorError('NOT_FOUND', `no spot-check draw for capture ${id.slice(0, 40)}`);
    // a drawn capture's check is said as it stands: one not run is never taken for one passed
    return c.json(draw.selected ? { ...draw, check: await spotChecks.checkOfCapture(store.db, id) } : draw);
  });
  r.get('/leaves/:index', async (c) => {
    const leaf = await log.leaf(count(c.req.param('index'), 'index'));
    if (!leaf) throw new CoordinatorError('NOT_FOUND', `no leaf ${c.req.param('index')}`);
    return c.json({ captureId: leaf.captureId, record: JSON.parse(leaf.signed) });
  });
  const checkSize = async (size: number) => {
    const head = await log.head();
    if (size > head.size)
      throw new CoordinatorError('BAD_REQUEST', `size ${size} is beyond the log's ${head.size} leaves`);
  };
  return r;
}
