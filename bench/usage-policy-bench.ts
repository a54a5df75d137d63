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
