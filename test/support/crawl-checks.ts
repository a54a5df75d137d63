import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '@sward/core';
import type { SampleSiteFacts } from '@sward/testsites';

export const readJsonl = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const pathOf = (u: string) => {
  const x = new URL(u);
  return x.pathname + x.search;
};
// How the sample site's ground-truth reasons read in Sward's output.
const REASON: Record<string, string> = {
  'robots-txt': 'robots',
  'tdmrep-json': 'tdmrep',
  'tdm-reservation-header': 'tdmrep',
  'noai-meta': 'noai',
  'noai-header': 'noai',
  'http-404': 'http_404',
  'redirect-loop': 'redirect_loop',
};

/** The output of a crawl of the sample site matches the site's ground truth. */
export function checkOutput(dir: string, expected: SampleSiteFacts) {
  const pages = readJsonl(join(dir, 'pages.jsonl'));
  const finals = pages.map((p) => pathOf(p.finalUrl));
  assert.equal(new Set(finals).size, finals.length, 'no page stored twice');
  assert.deepEqual(
    new Set(finals),
    new Set(expected.stored.map(pathOf)),
    'every page the site says to store, and only those',
  );
  const pack = readFileSync(join(dir, 'bodies.pack'));
  for (const p of pages) {
    const body = pack.subarray(p.bodyOffset, p.bodyOffset + p.bodyLength);
    assert.equal(sha256Hex(body), p.bodySha256, 'body stored in the pack at its offset');
    assert.equal(p.signedCapture.capture.finalUrl !== undefined, true);
  }
  const skipped = readJsonl(join(dir, 'skipped.jsonl'));
  const byPath = new Map(skipped.map((s) => [pathOf(s.url), s.reason]));
  for (const s of [...expected.skipped, ...expected.failed]) {
    assert.equal(byPath.get(pathOf(s.url)), REASON[s.reason], `${s.url} is recorded as ${REASON[s.reason]}`);
  }
  return { pages, skipped };
}
