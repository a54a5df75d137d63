import { createHash } from 'node:crypto';
import { BUNDLE_MANIFEST_TYPE, type ManifestFile } from '@sward/core';
import type { Anchor } from '../anchor/anchor.js';
import { FileAnchor } from '../anchor/file-anchor.js';
import type { BlobStore } from '../blob/blob-store.js';
import { CoordinatorError } from '../errors.js';
import type { Checkpointer } from '../log/checkpointer.js';
import type { LogStore } from '../log/log-store.js';
import { jobCompliance } from '../policy/compliance.js';
import type { PageCursor } from '../store/capture-store.js';
import type { Store } from '../store/store.js';
import type { Job } from '../store/types.js';
import {
  type BundleSink,
  type BundleSource,
  type DocumentFilters,
  outputParameters,
  produceBundle,
} from './bundle-writer.js';
import type { PackDigests } from './pack-digests.js';
import { pageListing } from './page-listing.js';
import { skipListing } from './skip-evidence.js';

export interface ManifestDeps {
  store: Store;
  blobs: BlobStore;
  logStore: LogStore;
  checkpoints: Checkpointer;
  /** The same anchor GET /v1/log/anchor-chain serves: a bundle ships its file anchor chain. */
  anchor?: Anchor | undefined;
  /** Packs hashed before, by job and body list: a repeated request reads no body (pack-digests.ts). */
  packDigests?: PackDigests | undefined;
}

/**
 * Rows read from the store at a time. The manifest is made from every row of the job, but no more than a
 * batch is held at once: 1,000 documents parsed were some 40 MB of heap at the output's peak.
 */
const READ_BATCH = 200;

const b64 = (hs: Buffer[]) => hs.map((h) => h.toString('base64'));

/** The bundle's data read from the store, in the order and shape the HTTP API serves it. */
export function storeBundleSource(
  { store, blobs, logStore, checkpoints, anchor }: ManifestDeps,
  jobId: string,
): BundleSource {
  return {
    async *pages() {
      let cursor: PageCursor | null = null;
      for (;;) {
        const { rows, next } = await store.captures.pages(jobId, cursor, READ_BATCH);
        // As GET /v1/jobs/:id/pages: a taken-down page is in no build made after its takedown.
        const kept = await store.takedowns.exclude(rows, (p) => [p.requestedUrl, p.finalUrl]);
        for (const p of kept) {
          const { seq: _s, ...listing } = pageListing(p, blobs);
          yield listing;
        }
        if (!next || rows.length === 0) return;
        cursor = next;
      }
    },
    async inclusionProofs(size, indices) {
      const out: Record<number, string[]> = {};
      for (const i of indices) out[i] = b64(await logStore.inclusionProof(i, size));
      return out;
    },
    async *skipped() {
      let after = 0;
      for (;;) {
        const rows = await store.captures.skipped(jobId, after, 5000);
        for (const r of rows) {
          const { id: _i, ...listing } = skipListing(r);
          yield listing;
        }
        if (rows.length === 0) return;
        after = rows[rows.length - 1]?.id as number;
      }
    },
    compliance: () => jobCompliance(store, jobId),
    async *documents() {
      let after = 0;
      for (;;) {
        const rows = await store.captures.documents(jobId, after, READ_BATCH);
        const kept = await store.takedowns.exclude(rows, (d) => [d.url, d.finalUrl]);
        for (const { seq: _s, ...listing } of kept) yield listing;
        if (rows.length === 0) return;
        after = rows[rows.length - 1]?.seq as number;
      }
    },
    checkpoints: () => checkpoints.range(0, Number.MAX_SAFE_INTEGER),
    async anchorChain(chain, from, to) {
      // As the route answers: only this coordinator's own file chain; another replica's is not here.
      if (!(anchor instanceof FileAnchor) || anchor.chain !== chain) return null;
      return anchor.entries(from, to);
    },
    consistencyProof: async (from, to) => b64(await logStore.consistencyProof(from, to)),
    logKey: async () => checkpoints.verifierKey,
  };
}

/**
 * A sink that keeps each file's SHA-256 and size and nothing else. The pack of bodies is hashed from the
 * bodies as this coordinator stores them, each checked against the hash ingest stored it under, unless
 * `cache` holds the digest of the pack made of the very same bodies (then no body is read).
 */
function hashingSink(
  blobs: BlobStore,
  cache: { jobId: string; packs: PackDigests } | null,
): BundleSink & { files: ManifestFile[] } {
  const files: ManifestFile[] = [];
  const hashing = (path: string) => {
    const h = createHash('sha256');
    let size = 0;
    return {
      update(bytes: Uint8Array) {
        size += bytes.length;
        h.update(bytes);
      },
      close() {
        files.push({ path, sha256: h.digest('hex'), size });
      },
    };
  };
  return {
    files,
    text(path) {
      const file = hashing(path);
      return {
        async write(text) {
          file.update(Buffer.from(text, 'utf8'));
        },
        async close() {
          file.close();
        },
      };
    },
    bodies(path) {
      // The list of bodies decides the pack's bytes; they are read at close, only if it is new.
      const bodies: { sha256: string; size: number }[] = [];
      const list = createHash('sha256');
      return {
        async add(sha256, size) {
          bodies.push({ sha256, size });
          list.update(`${sha256} ${size}\n`);
        },
        async close() {
          const key = list.digest('hex');
          const known = cache?.packs.get(cache.jobId, key);
          if (known) {
            files.push({ path, ...known });
            return;
          }
          const file = hashing(path);
          for (const { sha256, size } of bodies) {
            const body = await blobs.get(sha256);
            if (!body || body.length !== size || createHash('sha256').update(body).digest('hex') !== sha256)
              throw new CoordinatorError(
                'STORAGE',
                `stored body ${sha256} is missing or does not match its hash and length ${size}`,
              );
            file.update(body);
          }
          file.close();
          const made = files[files.length - 1] as ManifestFile;
          cache?.packs.set(cache.jobId, key, { sha256: made.sha256, size: made.size });
        },
      };
    },
  };
}

/**
 * The signed manifest of a finished job's output folder made against checkpoint `size` with `filters`:
 * the coordinator produces every file from its own store (the same builders `sward crawl` writes with),
 * hashes it and signs the list with the log key. It never signs a hash it did not compute.
 */
export async function jobManifest(
  deps: ManifestDeps,
  job: Job,
  size: number,
  filters: DocumentFilters & { warc?: boolean },
): Promise<string> {
  const [cp] = await deps.checkpoints.range(size, size);
  if (!cp) throw new CoordinatorError('BAD_REQUEST', `size: no checkpoint of size ${size}`);
  const span = await deps.store.captures.leafSpan(job.id);
  if (span.unsequenced > 0 || (span.maxLeaf !== null && span.maxLeaf >= size))
    throw new CoordinatorError(
      'BAD_REQUEST',
      `size: checkpoint ${size} does not cover every page of job ${job.id}; seal the job and use its checkpoint`,
    );
  const sink = hashingSink(deps.blobs, deps.packDigests ? { jobId: job.id, packs: deps.packDigests } : null);
  await produceBundle(storeBundleSource(deps, job.id), size, filters, sink);
  return deps.checkpoints.signManifest({
    type: BUNDLE_MANIFEST_TYPE,
    jobId: job.id,
    parameters: { job: { ...job.options }, output: outputParameters(filters) },
    checkpoint: { size: cp.size, hash: cp.hash },
    files: sink.files,
  });
}
