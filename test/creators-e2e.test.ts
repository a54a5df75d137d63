import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { proveDomain, type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import { type CreatorClaimInfo, type SwardApiError, SwardClient } from '@sward/sdk';
import { pino } from 'pino';
import { inProcessCli } from './support/cli-in-process.js';
import { startDnsServer } from './support/dns-server.js';

// `sward` commands run in this process (support/cli-in-process.ts): the CLI loaded once, not per child.
const cli = inProcessCli();
after(() => cli.close());
const { run } = cli;

/** A loopback site per claimed domain: what it serves at /.well-known/sward.json is set by the test. */
async function startWellKnownSite(): Promise<{ url: string; server: Server; body: Map<string, string> }> {
  const body = new Map<string, string>();
  const server = createServer((req, res) => {
    const m = /^\/d\/([^/]+)\/\.well-known\/sward\.json$/.exec(req.url ?? '');
    const text = m?.[1] ? body.get(m[1]) : undefined;
    if (text === undefined) res.writeHead(404).end('no');
    else res.writeHead(200, { 'content-type': 'application/json' }).end(text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, body };
}

const status = (code: number, re?: RegExp) => (e: SwardApiError) => {
  assert.equal(e.status, code, e.message);
  if (re) assert.match(e.message, re);
  return true;
};

/**
 * Creators prove control of a domain (a well-known file over HTTP on loopback, or a TXT record from a
 * DNS server on loopback) and set terms for its pages (issue #15 point 5), tried as an impostor would.
 */
describe('creators: domain claims and terms', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-creators-'));
  let c: RunningCoordinator;
  let site: Awaited<ReturnType<typeof startWellKnownSite>>;
  let dns: Awaited<ReturnType<typeof startDnsServer>>;
  let admin: SwardClient;
  const as: Record<string, SwardClient> = {};
  let resolveTxt: (name: string) => Promise<string[][]>;
  before(async () => {
    site = await startWellKnownSite();
    dns = await startDnsServer();
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([dns.server]);
    resolveTxt = (name) => resolver.resolveTxt(name);
    c = await startCoordinator({
      db: join(tmp, 'db.sqlite'),
      dataDir: join(tmp, 'data'),
      log: pino({ level: 'warn' }),
      // every domain's well-known file is served by the loopback site, under /d/<domain>
      creators: { wellKnownOrigin: (d) => `${site.url}/d/${d}`, resolveTxt, allowPrivate: true },
    });
    admin = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
    for (const tenant of ['alice-pub', 'bob-pub', 'mallory']) {
      const k = await admin.createKey({ name: tenant, tenant, role: 'customer', scopes: ['creator'] });
      as[tenant] = new SwardClient({ url: c.url, apiKey: k.key });
    }
    const crawler = await admin.createKey({ name: 'crawler', tenant: 'acme', role: 'customer' });
    as.crawler = new SwardClient({ url: c.url, apiKey: crawler.key });
  });
  after(async () => {
    await c.close();
    site.server.close();
    await dns.close();
    rmSync(tmp, { recursive: true, force: true });
  });
  const alice = () => as['alice-pub'] as SwardClient;
  const mallory = () => as.mallory as SwardClient;

  test('a claim is verified only once its own token is published; an impostor can neither verify nor set terms', async () => {
    const claim = await alice().claimDomain('Alice.TEST');
    assert.equal(claim.domain, 'alice.test', 'names are lowercased');
    assert.equal(claim.state, 'pending');
    // nothing published yet: both ways are tried and named
    await assert.rejects(
      alice().verifyDomain('alice.test'),
      status(409, /well-known: .*404.*; dns: TXT lookup of _sward-claim\.alice\.test: E[A-Z]+/),
    );
    // mallory claims the same domain and publishes HER token where she can't: the real site serves alice's
    const mine = await mallory().claimDomain('alice.test');
    assert.notEqual(mine.proof.dns.value, claim.proof.dns.value, 'each claim has its own token');
    site.body.set('alice.test', JSON.stringify(claim.proof.wellKnown.body));
    await assert.rejects(mallory().verifyDomain('alice.test'), status(409, /does not hold/));
    const ok = await alice().verifyDomain('alice.test');
    assert.equal(ok.state, 'verified');
    assert.equal(ok.method, 'well-known');
    // alice's is verified; mallory's stays pending and cannot set terms
    assert.equal((await mallory().creatorClaims())[0]?.state, 'pending');
    await assert.rejects(
      mallory().setDomainTerms('alice.test', { license: 'CC0-1.0', purposes: ['train'] }),
      status(404, /no verified claim of yours/),
    );
    // a key without the creator scope cannot claim at all
    await assert.rejects((as.crawler as SwardClient).claimDomain('crawler.test'), status(403, /creator/));
  });

  test('a DNS TXT record proves control too; a record with another token does not', async () => {
    const bob = as['bob-pub'] as SwardClient;
    const claim = await bob.claimDomain('bob.test');
    dns.txt.set(claim.proof.dns.name, [['sward-claim=not-the-token']]);
    await assert.rejects(bob.verifyDomain('bob.test'), status(409, /no TXT record/));
    // a long value split over several strings is one value
    const v = claim.proof.dns.value;
    dns.txt.set(claim.proof.dns.name, [['v=spf1 -all'], [v.slice(0, 10), v.slice(10)]]);
    const ok = await bob.verifyDomain('bob.test');
    assert.equal(ok.method, 'dns');
    assert.equal(ok.state, 'verified');
  });

  test('terms are validated, versioned, public, and cover subdomains', async () => {
    for (const bad of [
      { license: 'not a licence!', purposes: ['train'] },
      { license: 'CC-BY-4.0', purposes: ['sell'] },
      { license: 'CC-BY-4.0', purposes: ['train', 'train'] },
      { license: 'CC-BY-4.0', purposes: ['input'], royaltyShare: 2 },
      { license: 'CC-BY-4.0', purposes: ['input'], pricePer1000PagesUsd: '-1' },
      { license: 'CC-BY-4.0', purposes: ['input'], pricePer1000PagesUsd: '0.0005' },
      { license: 'CC-BY-4.0', purposes: ['input'], pricePer1000PagesUsd: 5 },
      { license: 'CC-BY-4.0', purposes: ['input'], pricePer1000Pages: 5 },
      { license: 'CC-BY-4.0', purposes: ['input'], royaltyShare: 0.1234567 },
      { license: 'CC-BY-4.0', purposes: [] },
    ])
      await assert.rejects(
        alice().setDomainTerms('alice.test', bad as never),
        status(400),
        JSON.stringify(bad),
      );
    await assert.rejects(admin.domainTerms('alice.test'), status(404), 'no terms until set');
    const v1 = await alice().setDomainTerms('alice.test', {
      license: 'CC-BY-NC-4.0',
      purposes: ['input', 'index'],
      pricePer1000PagesUsd: '5.50',
      royaltyShare: 0.6,
    });
    assert.equal(v1.terms?.version, 1);
    assert.equal(v1.terms?.pricePer1000PagesUsd, '5.5', 'prices are kept in their shortest form');
    const v2 = await alice().setDomainTerms('alice.test', {
      license: 'https://alice.test/licence',
      purposes: ['input'],
    });
    assert.equal(v2.terms?.version, 2);
    assert.deepEqual(v2.terms?.purposes, ['input']);
    // anyone reads the terms in force (no key), a subdomain's pages fall under them
    const pub = (await (await fetch(`${c.url}/v1/terms/alice.test`)).json()) as Record<string, unknown>;
    assert.equal(pub.version, 2);
    assert.equal(pub.license, 'https://alice.test/licence');
    assert.equal(pub.royaltyShare, 0);
    assert.equal(pub.pricePer1000PagesUsd, '0', 'no price given: free');
    const creators = (await import('@sward/coordinator')).Creators;
    const svc = new creators(c.store.db);
    assert.equal((await svc.termsForHost('www.alice.test'))?.version, 2);
    assert.equal(await svc.termsForHost('alice.test.evil.example'), null, 'a suffix is not a subdomain');
    assert.equal(await svc.termsForHost('notalice.test'), null);
  });

  test('a new owner who proves control takes the domain over; the old terms stop; the audit log says so', async () => {
    // the domain changed hands: the site now serves mallory's token
    const m = (await mallory().creatorClaims()).find((x) => x.domain === 'alice.test') as CreatorClaimInfo;
    site.body.set('alice.test', JSON.stringify(m.proof.wellKnown.body));
    assert.equal((await mallory().verifyDomain('alice.test')).state, 'verified');
    assert.equal((await alice().creatorClaims())[0]?.state, 'pending', 'alice no longer owns it');
    await assert.rejects(
      admin.domainTerms('alice.test'),
      status(404),
      "alice's terms are not the new owner's",
    );
    await assert.rejects(
      alice().setDomainTerms('alice.test', { license: 'CC0-1.0', purposes: ['train'] }),
      status(404),
    );
    const audit = await admin.audit({ action: 'creator.takeover' });
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.target, 'alice.test');
  });

  test('the well-known check is an SSRF guard: loopback refused unless allowed; no redirect followed', async () => {
    const r = await proveDomain('guarded.test', 'tok', {
      wellKnownOrigin: () => site.url,
      resolveTxt,
    });
    assert.equal(r.ok, false);
    assert.match(JSON.stringify(r), /refusing loopback/);
  });

  test('sward creator prints what to publish and the state of each claim', async () => {
    const k = await admin.createKey({
      name: 'cli',
      tenant: 'cli-pub',
      role: 'customer',
      scopes: ['creator'],
    });
    const env = { SWARD_COORDINATOR: c.url, SWARD_API_KEY: k.key };
    const claim = await run(['creator', 'claim', 'cli.test'], { env });
    assert.equal(claim.code, 0, claim.err);
    assert.match(claim.out, /cli\.test {2}pending/);
    assert.match(claim.out, /_sward-claim\.cli\.test {2}TXT {2}"sward-claim=[\w-]+"/);
    const st = await run(['creator', 'status', '--json'], { env });
    assert.equal(st.code, 0, st.err);
    assert.equal(JSON.parse(st.out).claims[0].domain, 'cli.test');
    const bad = await run(['creator', 'terms', 'cli.test', '--license', 'MIT', '--purposes', 'sell'], {
      env,
    });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /"sell" is not a purpose/);
    const points = await run(
      [
        'creator',
        'terms',
        'cli.test',
        '--license',
        'MIT',
        '--purposes',
        'train',
        '--price-per-1000',
        '5 points',
      ],
      { env },
    );
    assert.equal(points.code, 2);
    assert.match(points.err, /expected US dollars with at most 3 decimals/);
  });
});
