import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Creators, type RunningCoordinator } from '@sward/coordinator';
import type { Identity } from '@sward/core';
import { SwardClient, verifyBundleDir } from '@sward/sdk';
import { writeCrawlOutput } from '../packages/cli/src/crawl-output.js';
import { caller, coordinatorOn, nodeSession, untilDone, work } from './support/api-call.js';
import { backends } from './support/backends.js';
import { inProcessCli } from './support/cli-in-process.js';

// `sward` commands run in this process (support/cli-in-process.ts): the CLI loaded once, not per child.
const cli = inProcessCli();
after(() => cli.close());
const { run } = cli;

type Row = Record<string, unknown> & {
  creatorTerms?: Record<string, unknown>;
  signedCapture: { rights: Record<string, unknown> & { creator?: Record<string, unknown> } };
};

const readRows = (dir: string): Row[] =>
  readFileSync(join(dir, 'pages.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
const writeRows = (dir: string, rows: Row[]) =>
  writeFileSync(join(dir, 'pages.jsonl'), `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);

/**
 * Issue #15 point 5: the creator terms in force when a page's lease went out are recorded in its capture's
 * rights receipt (inside the signed log leaf), carried to pages.jsonl, checked by sward verify, and the
 * creator's statement (sward creator status) shows the pages and earnings per epoch, to the creator only.
 */
describe('creator terms in receipts, bundles and statements', () => {
  const backend = backends().find((b) => b.name === 'sqlite') ?? backends()[0];
  const tmp = mkdtempSync(join(tmpdir(), 'sward-creator-receipts-'));
  let co: RunningCoordinator;
  let stop: () => Promise<void>;
  let node: Identity;
  let token: string;
  let key: string;
  const dirs: Record<'v1' | 'v2', string> = { v1: join(tmp, 'v1'), v2: join(tmp, 'v2') };
  const keys: Record<string, string> = {};

  before(async () => {
    if (!backend) throw new Error('no backend');
    ({ co, stop } = await coordinatorOn(backend));
    ({ node, token } = await nodeSession(co));
    key = co.firstApiKey as string;
    for (const tenant of ['pub-owner', 'mallory'])
      keys[tenant] = (
        await co.store.auth.createApiKey({ name: tenant, tenant, role: 'customer', scopes: ['creator'] })
      ).key;
    keys.customer = (
      await co.store.auth.createApiKey({ name: 'c', tenant: 'acme', role: 'customer', scopes: ['crawl'] })
    ).key;
    const creators = new Creators(co.store.db);
    await creators.claim('pub-owner', 'pub.test');
    // proving control is creators-e2e's subject: here the verified row is made directly
    await co.store.db.run(
      "INSERT INTO cr_domains (domain, tenant_id, method, verified_at) VALUES ('pub.test', 'pub-owner', 'dns', ?)",
      [Date.now()],
    );
    const call = caller(co.app);
    const crawl = async (purpose: string, seed: string) => {
      const r = await call('POST', '/v1/jobs', key, {
        seed,
        maxPages: 1,
        maxDepth: 0,
        purpose,
        maxPrice: '0.01',
      });
      assert.equal(r.status, 201, r.text);
      const id = r.json.id as string;
      await work(co, node, token);
      await untilDone(co.app, key, id);
      return id;
    };
    // v1: USD 10 per 1,000 pages (0.01 a page), half to the creator
    await creators.setTerms(
      'pub-owner',
      'pub.test',
      { license: 'CC-BY-4.0', purposes: ['train', 'input'], pricePer1000PagesUsd: '10', royaltyShare: 0.5 },
      'test',
    );
    const j1 = await crawl('train', 'http://pub.test/one');
    // v2: another licence, USD 4 per 1,000 pages, a quarter to the creator
    await creators.setTerms(
      'pub-owner',
      'pub.test',
      { license: 'CC0-1.0', purposes: ['train', 'input'], pricePer1000PagesUsd: '4', royaltyShare: 0.25 },
      'test',
    );
    const j2 = await crawl('input', 'http://www.pub.test/two');
    const client = new SwardClient({ url: co.url, apiKey: key });
    await writeCrawlOutput(client, j1, dirs.v1);
    await writeCrawlOutput(client, j2, dirs.v2);
  });
  after(async () => {
    await stop();
    await backend?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('each capture names the terms version in force when it was leased, in its leaf and its row; verify checks them', async () => {
    const [one] = readRows(dirs.v1);
    const [two] = readRows(dirs.v2);
    assert.equal(one?.signedCapture.rights.v, 2);
    assert.deepEqual(one?.signedCapture.rights.creator, {
      domain: 'pub.test',
      version: 1,
      license: 'CC-BY-4.0',
      purposes: ['train', 'input'],
      pricePer1000PagesUsd: '10',
      royaltyShare: 0.5,
    });
    assert.deepEqual(one?.creatorTerms, one?.signedCapture.rights.creator, 'the row carries it forward');
    assert.equal(two?.creatorTerms?.version, 2);
    assert.equal(two?.creatorTerms?.license, 'CC0-1.0');
    assert.equal(two?.signedCapture.rights.purpose, 'input');
    for (const dir of Object.values(dirs)) {
      const r = await verifyBundleDir(dir);
      assert.deepEqual(r.failures, [], dir);
      const line = r.checks.find((l) => l.check === 'rights receipts');
      assert.match(String(line?.detail), /1 page under creator terms/);
    }
  });

  test("tampering with the receipt's terms breaks the log proof; with the row's copy, the rights check", async () => {
    // the leaf says v1: claim it was v2 (and keep the row consistent, as a careful forger would)
    const leaf = join(tmp, 'leaf');
    cpSync(dirs.v1, leaf, { recursive: true });
    const rows = readRows(leaf);
    for (const r of rows) {
      if (r.signedCapture.rights.creator) r.signedCapture.rights.creator.version = 2;
      if (r.creatorTerms) r.creatorTerms.version = 2;
    }
    writeRows(leaf, rows);
    const a = await verifyBundleDir(leaf);
    assert.ok(
      a.failures.some((f) => f.row === 1 && /inclusion|leaf|proof/i.test(`${f.check} ${f.message}`)),
      JSON.stringify(a.failures),
    );
    // only the row's copy: a lower price on the row than the leaf's
    const row = join(tmp, 'row');
    cpSync(dirs.v1, row, { recursive: true });
    const rows2 = readRows(row);
    for (const r of rows2) if (r.creatorTerms) r.creatorTerms.pricePer1000PagesUsd = '0';
    writeRows(row, rows2);
    const b = await verifyBundleDir(row);
    assert.ok(
      b.failures.some((f) => f.check === 'rights' && /creatorTerms/.test(f.message)),
      JSON.stringify(b.failures),
    );
    // dropping the row's copy is caught as well
    const gone = join(tmp, 'gone');
    cpSync(dirs.v1, gone, { recursive: true });
    const rows3 = readRows(gone);
    for (const r of rows3) delete r.creatorTerms;
    writeRows(gone, rows3);
    const c = await verifyBundleDir(gone);
    assert.ok(
      c.failures.some((f) => f.check === 'rights' && /creatorTerms \(none\)/.test(f.message)),
      JSON.stringify(c.failures),
    );
  });

  test('sward creator status shows the statement per epoch; another tenant sees none of it', async () => {
    const env = { SWARD_COORDINATOR: co.url, SWARD_API_KEY: keys['pub-owner'] as string };
    const st = await run(['creator', 'status'], { env });
    assert.equal(st.code, 0, st.err);
    // 0.01 × 0.5 + 0.004 × 0.25 = 0.006
    assert.match(
      st.out,
      /epoch \d+ \(\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\) {2}pub\.test {2}2 pages \(train 1, input 1\) {2}terms v1, v2 {2}earned USD 0\.006/,
    );
    assert.match(st.out, /total earned USD 0\.006/);
    const json = await run(['creator', 'status', '--json'], { env });
    const statement = JSON.parse(json.out).statement;
    assert.equal(statement.totalEarnedMicroUsd, 6000);
    assert.equal(statement.lines[0].chargedMicroUsd, 14_000);
    const epoch = statement.lines[0].epoch as number;
    const other = await run(['creator', 'status', '--epoch', String(epoch + 1), '--json'], { env });
    assert.deepEqual(JSON.parse(other.out).statement.lines, [], 'another epoch has nothing');
    // mallory (a creator too) asks for the statement: she gets her own, empty, whatever she sends
    const m = await run(['creator', 'status', '--json'], {
      env: { ...env, SWARD_API_KEY: keys.mallory as string },
    });
    assert.equal(m.code, 0, m.err);
    assert.deepEqual(JSON.parse(m.out).statement, { lines: [], totalEarnedMicroUsd: 0, totalEarnedUsd: '0' });
    const call = caller(co.app);
    const sneaky = await call('GET', '/v1/creator/statement?tenant=pub-owner', keys.mallory as string);
    assert.equal(sneaky.status, 200);
    assert.deepEqual(sneaky.json.lines, []);
    // a key without the creator scope gets no statement at all
    const denied = await call('GET', '/v1/creator/statement', keys.customer as string);
    assert.equal(denied.status, 403, denied.text);
    const bad = await call('GET', '/v1/creator/statement?epoch=-1', keys['pub-owner'] as string);
    assert.equal(bad.status, 400, bad.text);
  });
});
