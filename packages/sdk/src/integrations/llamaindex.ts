import { type BaseReader, Document } from '@llamaindex/core/schema';
import {
  type CollectionSearchInput,
  type SwardSearchMetadata,
  searchForDocuments,
} from './search-documents.js';

/**
 * A LlamaIndex.TS reader over a Sward live collection's hybrid search: `loadData(query)` answers the
 * passages as Documents whose metadata carries their provenance (capture id, log leaf, checkpoint, proof
 * path). `@llamaindex/core` is an optional peer. Its maintainers marked LlamaIndex.TS deprecated in 2026;
 * this reader is for projects that still use it.
 */
export class SwardReader implements BaseReader<Document<SwardSearchMetadata>> {
  constructor(private readonly search: CollectionSearchInput) {}

  async loadData(query: string): Promise<Document<SwardSearchMetadata>[]> {
    return (await searchForDocuments(this.search, query)).map(
      (d) => new Document<SwardSearchMetadata>({ text: d.text, metadata: d.metadata, id_: d.id }),
    );
  }
}
