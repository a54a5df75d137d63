import {
  CREATOR_PURPOSES,
  type CreatorPurpose,
  type CreatorStatement,
  type CreatorStatementLine,
  microsDecimal,
} from '@sward/core';
import type { SqlExecutor } from '../store/sql-driver.js';

/**
 * A creator tenant's statement: per epoch and domain, the pages stored (and paid for) under its terms, by
 * purpose, the pages dataset downloads paid for, and what it earned, from cr_page_charges, newest epoch first. Only the tenant's own rows: the
 * creator of the terms at capture time is the one paid and shown, whoever owns the domain now.
 */
export async function creatorStatement(
  ex: SqlExecutor,
  tenant: string,
  epochMs: number,
  epoch?: number,
): Promise<CreatorStatement> {
  const rows = await ex.all<{
    epoch: number;
    domain: string;
    purpose: string;
    version: number;
    crawl: number;
    n: number;
    charged: number | null;
    earned: number | null;
  }>(
    `SELECT epoch, domain, purpose, version, CASE WHEN ref = 'crawl' THEN 1 ELSE 0 END AS crawl, COUNT(*) AS n, SUM(price) AS charged,
       SUM(creator_micros) AS earned
     FROM cr_page_charges WHERE creator_tenant = ?${epoch === undefined ? '' : ' AND epoch = ?'}
     GROUP BY epoch, domain, purpose, version, CASE WHEN ref = 'crawl' THEN 1 ELSE 0 END ORDER BY epoch DESC, domain`,
    epoch === undefined ? [tenant] : [tenant, epoch],
  );
  const lines = new Map<string, CreatorStatementLine>();
  for (const r of rows) {
    const e = Number(r.epoch);
    const key = `${e}\n${r.domain}`;
    let line = lines.get(key);
    if (!line) {
      line = {
        epoch: e,
        from: new Date(e * epochMs).toISOString(),
        to: new Date((e + 1) * epochMs).toISOString(),
        domain: r.domain,
        pages: 0,
        purposes: Object.fromEntries(CREATOR_PURPOSES.map((p) => [p, 0])) as Record<CreatorPurpose, number>,
        termsVersions: [],
        chargedMicroUsd: 0,
        earnedMicroUsd: 0,
        earnedUsd: '0',
        downloads: { pages: 0, chargedMicroUsd: 0, earnedMicroUsd: 0 },
      };
      lines.set(key, line);
    }
    const n = Number(r.n);
    if (Number(r.crawl) === 1) {
      line.pages += n;
      line.purposes[r.purpose as CreatorPurpose] += n;
    } else {
      // every other reference is a dataset download (page-charges.ts)
      line.downloads.pages += n;
      line.downloads.chargedMicroUsd += Number(r.charged ?? 0);
      line.downloads.earnedMicroUsd += Number(r.earned ?? 0);
    }
    if (!line.termsVersions.includes(Number(r.version))) line.termsVersions.push(Number(r.version));
    line.chargedMicroUsd += Number(r.charged ?? 0);
    line.earnedMicroUsd += Number(r.earned ?? 0);
  }
  const out = [...lines.values()];
  for (const l of out) {
    l.termsVersions.sort((a, b) => a - b);
    l.earnedUsd = microsDecimal(l.earnedMicroUsd);
  }
  const total = out.reduce((s, l) => s + l.earnedMicroUsd, 0);
  return { lines: out, totalEarnedMicroUsd: total, totalEarnedUsd: microsDecimal(total) };
}
