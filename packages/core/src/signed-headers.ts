/** Response headers that go into the signed capture: enough to judge content, policy and freshness. */
export const SIGNED_HEADERS = [
  'content-type',
  'content-length',
  'content-language',
  'content-encoding',
  'etag',
  'last-modified',
  'date',
  'x-robots-tag',
  'tdm-reservation',
  'tdm-policy',
  'link',
  'location',
  // Publishers' usage preferences (IETF AIPREF, Cloudflare Content Signals): part of a page's rights receipt.
  'content-usage',
  'content-signal',
] as const;
