export * from './hit-log.js';
export * from './news-site.js';
export * from './pay-per-crawl-site.js';
export { prng } from './prng.js';
export * from './sample-facts.js';
export * from './sample-site.js';
export * from './usage-policy-site.js';
export * from './web-bot-auth-site.js';
export * from './web-bot-auth-verifier.js';
