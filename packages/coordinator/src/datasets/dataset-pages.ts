import type { DatasetBuildParams, PageListing } from '@sward/core';
import { CoordinatorError } from '../errors.js';
import { type ManifestDeps, storeBundleSource } from '../output/bundle-manifest.js';
import type { SqlDriver } from '../store/sql-driver.js';

/**
 * The stored pages of several jobs in log order (a k-way merge of each job's pages by leaf index), in
 * batches of `size`: what a dataset build reads, page by page from the store, never the whole list.
 * Taken-down pages are left out as in every output (storeBundleSource).
 */
export async function* pagesInLogOrder(
  deps: ManifestDeps,
  jobIds: readonly string[],
  size: number,
): AsyncGenerator<PageListing[]> {
  const its = jobIds.map((id) => storeBundleSource(deps, id).pages()[Symbol.asyncIterator]());
  const heads = await Promise.all(its.map((it) => it.next()));
  let batch: PageListing[] = [];
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (!h || h.done) continue;
      const b = heads[best];
      if (best < 0 || (b && !b.done && (h.value.leafIndex ?? 0) < (b.value.leafIndex ?? 0))) best = i;
    }
    if (best < 0) break;
    const h = heads[best] as IteratorYieldResult<PageListing>;
    batch.push(h.value);
    heads[best] = await (its[best] as AsyncIterator<PageListing>).next();
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** The documents of the given captures, by capture id (one query per batch). */
export async function documentsOf(
  db: SqlDriver,
  captureIds: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  if (captureIds.length === 0) return new Map();
  const rows = await db.all<{ capture_id: string; doc: string }>(
    `SELECT capture_id, doc FROM documents WHERE capture_id IN (${captureIds.map(() => '?').join(',')})`,
    [...captureIds],
  );
  return new Map(rows.map((r) => [r.capture_id, JSON.parse(r.doc) as Record<string, unknown>]));
}

/** How many of the jobs' stored pages still wait for their document. */
export async function extractionPending(db: SqlDriver, jobIds: readonly string[]): Promise<number> {
  const r = await db.get<{ n: number }>(
    `SELECT count(*) AS n FROM extract_queue WHERE job_id IN (${jobIds.map(() => '?').join(',')})`,
    [...jobIds],
  );
  return Number(r?.n ?? 0);
}

/**
 * The finished jobs a build reads, oldest first: those named; a collection's refreshes; or every finished job
 * of the tenant (the archive). Named jobs must exist in the tenant (else NOT_FOUND, as a missing one) and be done.
 */
export async function sourceJobs(
  db: SqlDriver,
  tenant: string,
  from: DatasetBuildParams['from'],
): Promise<string[]> {
  if ('jobs' in from) {
    const ids = [...new Set(from.jobs)];
    const rows = await db.all<{ id: string; state: string }>(
      `SELECT id, state FROM jobs WHERE tenant_id = ? AND id IN (${ids.map(() => '?').join(',')})`,
      [tenant, ...ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r.state]));
    for (const id of ids) {
      const state = byId.get(id);
      if (state === undefined) throw new CoordinatorError('NOT_FOUND', `from.jobs: no job ${id}`);
      if (state !== 'done')
        throw new CoordinatorError('CONFLICT', `from.jobs: job ${id} is ${state}, not done`);
    }
    return ids;
  }
  const rows =
    'collection' in from
      ? await db.all<{ id: string }>(
          `SELECT id FROM jobs WHERE tenant_id = ? AND collection_id = ? AND state = 'done' ORDER BY created_at`,
          [tenant, from.collection],
        )
      : await db.all<{ id: string }>(
          `SELECT id FROM jobs WHERE tenant_id = ? AND state = 'done' ORDER BY created_at`,
          [tenant],
        );
  if (rows.length === 0)
    throw new CoordinatorError(
      'NOT_FOUND',
      'collection' in from
        ? `from.collection: no finished refresh of ${from.collection}`
        : 'from.archive: no finished job',
    );
  return rows.map((r) => r.id);
}
