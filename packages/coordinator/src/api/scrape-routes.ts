import { type PageRow, type ScrapeAnswer, scrapeRequestSchema } from '@sward/core';
import { Hono } from 'hono';
import { CoordinatorError } from '../errors.js';
import { pageListing } from '../output/page-listing.js';
import { skipListing } from '../output/skip-evidence.js';
import { type KeyEnv, principal } from './authorize.js';
import { captureProof } from './capture-proof.js';
import type { AppDeps } from './deps.js';
import { parseBody } from './parse-body.js';
import { createJobWithinQuota } from './quotas.js';

/** How often a waiting scrape looks at its job: a page is usually a few hundred ms away. */
const POLL_MS = 50;

/**
 * POST /v1/scrape: one URL through a node, answered in the same request, as Firecrawl's scrape call is.
 * It is a one-page crawl job (same politeness, quotas, signing, log and takedowns as any crawl), so the
 * page, its document and its proof are also in the job's output, and a caller that times out can follow
 * the job it is told of.
 */
export function scrapeRoutes(deps: AppDeps): Hono<KeyEnv> {
  const { store, blobs } = deps;
  const r = new Hono<KeyEnv>();
  r.post('/', async (c) => {
    const req = await parseBody(c, scrapeRequestSchema);
    const who = principal(c);
    const job = await createJobWithinQuota(store, who, {
      seed: req.url,
      maxPages: 1,
      maxDepth: 0,
      include: [],
      exclude: [],
      purpose: req.purpose ?? 'input',
    });
    const deadline = Date.now() + req.timeoutMs;
    for (;;) {
      const now = await store.frontier.getJobOf(who.tenant, job.id);
      if (now?.state === 'done') break;
      // its job cancelled meanwhile (POST /v1/jobs/:id/cancel): no page will come
      if (now?.state === 'cancelled')
        throw new CoordinatorError(
          'CONFLICT',
          `job ${job.id} of this scrape was cancelled before ${req.url} was fetched`,
        );
      if (Date.now() >= deadline || deps.isClosing())
        throw new CoordinatorError(
          'TIMEOUT',
          `${req.url} was not fetched within ${req.timeoutMs} ms; follow GET /v1/jobs/${job.id}`,
        );
      await new Promise((ok) => setTimeout(ok, POLL_MS));
    }
    const { rows } = await store.captures.pages(job.id, null, 1);
    const [stored] = await store.takedowns.exclude(rows, (p) => [p.requestedUrl, p.finalUrl]);
    if (stored) {
      const [doc] = await store.captures.documents(job.id, stored.seq - 1, 1);
      const answer: ScrapeAnswer = {
        jobId: job.id,
        url: req.url,
        state: 'stored',
        // the signed record is parsed from what ingest verified
        page: pageListing(stored, blobs) as PageRow,
        document: doc?.captureId === stored.id ? doc.document : null,
        proof: await captureProof(deps, stored),
      };
      return c.json(answer);
    }
    const [skip] = (await store.captures.skipped(job.id, 0, 1)).map(skipListing);
    const answer: ScrapeAnswer = {
      jobId: job.id,
      url: req.url,
      state: skip?.state ?? 'skipped',
      reason: skip?.reason ?? (rows.length ? 'takedown' : 'unknown'),
      detail: skip?.detail ?? null,
      evidence: skip?.evidence ?? null,
    };
    return c.json(answer);
  });
  return r;
}
