import type { CollectionSearchRequest, CollectionSearchResult } from '@sward/core';
import type { SwardClient } from '../client.js';

/** What a retriever or reader needs to ask a live collection. */
export interface CollectionSearchInput {
  client: SwardClient;
  collectionId: string;
  /** Results per query (1-200, default 4 as LangChain's own retrievers). */
  k?: number;
  filters?: CollectionSearchRequest['filters'];
}

/** Metadata every framework document carries: where the words come from and how to prove them. */
export interface SwardSearchMetadata {
  url: string;
  domain: string;
  fetchedAt: string;
  lang: string | null;
  headingPath: string[];
  score: number;
  captureId: string | null;
  leafIndex: number | null;
  checkpointSize: number | null;
  /** GET this path with the API key for the signed record, checkpoint and inclusion proof. */
  proof: string | null;
  [key: string]: unknown;
}

/** One search, its results as (text, metadata) pairs: the part both integrations share. */
export async function searchForDocuments(
  input: CollectionSearchInput,
  query: string,
): Promise<{ text: string; metadata: SwardSearchMetadata; id: string }[]> {
  const answer = await input.client.searchCollection(input.collectionId, {
    query,
    k: input.k ?? 4,
    ...(input.filters ? { filters: input.filters } : {}),
  });
  return answer.results.map((r, i) => ({ text: r.text, metadata: metadataOf(r), id: idOf(r, i) }));
}

function metadataOf(r: CollectionSearchResult): SwardSearchMetadata {
  return {
    url: r.url,
    domain: r.domain,
    fetchedAt: r.fetchedAt,
    lang: r.lang,
    headingPath: r.headingPath,
    score: r.score,
    captureId: r.provenance.captureId,
    leafIndex: r.provenance.leafIndex,
    checkpointSize: r.provenance.checkpointSize,
    proof: r.provenance.proof,
  };
}

/** Stable per passage: the capture and the passage's heading path (a capture has several passages). */
function idOf(r: CollectionSearchResult, i: number): string {
  return r.provenance.captureId ? `${r.provenance.captureId}#${r.headingPath.join('/')}` : `${r.url}#${i}`;
}
