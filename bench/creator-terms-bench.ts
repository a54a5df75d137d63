// Cost of creators' terms on the coordinator (issue #15 point 5), SQLite, against what the same path already
// paid per page, in the same run:
// - scheduler, per origin and claim round: Creators.termsForHost (one indexed lookup per parent domain), hit and
//   miss, with 1,000 claimed domains in the table; baseline robotsVerdict per URL (as usage-policy-bench);
// - scheduler, per page lease of a claimed domain: CreatorPageFlow.leased (one INSERT);
// - ingest, per page capture: termsOfLease (one join), and per stored priced page chargeForPages (a row for the
//   statement, one four-line ledger posting), against the pay-per-crawl posting a site's charge makes
//   (RewardsService.recordCharge), each in its own transaction.
// Run: node --conditions=source --import tsx bench/creator-terms-bench.ts [ops]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreatorPageFlow, Creators, chargeForPages, openStore, RewardsService } from '@sward/coordinator';
import { creatorTermsSchema, robotsVerdict } from '@sward/core';

const n = Number(process.argv[2] ?? 5000);
const dir = mkdtempSync(join(tmpdir(), 'sward-creator-bench-'));
const store = await openStore(join(dir, 'sward.db'));
const creators = new Creators(store.db);
const rewards = new RewardsService(store.db);
const flow = new CreatorPageFlow(creators, rewards);
const terms = creatorTermsSchema.parse({
  license: 'CC-BY-4.0',
  purposes: ['train', 'input', 'index'],
  pricePer1000PagesUsd: '10',
  royaltyShare: 0.6,
});
for (let i = 0; i < 1000; i++) {
  const domain = i === 0 ? 'pub.example' : `site-${i}.example`;
  await creators.claim(`t${i}`, domain);
  await store.db.run('INSERT INTO cr_domains (domain, tenant_id, method, verified_at) VALUES (?, ?, ?, ?)', [
    domain,
    `t${i}`,
    'dns',
    Date.now(),
  ]);
  await creators.setTerms(`t${i}`, domain, terms, 'bench');
}
await store.auth.upsertNode({ id: 'node-1', operator: 'op-1' });

async function time(label: string, count: number, run: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < Math.min(count, 500); i++) await run(i + 1_000_000); // warm-up, own keys
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await run(i);
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / count;
  console.log(`${label.padEnd(60)} ${us.toFixed(2)} µs/op`);
  return us;
}

const robotsTxt = [
  'User-agent: *',
  'Allow: /',
  ...Array.from({ length: 40 }, (_, i) => `Disallow: /s-${i}/*.pdf$`),
].join('\n');
const base = await time('baseline: robotsVerdict (per URL)', n * 10, (i) =>
  robotsVerdict('https://www.pub.example', 'fetched', robotsTxt, `https://www.pub.example/a/${i % 1000}`),
);
const hit = await time('termsForHost hit (www.pub.example, per origin)', n, () =>
  creators.termsForHost('www.pub.example'),
);
const miss = await time('termsForHost miss (www.nobody.example, per origin)', n, () =>
  creators.termsForHost('www.nobody.example'),
);
const lease = { domain: 'pub.example', version: 1, purposes: terms.purposes, pricePer1000PagesUsd: '10' };
const leased = await time('leased: record the lease terms (per page lease, own tx)', n, (i) =>
  store.db.transaction((tx) => flow.leased(tx, `l_${i}`, lease)),
);
const ofLease = await time('termsOfLease (per page capture)', n, (i) =>
  flow.termsOfLease(store.db, `l_${i}`),
);
const siteCharge = await time('baseline: recordCharge, a site charge (per paid capture, own tx)', n, (i) =>
  store.db.transaction((tx) =>
    rewards.recordCharge(tx, {
      captureId: `c_site_${i}`,
      tenant: 'acme',
      origin: 'https://x',
      micros: 10_000,
    }),
  ),
);
const charge = await time('chargeForPages, one page (per stored priced page, own tx)', n, (i) =>
  store.db.transaction((tx) =>
    chargeForPages(tx, rewards, {
      customer: 'acme',
      ref: 'crawl',
      pages: [{ captureId: `c_${i}`, nodeId: 'node-1', domain: 'pub.example', version: 1, purpose: 'train' }],
    }),
  ),
);
console.log(
  `ratios: termsForHost hit/robotsVerdict ${(hit / base).toFixed(1)}x, miss ${(miss / base).toFixed(1)}x; ` +
    `leased+termsOfLease ${(leased + ofLease).toFixed(1)} µs per page; chargeForPages/recordCharge ${(charge / siteCharge).toFixed(2)}x`,
);
const audit = await rewards.ledger.audit();
if (audit.unbalanced.length || audit.drifted.length) throw new Error('ledger out of balance');
await store.close();
rmSync(dir, { recursive: true, force: true });
