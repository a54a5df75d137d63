import { Hono } from 'hono';
import { crawlRequestSchema } from '../crawl/job-options.js';
import { CoordinatorError } from '../errors.js';
import { jobCompliance } from '../policy/compliance.js';
import type { PageCursor } from '../store/capture-store.js';
import type { AppDeps } from './deps.js';
import { bearer, parseBody } from './parse-body.js';

type Env = { Variables: { apiKeyId: string } };

/** Customer API: API-key auth, crawl jobs, their progress and output, raw bodies by hash. */
export function customerRoutes({
  store,
  blobs,
  checkpoints,
  flushLog,
  logStore,
  collections,
  collectionSearch,
}: AppDeps): Hono<Env> {
  const r = new Hono<Env>();
  r.use('/*', async (c, next) => {
    const key = bearer(c);
    const k = key ? await store.auth.checkApiKey(key) : null;
    if (!k)
      throw new CoordinatorError('UNAUTHORIZED', 'missing or unknown API key (Authorization: Bearer sk_…)');
    c.set('apiKeyId', k.id);
    await next();
  });

  r.post('/jobs', async (c) => {
    const opts = await parseBody(c, crawlRequestSchema);
    const job = await store.frontier.createJob(c.get('apiKeyId'), opts);
    return c.json(job, 201);
  });

  r.get('/jobs', async (c) => c.json({ jobs: await store.frontier.listJobs() }));

  r.get('/jobs/:id', async (c) => {
    const job = await store.frontier.getJob(c.req.param('id'));
    if (!job) throw new CoordinatorError('NOT_FOUND', `no job ${c.req.param('id')}`);
    return c.json({ ...job, progress: await store.frontier.progress(job.id) });
  });

  /**
   * Seals a finished job's provenance: every capture gets its leaf and one checkpoint covers them all.
   * Answers the checkpoint the output's inclusion proofs are made against.
   */
  r.post('/jobs/:id/seal', async (c) => {
    const job = await store.frontier.getJob(c.req.param('id'));
    if (!job) throw new CoordinatorError('NOT_FOUND', `no job ${c.req.param('id')}`);
    if (job.state !== 'done') throw new CoordinatorError('CONFLICT', `job ${job.id} is still running`);
    await flushLog();
    const cp = await checkpoints.latest();
    if (!cp) throw new CoordinatorError('CONFLICT', 'the log is empty');
    return c.json(cp);
  });

  /** A job's stored pages in log order; `next` is an opaque cursor for `after`, null at the end. */
  r.get('/jobs/:id/pages', async (c) => {
    const cursor = parsePageCursor(c.req.query('after'));
    const limit = pageLimit(c.req.query('limit'));
    const { rows, next } = await store.captures.pages(c.req.param('id'), cursor, limit);
    return c.json({
      pages: rows.map((p) => ({
        seq: p.seq,
        captureId: p.id,
        url: p.requestedUrl,
        finalUrl: p.finalUrl,
        fetchedAt: new Date(p.fetchedAt).toISOString(),
        status: p.status,
        contentType: p.contentType,
        bodySha256: p.bodySha256,
        bodyLength: p.bodyLength,
        blobPath: blobs.relativePath(p.bodySha256),
        nodeId: p.nodeId,
        leafIndex: p.leafIndex,
        signedCapture: JSON.parse(p.signed),
      })),
      next: next && formatPageCursor(next),
    });
  });

  /** The robots.txt and tdmrep.json answers the job's URL decisions rest on, with what each decided. */
  r.get('/jobs/:id/compliance', async (c) => {
    const job = await store.frontier.getJob(c.req.param('id'));
    if (!job) throw new CoordinatorError('NOT_FOUND', `no job ${c.req.param('id')}`);
    return c.json(await jobCompliance(store, job.id));
  });

  r.get('/jobs/:id/documents', async (c) => {
    const after = Number(c.req.query('after') ?? 0);
    const limit = Math.min(Number(c.req.query('limit') ?? 500), 5000);
    const rows = await store.captures.documents(c.req.param('id'), after, limit);
    return c.json({ documents: rows, next: rows.length ? rows[rows.length - 1]?.seq : null });
  });

  r.get('/jobs/:id/skipped', async (c) => {
    const after = Number(c.req.query('after') ?? 0);
    const rows = await store.captures.skipped(c.req.param('id'), after, 5000);
    return c.json({ skipped: rows, next: rows.length ? rows[rows.length - 1]?.id : null });
  });

  r.get('/blobs/:sha', async (c) => {
    const sha = c.req.param('sha');
    if (!/^[0-9a-f]{64}$/.test(sha))
      throw new CoordinatorError('BAD_REQUEST', 'blob id must be a sha256 hex digest');
    const body = await blobs.get(sha);
    if (!body) throw new CoordinatorError('NOT_FOUND', `no blob ${sha}`);
    return c.body(new Uint8Array(body), 200, { 'content-type': 'application/octet-stream' });
  });

  /** A row's proof: the signed capture, its leaf, a checkpoint and the inclusion proof, by capture id or URL. */
  r.get('/proofs', async (c) => {
    const id = c.req.query('captureId');
    const url = c.req.query('url');
    let cap = id ? await store.captures.byId(id) : undefined;
    if (!id && url) cap = await store.captures.latestStoredFor(url);
    if (!cap)
      throw new CoordinatorError(
        'NOT_FOUND',
        id ? `no capture ${id}` : `no stored capture for ${url ?? '(no url given)'}`,
      );
    let cp = await checkpoints.latest();
    // Not yet covered by a checkpoint: sequence and checkpoint now rather than make the caller wait.
    if (cap.leafIndex === null || !cp || cp.size <= cap.leafIndex) {
      await flushLog();
      cap = (await store.captures.byId(cap.id)) ?? cap;
      cp = await checkpoints.latest();
    }
    if (cap.leafIndex === null || !cp)
      throw new CoordinatorError('CONFLICT', 'capture is not in the log yet');
    return c.json({
      captureId: cap.id,
      record: JSON.parse(cap.signed),
      leafIndex: cap.leafIndex,
      checkpoint: cp,
      inclusionProof: (await logStore.inclusionProof(cap.leafIndex, cp.size)).map((h) =>
        h.toString('base64'),
      ),
    });
  });

  // Live collections: managed per API key, refreshed by the coordinator's CollectionRefresher.
  r.post('/collections', async (c) =>
    c.json(await collections.create(c.get('apiKeyId'), await c.req.json()), 201),
  );
  r.get('/collections', async (c) => c.json({ collections: await collections.list(c.get('apiKeyId')) }));
  r.get('/collections/:id', async (c) => c.json(await collections.get(c.get('apiKeyId'), c.req.param('id'))));
  r.post('/collections/:id/pause', async (c) =>
    c.json(await collections.setPaused(c.get('apiKeyId'), c.req.param('id'), true)),
  );
  r.post('/collections/:id/resume', async (c) =>
    c.json(await collections.setPaused(c.get('apiKeyId'), c.req.param('id'), false)),
  );
  r.post('/collections/:id/refresh', async (c) =>
    c.json(await collections.refreshNow(c.get('apiKeyId'), c.req.param('id'))),
  );
  r.post('/collections/:id/search', async (c) => {
    await collections.require(c.get('apiKeyId'), c.req.param('id'));
    return c.json(await collectionSearch.search(c.req.param('id'), await c.req.json()));
  });
  r.delete('/collections/:id', async (c) => {
    await collections.delete(c.get('apiKeyId'), c.req.param('id'));
    return c.json({ deleted: true });
  });

  r.get('/captures/:id', async (c) => {
    const cap = await store.captures.byId(c.req.param('id'));
    if (!cap) throw new CoordinatorError('NOT_FOUND', `no capture ${c.req.param('id')}`);
    return c.json({ ...cap, signed: JSON.parse(cap.signed) });
  });

  return r;
}

/** `after` of the pages listing: `<leaf>` while logged pages are listed, `<leaf>:<seq>` after them. */
function parsePageCursor(raw: string | undefined): PageCursor | null {
  if (raw === undefined || raw === '') return null;
  const m = /^(-1|\d{1,15})(?::(\d{1,15}))?$/.exec(raw);
  if (!m)
    throw new CoordinatorError(
      'BAD_REQUEST',
      `after must be a cursor from a previous answer's next, got ${JSON.stringify(raw.slice(0, 40))}`,
    );
  return { leaf: Number(m[1]), seq: m[2] === undefined ? null : Number(m[2]) };
}

function formatPageCursor(c: PageCursor): string {
  return c.seq === null ? String(c.leaf) : `${c.leaf}:${c.seq}`;
}

function pageLimit(raw: string | undefined): number {
  const n = raw === undefined ? 500 : Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new CoordinatorError('BAD_REQUEST', `limit must be a positive integer, got ${JSON.stringify(raw)}`);
  return Math.min(n, 5000);
}
