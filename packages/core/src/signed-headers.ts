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
] as const;
