// Cost of the per-purpose usage decision (@sward/core/usage-policy) per page, against the robots.txt
// Allow/Disallow verdict the coordinator computes for every URL today, measured in the same run on the
// same URLs. Parsing (robots.txt extension lines, one RSL document) is timed separately: it happens
// once per origin and policy refresh, not per page.
// Run: node --import tsx bench/usage-policy-bench.ts [pages]

import { robotsVerdict } from '@sward/core';
import { decideUsage, parseRobotsUsage, parseRslDocument, type UsageSignals } from '@sward/core/usage-policy';

const n = Number(process.argv[2] ?? 200_000);
const origin = 'https://news.example';
const robotsTxt = [
  'User-agent: *',
  'Allow: /',
  'Disallow: /admin/',
  'Crawl-delay: 1',
  'Content-Usage: train-ai=n',
  'Content-Usage: /open/ train-ai=y',
  'Content-Signal: search=yes, ai-input=yes, ai-train=no',
  'Content-Signal: /premium/ ai-input=no',
  'License: https://news.example/license.xml',
  ...Array.from({ length: 40 }, (_, i) => `Disallow: /section-${i}/*.pdf$`),
].join('\n');
const rslXml = `<rsl xmlns="https://rslstandard.org/rsl">
  <content url="/"><license><permits type="usage">search ai-input ai-index</permits></license></content>
  <content url="/premium/*"><license><permits type="usage">all</permits>
    <payment type="crawl"><amount currency="USD">0.01</amount></payment></license></content>
</rsl>`;
const urls = Array.from(
  { length: 1000 },
  (_, i) => `${origin}/${['open', 'premium', 'news'][i % 3]}/story-${i}?p=${i % 7}`,
);

function time(label: string, count: number, run: (i: number) => unknown): number {
  for (let i = 0; i < Math.min(count, 2000); i++) run(i); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) run(i);
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / count;
  console.log(`${label.padEnd(52)} ${us.toFixed(2)} µs/op`);
  return us;
}

const parseRobots = time('parseRobotsUsage (once per robots.txt)', 5000, () =>
  parseRobotsUsage(robotsTxt, 'SwardBot'),
);
const parseRsl = time('parseRslDocument (once per licence)', 5000, () => parseRslDocument(rslXml));
const signals: UsageSignals = {
  robotsAllowed: true,
  robots: parseRobotsUsage(robotsTxt, 'SwardBot'),
  contentUsageHeader: 'train-ai=n, search=y',
  contentSignalHeader: 'ai-train=no',
  rsl: [parseRslDocument(rslXml)],
  tdmReserved: false,
  noai: false,
};
const purposes = ['train', 'input', 'index'] as const;
const baseline = time('baseline: robotsVerdict (Allow/Disallow, per page)', n, (i) =>
  robotsVerdict(origin, 'fetched', robotsTxt, urls[i % urls.length] as string),
);
const decide = time('decideUsage (all signals, per page and purpose)', n, (i) =>
  decideUsage(purposes[i % 3] as (typeof purposes)[number], urls[i % urls.length] as string, signals),
);
console.log(
  `decideUsage / robotsVerdict: ${(decide / baseline).toFixed(2)}x; parse once: robots ${parseRobots.toFixed(1)} µs, RSL ${parseRsl.toFixed(1)} µs`,
);

// --- The wired path on the coordinator (issue #15 points 1-2), per page, against the same run's baselines ---
// Before leasing: what the scheduler adds per URL (robots.txt usage rules parsed once per robots.txt answer,
// then decideUsage for the job's purpose) on top of robotsVerdict. On the response: ingest's pageVerdict on an
// HTML page (the crawl's light path, extract: false) with the page's rights (decision for every purpose, the
// rights receipt with its headers hash) against the same pageVerdict as before purposes (TDM header and noai).

const { pageVerdict } = await import('../packages/coordinator/src/ingest/page-verdict.js');
const { PageRights, PolicyDocCache } = await import('../packages/coordinator/src/ingest/page-rights.js');
const { robotsUsageOf } = await import('../packages/coordinator/src/policy/usage-rights.js');
const { sha256Hex, captureLeafBytes, generateIdentity } = await import('@sward/core');
const { captureUpload } = await import('../test/support/capture-maker.js');

const robotsUsage = robotsUsageOf(1, robotsTxt);
const preLease = time('scheduler: robotsVerdict + decideUsage (per URL)', n, (i) => {
  const url = urls[i % urls.length] as string;
  robotsVerdict(origin, 'fetched', robotsTxt, url);
  return decideUsage(purposes[i % 3] as (typeof purposes)[number], url, {
    robots: robotsUsageOf(1, robotsTxt) ?? robotsUsage,
    rsl: signals.rsl,
  });
});

const para = (i: number) =>
  `<p>Paragraph ${i} of a story about the harbour, with <a href="/news/story-${i}">a link</a> and some words to read.</p>`;
const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A story</title>
<meta name="robots" content="index, follow"></head><body><main>${Array.from({ length: 120 }, (_, i) => para(i)).join('\n')}</main></body></html>`;
const body = Buffer.from(html);
// A node's signed capture of the page, as a real node makes it (test/support/capture-maker.ts).
const { capture, signature } = captureUpload(
  generateIdentity(),
  { leaseId: 'l_bench', jobId: 'j_bench', url: `${origin}/news/story-1` },
  { body, headers: { 'content-usage': 'train-ai=n, search=y', 'content-signal': 'search=yes, ai-train=no' } },
);
const robotsRow = {
  id: 1,
  origin,
  kind: 'robots',
  url: `${origin}/robots.txt`,
  capture_id: `c_${'b'.repeat(32)}`,
  status: 200,
  body_sha256: sha256Hex(robotsTxt),
  body: robotsTxt,
  state: 'fetched',
  detail: null,
  fetched_at: Date.now(),
};
const licenceRow = { ...robotsRow, id: 2, kind: 'rsl', url: `${origin}/license.xml`, body: rslXml };
// Only the two reads PageRights makes, answered from memory: the policy document and the licence.
const db = {
  all: async (sql: string) => (sql.includes("kind = 'rsl'") ? [licenceRow] : [robotsRow]),
  get: async () => undefined,
  run: async () => undefined,
} as never;
const cache = new PolicyDocCache();
const lease = {
  id: 1,
  jobId: 'j_bench',
  url: capture.requestedUrl,
  origin,
  kind: 'page',
  depth: 1,
  state: 'leased',
  attempts: 0,
  leaseId: 'l_bench',
  leasedTo: capture.nodeId,
  leaseDeadline: null,
  detail: null,
  robotsDoc: 1,
  tdmrepDoc: null,
} as never;
const job = { id: 'j_bench', options: { purpose: 'index' }, collectionId: null } as never;

async function timeAsync(label: string, count: number, run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(count, 500); i++) await run();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await run();
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / count;
  console.log(`${label.padEnd(52)} ${us.toFixed(2)} µs/op`);
  return us;
}
const pages = Math.max(1000, Math.round(n / 100));
const baselinePage = async () => {
  await pageVerdict(capture, body, { extract: false });
  return captureLeafBytes({ capture, signature });
};
const rightsPage = async () => {
  const rights = await PageRights.of(db, cache, 86_400_000, lease, capture, `c_${'c'.repeat(32)}`, job);
  await pageVerdict(capture, body, { extract: false, usage: rights.usage });
  const receipt = rights.receipt();
  return captureLeafBytes(receipt ? { capture, rights: receipt, signature } : { capture, signature });
};
// Alternating rounds, medians: the machine's load drifts within a run, and both sides see the same drift.
const rounds = { before: [] as number[], after: [] as number[] };
for (let r = 0; r < 7; r++) {
  rounds.before.push(
    await timeAsync(`ingest baseline: pageVerdict + leaf (round ${r + 1})`, pages, baselinePage),
  );
  rounds.after.push(
    await timeAsync(`ingest: rights + pageVerdict + receipt (round ${r + 1})`, pages, rightsPage),
  );
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const before = median(rounds.before);
const withRights = median(rounds.after);
console.log(`ingest medians: baseline ${before.toFixed(1)} µs, with rights ${withRights.toFixed(1)} µs`);
console.log(
  `scheduler per URL: ${(preLease / baseline).toFixed(2)}x robotsVerdict (+${(preLease - baseline).toFixed(1)} µs); ingest per page: ${(withRights / before).toFixed(2)}x (+${(withRights - before).toFixed(1)} µs)`,
);
