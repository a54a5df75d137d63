import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobInfo } from '@sward/sdk';
import type { CrawlOutputSummary } from './crawl-output.js';
import { formatCrawlSummary } from './summary.js';

const job = (extra: Partial<JobInfo> = {}): JobInfo => ({
  id: 'j_1',
  seed: 'https://example.org/',
  state: 'done',
  stored: 3,
  createdAt: 0,
  finishedAt: 2000,
  capturedAt: 1000,
  options: { seed: 'https://example.org/', maxPages: 10, maxDepth: 2, include: [], exclude: [] },
  progress: {
    queued: 0,
    leased: 0,
    stored: 3,
    skipped: 2,
    failed: 0,
    skippedByReason: { budget_exhausted: 1, price_above_max: 1 },
    failedByReason: {},
    pagesByNode: {},
  },
  ...extra,
});
const out: CrawlOutputSummary = {
  dir: 'out',
  pages: 3,
  documents: 3,
  dropped: { quality: 0, duplicate: 0, language: 0 },
  skipped: 2,
  failed: 0,
  warc: null,
  manifest: 'provenance/manifest.note',
};

test('the crawl summary says what a paying job spent, against its budget, and why pages were skipped', () => {
  const text = formatCrawlSummary(job({ spend: { spent: '0.07', held: '0', budget: '0.07' } }), out, 2000);
  assert.match(text, /paid: {11}USD 0\.07 of a USD 0\.07 budget/);
  assert.match(text, /budget_exhausted +1/);
  assert.match(
    formatCrawlSummary(job({ spend: { spent: '0.2', held: '0', budget: null } }), out, 1),
    /paid: +USD 0\.2\n/,
  );
  assert.doesNotMatch(
    formatCrawlSummary(job(), out, 2000),
    /paid:/,
    'a job that pays nothing has no paid line',
  );
});

test('a job cancelled while `sward crawl` followed it is reported as cancelled, not finished', () => {
  const text = formatCrawlSummary(job({ state: 'cancelled' }), out, 2000);
  assert.match(
    text.split('\n')[0] as string,
    /^Crawl j_1 of https:\/\/example\.org\/ was cancelled; its output written in 2\.0 s$/,
  );
  assert.match(
    formatCrawlSummary(job(), out, 2000),
    /^Crawl j_1 of https:\/\/example\.org\/ finished in 2\.0 s/,
  );
});
