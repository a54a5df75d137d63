import type { SpotCheckEpoch } from '@sward/core';
import { SwardApiError } from './errors.js';
import type {
  ApiKeyInfo,
  CheckpointInfo,
  CollectionInfo,
  CollectionSearchAnswer,
  CollectionSearchRequest,
  CrawlRequest,
  CreateKeyRequest,
  DocumentRow,
  JobCompliance,
  JobInfo,
  NewApiKey,
  PageRow,
  RowProof,
  SkipRow,
} from './types.js';

export interface ClientOptions {
  /** Coordinator base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  apiKey: string;
}

/** Typed client for the customer HTTP API. */
export class SwardClient {
  private readonly base: string;
  constructor(private readonly opts: ClientOptions) {
    this.base = opts.url.replace(/\/+$/, '');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.opts.apiKey}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (cause) {
      throw new SwardApiError(
        'NETWORK',
        `cannot reach the coordinator at ${this.base}: ${(cause as Error).message}`,
        0,
        {
          cause,
        },
      );
    }
    if (!res.ok) {
      const j = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
      throw new SwardApiError(
        j?.error?.code ?? 'HTTP',
        j?.error?.message ?? `${method} ${path}: HTTP ${res.status}`,
        res.status,
      );
    }
    return (await res.json()) as T;
  }

  createCrawl(req: CrawlRequest): Promise<JobInfo> {
    return this.call('POST', '/v1/jobs', req);
  }

  job(id: string): Promise<JobInfo> {
    return this.call('GET', `/v1/jobs/${encodeURIComponent(id)}`);
  }

  jobs(): Promise<{ jobs: JobInfo[] }> {
    return this.call('GET', '/v1/jobs');
  }

  /** Every stored page of a job in log (leaf) order, paging through the API. */
  async *pages(jobId: string): AsyncGenerator<PageRow> {
    let after = '';
    for (;;) {
      const r = await this.call<{ pages: PageRow[]; next: string | null }>(
        'GET',
        `/v1/jobs/${encodeURIComponent(jobId)}/pages?after=${encodeURIComponent(after)}&limit=1000`,
      );
      yield* r.pages;
      if (r.next === null) return;
      after = r.next;
    }
  }

  /** The robots.txt and tdmrep.json answers a job's URL decisions rest on, with what each decided. */
  compliance(jobId: string): Promise<JobCompliance> {
    return this.call('GET', `/v1/jobs/${encodeURIComponent(jobId)}/compliance`);
  }

  /** Extracted documents of a job's stored pages. */
  async *documents(jobId: string): AsyncGenerator<DocumentRow> {
    let after = 0;
    for (;;) {
      const r = await this.call<{ documents: DocumentRow[]; next: number | null }>(
        'GET',
        `/v1/jobs/${encodeURIComponent(jobId)}/documents?after=${after}&limit=1000`,
      );
      yield* r.documents;
      if (r.next === null) return;
      after = r.next;
    }
  }

  async *skipped(jobId: string): AsyncGenerator<SkipRow> {
    let after = 0;
    for (;;) {
      const r = await this.call<{ skipped: SkipRow[]; next: number | null }>(
        'GET',
        `/v1/jobs/${encodeURIComponent(jobId)}/skipped?after=${after}`,
      );
      yield* r.skipped;
      if (r.next === null) return;
      after = r.next;
    }
  }

  async blob(sha256: string): Promise<Buffer> {
    const res = await fetch(`${this.base}/v1/blobs/${sha256}`, {
      headers: { authorization: `Bearer ${this.opts.apiKey}` },
    });
    if (!res.ok) throw new SwardApiError('HTTP', `blob ${sha256}: HTTP ${res.status}`, res.status);
    return Buffer.from(await res.arrayBuffer());
  }

  /** A live collection; with `webhook`, the answer carries `webhookSecret` (shown this once). */
  createCollection(req: {
    name: string;
    sources: string[];
    every?: string | number;
    maxPages?: number;
    chunkSize?: number;
    chunkOverlap?: number;
    webhook?: string;
  }): Promise<CollectionInfo> {
    return this.call('POST', '/v1/collections', req);
  }

  /** Chunks matching `query` (BM25, fused with vectors when the coordinator has an embedding provider). */
  searchCollection(id: string, req: CollectionSearchRequest): Promise<CollectionSearchAnswer> {
    return this.call('POST', `/v1/collections/${encodeURIComponent(id)}/search`, req);
  }

  /** Refresh now rather than at the next interval. */
  refreshCollection(id: string): Promise<CollectionInfo> {
    return this.call('POST', `/v1/collections/${encodeURIComponent(id)}/refresh`);
  }

  async collections(): Promise<CollectionInfo[]> {
    return (await this.call<{ collections: CollectionInfo[] }>('GET', '/v1/collections')).collections;
  }

  collection(id: string): Promise<CollectionInfo> {
    return this.call('GET', `/v1/collections/${encodeURIComponent(id)}`);
  }

  pauseCollection(id: string, paused: boolean): Promise<CollectionInfo> {
    return this.call('POST', `/v1/collections/${encodeURIComponent(id)}/${paused ? 'pause' : 'resume'}`);
  }

  async deleteCollection(id: string): Promise<void> {
    await this.call('DELETE', `/v1/collections/${encodeURIComponent(id)}`);
  }

  /** A new API key (scope keys:admin); its secret is in the answer only. */
  createKey(req: CreateKeyRequest = {}): Promise<NewApiKey> {
    return this.call('POST', '/v1/keys', req);
  }

  /** The tenant's keys; an admin key sees every tenant's, or one tenant's with `tenant`. */
  async keys(tenant?: string): Promise<ApiKeyInfo[]> {
    const q = tenant === undefined ? '' : `?tenant=${encodeURIComponent(tenant)}`;
    return (await this.call<{ keys: ApiKeyInfo[] }>('GET', `/v1/keys${q}`)).keys;
  }

  revokeKey(id: string): Promise<ApiKeyInfo> {
    return this.call('POST', `/v1/keys/${encodeURIComponent(id)}/revoke`);
  }

  /** A new secret for the key, same tenant, role and scopes; the old secret stops working at once. */
  rotateKey(id: string): Promise<NewApiKey & { replaces: string }> {
    return this.call('POST', `/v1/keys/${encodeURIComponent(id)}/rotate`);
  }

  /** The proof of one stored page, by capture id or URL. */
  proof(by: { captureId: string } | { url: string }): Promise<RowProof> {
    const q =
      'captureId' in by
        ? `captureId=${encodeURIComponent(by.captureId)}`
        : `url=${encodeURIComponent(by.url)}`;
    return this.call('GET', `/v1/proofs?${q}`);
  }

  /** Gives every capture of a finished job its log leaf and returns a checkpoint covering them. */
  seal(jobId: string): Promise<CheckpointInfo> {
    return this.call('POST', `/v1/jobs/${encodeURIComponent(jobId)}/seal`);
  }

  async checkpoints(from = 0): Promise<CheckpointInfo[]> {
    return (await this.call<{ checkpoints: CheckpointInfo[] }>('GET', `/v1/log/checkpoints?from=${from}`))
      .checkpoints;
  }

  /** Spot-check sampling epochs: signed commitments, and each key once its epoch is over (public). */
  async spotCheckEpochs(from = 0): Promise<{ origin: string; epochMs: number; epochs: SpotCheckEpoch[] }> {
    return this.call('GET', `/v1/log/spot-check/epochs?from=${from}`);
  }

  /** The recorded draw of a stored capture: its epoch and whether it was selected for a spot check (public). */
  async spotCheckDraw(captureId: string): Promise<{ captureId: string; epoch: number; selected: boolean }> {
    return this.call('GET', `/v1/log/spot-check/draws/${encodeURIComponent(captureId)}`);
  }

  async logKey(): Promise<string> {
    const res = await fetch(`${this.base}/v1/log/key`);
    if (!res.ok) throw new SwardApiError('HTTP', `log key: HTTP ${res.status}`, res.status);
    return (await res.text()).trim();
  }

  async inclusionProofs(size: number, indices: number[]): Promise<Record<number, string[]>> {
    const out: Record<number, string[]> = {};
    for (let i = 0; i < indices.length; i += 2000) {
      const r = await this.call<{ proofs: Record<number, string[]> }>('POST', '/v1/log/proofs/inclusion', {
        size,
        indices: indices.slice(i, i + 2000),
      });
      Object.assign(out, r.proofs);
    }
    return out;
  }

  async consistencyProof(from: number, to: number): Promise<string[]> {
    return (await this.call<{ hashes: string[] }>('GET', `/v1/log/proof/consistency?from=${from}&to=${to}`))
      .hashes;
  }

  /** Polls a job until it is done, calling `onProgress` after each poll. */
  async waitForJob(
    id: string,
    onProgress?: (j: JobInfo) => void,
    intervalMs = 250,
    onUnreachable?: (e: SwardApiError) => void,
  ): Promise<JobInfo> {
    let downSince: number | null = null;
    for (;;) {
      try {
        const j = await this.job(id);
        downSince = null;
        onProgress?.(j);
        if (j.state === 'done') return j;
      } catch (e) {
        // A coordinator restart is not the end of a crawl: its state is on disk. Wait for it, up to 5 minutes.
        const retriable = e instanceof SwardApiError && (e.code === 'NETWORK' || e.status === 503);
        if (!retriable) throw e;
        downSince ??= Date.now();
        if (Date.now() - downSince > 300_000) throw e;
        onUnreachable?.(e);
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
