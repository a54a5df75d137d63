// `@sward/extract/light`: the parts of extract that load no HTML parser (htmlparser2, turndown, franc and
// their ~115 modules): scoring, quality presets, near-dup, PII options, the extractor's id. A coordinator
// needs these to start and to filter documents; it loads `@sward/extract` itself at its first HTML page.
export * from './dedup.js';
export * from './dedup-store.js';
export * from './errors.js';
export * from './extractor-id.js';
export * from './pii.js';
export * from './quality-presets.js';
export * from './quality-signals.js';
