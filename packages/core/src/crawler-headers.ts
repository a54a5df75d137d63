// The pay-per-crawl header names (pay-per-crawl.ts), apart so the capture schema (capture-schema.ts) names
// them without loading the rest: the browser's proof check bundles that schema.
export const CRAWLER_PRICE = 'crawler-price';
export const CRAWLER_MAX_PRICE = 'crawler-max-price';
export const CRAWLER_EXACT_PRICE = 'crawler-exact-price';
export const CRAWLER_CHARGED = 'crawler-charged';
export const CRAWLER_ERROR = 'crawler-error';
