import type { CreatorClaimInfo, CreatorStatement } from '@sward/sdk';
import { type Command, InvalidArgumentError } from 'commander';
import { API_KEY_HELP, COORDINATOR_HELP, sdkClient, writeJson } from '../options.js';

const PURPOSES = ['train', 'input', 'index'];

const purposes = (v: string): string[] => {
  const list = v.split(',').map((p) => p.trim());
  for (const p of list)
    if (!PURPOSES.includes(p))
      throw new InvalidArgumentError(`"${p}" is not a purpose (${PURPOSES.join(', ')})`);
  return list;
};
/** US dollars as the wire takes them (a decimal string, checked by the coordinator to a thousandth). */
const usd = (v: string): string => {
  if (!/^\d{1,9}(\.\d{1,3})?$/.test(v.trim()))
    throw new InvalidArgumentError(`expected US dollars with at most 3 decimals (e.g. 2.5), got "${v}"`);
  return v.trim();
};
const share = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError(`expected a share in 0…1, got "${v}"`);
  return n;
};
const epochArg = (v: string): number => {
  if (!/^\d{1,15}$/.test(v)) throw new InvalidArgumentError(`expected an epoch number, got "${v}"`);
  return Number(v);
};

/** Human text of one claim: its state, what to publish while pending, its terms once set. */
export function describeClaim(c: CreatorClaimInfo): string {
  const lines = [`${c.domain}  ${c.state}${c.verifiedAt ? ` (${c.method}, ${c.verifiedAt})` : ''}`];
  if (c.state === 'pending')
    lines.push(
      `  publish one of:`,
      `    ${c.proof.wellKnown.url}  ${JSON.stringify(c.proof.wellKnown.body)}`,
      `    ${c.proof.dns.name}  TXT  "${c.proof.dns.value}"`,
      `  then: sward creator verify ${c.domain}`,
    );
  if (c.terms)
    lines.push(
      `  terms v${c.terms.version} since ${c.terms.since}: licence ${c.terms.license}; purposes ${c.terms.purposes.join(', ')}; ` +
        `USD ${c.terms.pricePer1000PagesUsd} per 1,000 pages; royalty share ${c.terms.royaltyShare}`,
    );
  else if (c.state === 'verified') lines.push('  no terms set: sward creator terms <domain> --license …');
  return lines.join('\n');
}

/** Micro-USD as USD, exact (the CLI loads no @sward/core to start: cli-lazy-load.test.ts). */
const usdOf = (micros: number) =>
  `${Math.trunc(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`.replace(/\.?0+$/, '');

/** Human text of a creator's statement: one line per epoch and domain. */
export function describeStatement(s: CreatorStatement): string {
  if (s.lines.length === 0) return 'statement: no pages captured under your terms yet';
  const lines = [
    'statement (epoch, domain, pages stored under your terms by purpose, terms versions, earned):',
  ];
  for (const l of s.lines) {
    const purposes = Object.entries(l.purposes)
      .filter(([, n]) => n > 0)
      .map(([p, n]) => `${p} ${n}`)
      .join(', ');
    lines.push(
      `  epoch ${l.epoch} (${l.from.slice(0, 10)} to ${l.to.slice(0, 10)})  ${l.domain}  ${l.pages} pages (${purposes})  terms v${l.termsVersions.join(', v')}  earned USD ${l.earnedUsd}${
        l.downloads.pages > 0
          ? `  (downloads: ${l.downloads.pages} pages, earned USD ${usdOf(l.downloads.earnedMicroUsd)})`
          : ''
      }`,
    );
  }
  lines.push(`  total earned USD ${s.totalEarnedUsd}`);
  return lines.join('\n');
}

/** `sward creator …`: a site owner claims a domain, proves control of it and sets its terms. */
export function register(program: Command): void {
  const creator = program
    .command('creator')
    .description("site owners: claim a domain, prove you control it, set its pages' terms")
    .option('--coordinator <url>', COORDINATOR_HELP)
    .option('--api-key <key>', API_KEY_HELP);
  const client = () => sdkClient(creator.opts<{ coordinator?: string; apiKey?: string }>());
  const show = (o: { json?: boolean }, c: CreatorClaimInfo | CreatorClaimInfo[]) => {
    if (o.json) writeJson(c);
    else
      process.stdout.write(
        `${(Array.isArray(c) ? c.map(describeClaim).join('\n') : describeClaim(c)) || '(no claims)'}\n`,
      );
  };
  creator
    .command('claim <domain>')
    .description('start a claim: prints the well-known file or DNS TXT record to publish')
    .option('--json', 'print JSON')
    .action(async (domain: string, o) => show(o, await (await client()).claimDomain(domain)));
  creator
    .command('verify <domain>')
    .description('check the published proof now; on success the domain is yours')
    .option('--json', 'print JSON')
    .action(async (domain: string, o) => show(o, await (await client()).verifyDomain(domain)));
  creator
    .command('terms <domain>')
    .description('set the terms of a domain you own (each change is a new version)')
    .requiredOption('--license <spdx-or-url>', 'an SPDX id (CC-BY-4.0, …) or the URL of your licence')
    .requiredOption('--purposes <list>', `what the pages may be used for: ${PURPOSES.join(',')}`, purposes)
    .option('--price-per-1000 <usd>', 'US dollars a customer pays per 1,000 pages (e.g. 2.5)', usd, '0')
    .option('--royalty-share <share>', 'your share of what customers pay for your pages (0…1)', share, 0)
    .option('--json', 'print JSON')
    .action(async (domain: string, o) =>
      show(
        o,
        await (await client()).setDomainTerms(domain, {
          license: o.license,
          purposes: o.purposes,
          pricePer1000PagesUsd: o.pricePer1000,
          royaltyShare: o.royaltyShare,
        }),
      ),
    );
  creator
    .command('status')
    .description(
      'your claims, their state and terms, and your statement per epoch (pages, purposes, earnings)',
    )
    .option('--epoch <n>', 'only this epoch of the statement', epochArg)
    .option('--json', 'print JSON: {claims, statement}')
    .action(async (o: { json?: boolean; epoch?: number }) => {
      const sdk = await client();
      const [claims, statement] = await Promise.all([sdk.creatorClaims(), sdk.creatorStatement(o.epoch)]);
      if (o.json) writeJson({ claims, statement });
      else
        process.stdout.write(
          `${claims.map(describeClaim).join('\n') || '(no claims)'}\n${describeStatement(statement)}\n`,
        );
    });
}
