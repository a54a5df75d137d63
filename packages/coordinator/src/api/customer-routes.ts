import {
  crawlRequestSchema,
  documentsQuerySchema,
  jobsListQuerySchema,
  manifestQuerySchema,
  microsDecimal,
  PAGE_CURSOR,
  pagesQuerySchema,
  proofQuerySchema,
  skippedQuerySchema,
} from '@sward/core';
import { QUALITY_PRESETS, type QualityPreset } from '@sward/extract/light';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { CoordinatorError } from '../errors.js';
import { jobManifest } from '../output/bundle-manifest.js';
import { PackDigests } from '../output/pack-digests.js';
import { pageListing } from '../output/page-listing.js';
import { skipListing } from '../output/skip-evidence.js';
import { jobCompliance } from '../policy/compliance.js';
import type { PageCursor } from '../store/capture-store.js';
import { JobWaitsCache } from '../store/job-waits.js';
import type { Job } from '../store/types.js';
import { type KeyEnv, principal } from './authorize.js';
import { captureProof } from './capture-proof.js';
import type { AppDeps } from './deps.js';
import { parseBody, parseQuery, readJson } from './parse-body.js';
import { createJobWithinQuota } from './quotas.js';

type Env = KeyEnv;

// The queries are the contract's (core contract/jobs.ts); the pages cursor is read into a PageCursor here,
// and `quality` narrowed to this extractor's presets.
const pagesQuery = pagesQuerySchema.transform((q) => ({ ...q, after: toPageCursor(q.after) }));
const manifestQuery = manifestQuerySchema.extend({
  quality: z.enum(QUALITY_PRESETS as [QualityPreset, ...QualityPreset[]]).optional(),
});

/** A job whose output may be sealed and downloaded: done, or cancelled with its documents made. */
function outputReady(job: Job): Job {
  if (job.state === 'running') throw new CoordinatorError('CONFLICT', `job ${job.id} is still running`);
  if (job.finishedAt === null)
    throw new CoordinatorError(
      'CONFLICT',
      `job ${job.id} is ${job.state}; the documents of its stored pages are still being made`,
    );
  return job;
}

/**
 * Customer API: crawl jobs, their progress and output, raw bodies by hash, proofs, live collections.
 * api/authorize.ts has checked the key and its scope; every object is looked up within its tenant.
 */
export function customerRoutes({
  store,
  blobs,
  checkpoints,
  flushLog,
  logStore,
  collections,
  collectionSearch,
  anchor,
}: AppDeps): Hono<Env> {
  const r = new Hono<Env>();
  const tenant = (c: Context<Env>) => principal(c).tenant;
  // What jobs' queued pages wait for, read again every few seconds (job-waits.ts).
  const waits = new JobWaitsCache();
  /** The caller's job named in the path: another tenant's answers exactly like a missing one. */
  const ownJob = async (c: Context<Env>) => {
    const job = await store.frontier.getJobOf(tenant(c), c.req.param('id') as string);
    if (!job) throw new CoordinatorError('NOT_FOUND', `no job ${c.req.param('id')}`);
    return job;
  };

  r.post('/jobs', async (c) => {
    const opts = await parseBody(c, crawlRequestSchema);
    return c.json(await createJobWithinQuota(store, principal(c), opts), 201);
  });

  /** Newest first, `limit` of them (each job carries its options, up to ~200 KB of include/exclude). */
  r.get('/jobs', async (c) => {
    const q = parseQuery(c, jobsListQuerySchema);
    return c.json({ jobs: await store.frontier.listJobs(tenant(c), q.limit) });
  });

  r.get('/jobs/:id', async (c) => {
    const job = await ownJob(c);
    // Pay-per-crawl: what the job was charged and holds for leases out now (USD), when it pays at all.
    const b = await store.payments.budgetOf(store.db, job.id);
    const spend = b && {
      spent: microsDecimal(b.spent),
      held: microsDecimal(b.held),
      budget: b.budget === null ? null : microsDecimal(b.budget),
    };
    const progress = await store.frontier.progress(job.id);
    // What its queued pages wait for (their sites' robots.txt), so `queued 1` for minutes says why.
    if (progress.queued > 0 && job.state === 'running')
      progress.waitingFor = await waits.get(
        store.db,
        job.id,
        store.frontier.config,
        store.frontier.config.clock(),
      );
    return c.json({ ...job, progress, ...(spend ? { spend } : {}) });
  });

  /**
   * Cancels a running job (store/job-cancel.ts). Again on a cancelled job: the job, unchanged. A live
   * collection's refresh is stopped by pausing its collection, which owns the schedule.
   */
  r.post('/jobs/:id/cancel', async (c) => {
    const id = c.req.param('id') as string;
    const found = await store.frontier.cancelJob(tenant(c), id);
    if (!found) throw new CoordinatorError('NOT_FOUND', `no job ${id}`);
    if (found.collectionId !== null)
      throw new CoordinatorError(
        'CONFLICT',
        `job ${id} is a refresh of live collection ${found.collectionId}: pause the collection instead (POST /v1/collections/${found.collectionId}/pause)`,
      );
    if (found.state === 'done')
      throw new CoordinatorError('CONFLICT', `job ${id} is done: nothing to cancel`);
    return c.json(await ownJob(c));
  });

  /**
   * Seals a finished job's provenance: every capture gets its leaf and one checkpoint covers them all.
   * Answers the checkpoint the output's inclusion proofs are made against.
   */
  r.post('/jobs/:id/seal', async (c) => {
    const job = await ownJob(c);
    outputReady(job);
    await flushLog();
    const cp = await checkpoints.latest();
    // After the flush, an empty log means no job stored a page: this one has nothing to seal either.
    if (!cp)
      throw new CoordinatorError(
        'CONFLICT',
        `job ${job.id} has no output: it stored no page, and nothing is in the log yet to sign an output under`,
      );
    return c.json(cp);
  });

  /** A job's stored pages in log order; `next` is an opaque cursor for `after`, null at the end. */
  r.get('/jobs/:id/pages', async (c) => {
    const { after, limit } = parseQuery(c, pagesQuery);
    const { rows: all, next } = await store.captures.pages((await ownJob(c)).id, after, limit);
    // Taken-down pages are left out; `next` still follows the unfiltered rows, so paging goes on.
    const rows = await store.takedowns.exclude(all, (p) => [p.requestedUrl, p.finalUrl]);
    return c.json({
      pages: rows.map((p) => pageListing(p, blobs)),
      next: next && formatPageCursor(next),
    });
  });

  /** The robots.txt and tdmrep.json answers the job's URL decisions rest on, with what each decided. */
  r.get('/jobs/:id/compliance', async (c) => c.json(await jobCompliance(store, (await ownJob(c)).id)));

  r.get('/jobs/:id/documents', async (c) => {
    const { after, limit } = parseQuery(c, documentsQuerySchema);
    const all = await store.captures.documents((await ownJob(c)).id, after, limit);
    const kept = await store.takedowns.exclude(all, (d) => [d.url, d.finalUrl]);
    return c.json({
      documents: kept.map(({ url: _u, finalUrl: _f, ...d }) => d),
      next: all.length ? all[all.length - 1]?.seq : null,
    });
  });

  r.get('/jobs/:id/skipped', async (c) => {
    const { after, limit } = parseQuery(c, skippedQuerySchema);
    const rows = (await store.captures.skipped((await ownJob(c)).id, after, limit)).map(skipListing);
    return c.json({ skipped: rows, next: rows.length ? rows[rows.length - 1]?.id : null });
  });

  /**
   * The job's output folder's manifest, signed with the log key: the coordinator makes every file itself
   * from its own store (output/bundle-manifest.ts) and signs their hashes, never hashes a caller sends.
   * The pack's hash is remembered per job and body list, so asking again reads no body (pack-digests.ts).
   */
  const packDigests = new PackDigests();
  r.get('/jobs/:id/manifest', async (c) => {
    const q = parseQuery(c, manifestQuery);
    const job = outputReady(await ownJob(c));
    const deps = { store, blobs, logStore, checkpoints, anchor, packDigests };
    const note = await jobManifest(deps, job, q.size, {
      lang: q.lang ? q.lang.split(',') : [],
      ...(q.quality === undefined ? {} : { quality: q.quality }),
      ...(q.dedup === undefined ? {} : { dedupThreshold: q.dedup }),
      warc: q.warc === '1',
    });
    return c.text(note);
  });

  r.get('/blobs/:sha', async (c) => {
    const sha = c.req.param('sha');
    if (!/^[0-9a-f]{64}$/.test(sha))
      throw new CoordinatorError('BAD_REQUEST', 'blob id must be a sha256 hex digest');
    // Content-addressed bodies are shared by every tenant that fetched them: readable through one's own capture.
    // …and only through one whose URL is not taken down.
    const through = await store.takedowns.exclude(
      await store.captures.tenantBodyUrls(tenant(c), sha),
      (u) => u,
    );
    const body = through.length ? await blobs.get(sha) : undefined;
    if (!body) throw new CoordinatorError('NOT_FOUND', `no blob ${sha}`);
    return c.body(new Uint8Array(body), 200, { 'content-type': 'application/octet-stream' });
  });

  /** A row's proof: the signed capture, its leaf, a checkpoint and the inclusion proof, by capture id or URL. */
  r.get('/proofs', async (c) => {
    const { captureId: id, url } = parseQuery(c, proofQuerySchema);
    let cap = id ? await store.captures.byIdOf(tenant(c), id) : undefined;
    if (!id && url) cap = await store.captures.latestStoredOf(tenant(c), url);
    // As GET /v1/captures/:id: a taken-down page's signed capture is not served, by way of a proof either.
    if (cap) [cap] = await store.takedowns.exclude([cap], (x) => [x.requestedUrl, x.finalUrl]);
    if (!cap)
      throw new CoordinatorError(
        'NOT_FOUND',
        id ? `no capture ${id}` : `no stored capture for ${url ?? '(no url given)'}`,
      );
    return c.json(await captureProof({ store, checkpoints, flushLog, logStore }, cap));
  });

  // Live collections: owned by the tenant, refreshed by the coordinator's CollectionRefresher.
  r.post('/collections', async (c) =>
    c.json(await collections.create(tenant(c), await readJson(c), principal(c).keyId), 201),
  );
  r.get('/collections', async (c) => c.json({ collections: await collections.list(tenant(c)) }));
  r.get('/collections/:id', async (c) => c.json(await collections.get(tenant(c), c.req.param('id'))));
  r.post('/collections/:id/pause', async (c) =>
    c.json(await collections.setPaused(tenant(c), c.req.param('id'), true)),
  );
  r.post('/collections/:id/resume', async (c) =>
    c.json(await collections.setPaused(tenant(c), c.req.param('id'), false)),
  );
  r.post('/collections/:id/refresh', async (c) =>
    c.json(await collections.refreshNow(tenant(c), c.req.param('id'))),
  );
  // What a collection may pay for pages under creators' terms, and what it paid (collection-spending.ts).
  r.post('/collections/:id/pricing', async (c) =>
    c.json(await collections.setPricing(tenant(c), c.req.param('id'), await readJson(c))),
  );
  r.get('/collections/:id/charges', async (c) =>
    c.json(await collections.charges(tenant(c), c.req.param('id'))),
  );
  r.post('/collections/:id/search', async (c) => {
    await collections.require(tenant(c), c.req.param('id'));
    const answer = await collectionSearch.search(c.req.param('id'), await readJson(c));
    // A page indexed before its takedown stays in the index until a refresh drops it; it is never served.
    const results = await store.takedowns.exclude(answer.results, (r) => [r.url]);
    return c.json({ ...answer, results });
  });
  r.delete('/collections/:id', async (c) => {
    await collections.delete(tenant(c), c.req.param('id'));
    return c.json({ deleted: true });
  });

  r.get('/captures/:id', async (c) => {
    const found = await store.captures.byIdOf(tenant(c), c.req.param('id'));
    const [cap] = found ? await store.takedowns.exclude([found], (x) => [x.requestedUrl, x.finalUrl]) : [];
    if (!cap) throw new CoordinatorError('NOT_FOUND', `no capture ${c.req.param('id')}`);
    return c.json({ ...cap, signed: JSON.parse(cap.signed) });
  });

  return r;
}

/** `after` of the pages listing: `<leaf>` while logged pages are listed, `<leaf>:<seq>` after them. */
/** A cursor the schema's CURSOR pattern already accepted. */
function toPageCursor(raw: string | undefined): PageCursor | null {
  const m = raw ? PAGE_CURSOR.exec(raw) : null;
  if (!m?.[1]) return null;
  return { leaf: Number(m[1]), seq: m[2] === undefined ? null : Number(m[2]) };
}

function formatPageCursor(c: PageCursor): string {
  return c.seq === null ? String(c.leaf) : `${c.leaf}:${c.seq}`;
}
