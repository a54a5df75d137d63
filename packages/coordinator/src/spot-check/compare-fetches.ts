import { comparableText, shingleSimilarity } from './text-similarity.js';

export interface FetchedPage {
  status: number;
  bodySha256: string;
  contentType: string | null;
}

/**
 * Whether two fetches of one page agree, as a spot check judges them: the same bytes, or the same status and
 * texts at least `threshold` similar (comparableText: the main text a customer's document holds, so a
 * rotating advertisement or a render time does not count, a rewritten paragraph does). The first body is
 * read only when the bytes differ.
 */
export async function compareFetches(
  a: FetchedPage & { body: () => Promise<Buffer | null> },
  b: FetchedPage & { body: Buffer },
  threshold: number,
): Promise<{ agrees: boolean; similarity: number }> {
  if (a.status !== b.status) return { agrees: false, similarity: 0 };
  if (a.bodySha256 === b.bodySha256) return { agrees: true, similarity: 1 };
  const first = await a.body();
  const similarity = first
    ? shingleSimilarity(
        await comparableText(first, a.contentType),
        await comparableText(b.body, b.contentType),
      )
    : 0;
  return { agrees: similarity >= threshold, similarity };
}
