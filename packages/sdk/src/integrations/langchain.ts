import type { CallbackManagerForRetrieverRun } from '@langchain/core/callbacks/manager';
import { Document } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import {
  type CollectionSearchInput,
  type SwardSearchMetadata,
  searchForDocuments,
} from './search-documents.js';

export type SwardRetrieverInput = BaseRetrieverInput & CollectionSearchInput;

/**
 * A LangChain.js retriever over a Sward live collection's hybrid search. Each document's metadata names
 * its URL, fetch time and provenance (capture id, log leaf, checkpoint, proof path), so an answer built on
 * it can be proved later. `@langchain/core` is an optional peer: install it to use `@sward/sdk/langchain`.
 */
export class SwardRetriever extends BaseRetriever {
  static override lc_name(): string {
    return 'SwardRetriever';
  }
  lc_namespace = ['sward', 'retrievers'];
  private readonly search: CollectionSearchInput;

  constructor(fields: SwardRetrieverInput) {
    super(fields);
    this.search = fields;
  }

  override async _getRelevantDocuments(
    query: string,
    _runManager?: CallbackManagerForRetrieverRun,
  ): Promise<Document<SwardSearchMetadata>[]> {
    return (await searchForDocuments(this.search, query)).map(
      (d) => new Document({ pageContent: d.text, metadata: d.metadata, id: d.id }),
    );
  }
}
