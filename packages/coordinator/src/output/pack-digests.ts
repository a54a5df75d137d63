/** A bundle file's SHA-256 (hex) and size, as the signed manifest lists it. */
export interface FileDigest {
  sha256: string;
  size: number;
}

/**
 * The SHA-256 and size of a job's bodies.pack, remembered so that GET /v1/jobs/:id/manifest need not read
 * every body again. The pack is the job's distinct bodies in first-use order, each checked against the
 * hash and length it is stored under when the pack is first hashed: its bytes are fixed by that list of
 * (hash, length), so an entry is kept under a digest of the list and served only for the very same list.
 * Whatever changes a job's pages (a refuted capture leaving the outputs, its replacement, a new page)
 * changes the list, and the pack is read and hashed again; no other invalidation is needed. Per process,
 * at most `max` jobs (least recently used dropped first).
 */
export class PackDigests {
  private readonly byJob = new Map<string, { list: string; digest: FileDigest }>();

  constructor(private readonly max = 256) {}

  /** The pack's digest for this job and body list, if this process hashed that pack before. */
  get(jobId: string, list: string): FileDigest | undefined {
    const hit = this.byJob.get(jobId);
    if (hit?.list !== list) return undefined;
    // Most recently used last: Map keeps insertion order.
    this.byJob.delete(jobId);
    this.byJob.set(jobId, hit);
    return hit.digest;
  }

  set(jobId: string, list: string, digest: FileDigest): void {
    this.byJob.delete(jobId);
    this.byJob.set(jobId, { list, digest });
    if (this.byJob.size > this.max) this.byJob.delete(this.byJob.keys().next().value as string);
  }
}
