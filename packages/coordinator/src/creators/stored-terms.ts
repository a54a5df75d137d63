import type { CreatorTerms } from '@sward/core';

/**
 * A cr_terms row's terms. Rows written before prices were money carry `pricePer1000Pages`, a number of
 * points nothing ever charged: read as free, so no customer is charged a price no one set in dollars.
 */
export function parseStoredTerms(text: string): CreatorTerms {
  const { pricePer1000Pages: _points, ...t } = JSON.parse(text) as CreatorTerms & {
    pricePer1000Pages?: number;
  };
  return { ...t, pricePer1000PagesUsd: t.pricePer1000PagesUsd ?? '0', royaltyShare: t.royaltyShare ?? 0 };
}
