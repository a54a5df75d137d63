import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { type RunningCoordinator, type Store, startCoordinator } from '@sward/coordinator';
import type { RunningNode } from '@sward/node';
import { SwardClient } from '@sward/sdk';
import { type SampleSite, startSampleSite } from '@sward/testsites';
import { pino } from 'pino';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { until } from './live.js';
import { loopbackNode } from './nodes.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = new URL('../../test-artifacts/console/', import.meta.url).pathname;
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const CONSOLE_BUILT = new URL('../../packages/web/dist/index.html', import.meta.url).pathname;

/**
 * A coordinator with something in every room the console shows: a finished crawl of the loopback sample
 * site by a real node, a live collection of it (refreshed and indexed), a labelling project, and a closed
 * rewards epoch that paid the node's operator. Keys for each role.
 */
export interface ConsoleWorld {
  co: RunningCoordinator;
  site: SampleSite;
  node: RunningNode;
  dir: string;
  jobId: string;
  collectionId: string;
  projectId: string;
  keys: { admin: string; customer: string; crawlOnly: string; otherTenant: string };
  /** A node session token, as the node daemon holds one: the operator's sign-in. */
  nodeSession: string;
  /** The crawling node's operator, and the two operators below it: `level1` joined with its code, `level2` with level1's. */
  operator: string;
  referred: { level1: string; level2: string };
  /** A node session of `level2`, another operator: it must see none of `operator`'s fetches or referrals. */
  otherNodeSession: string;
  close(): Promise<void>;
}

/** `collection: false` leaves the collection out (its refresh and indexing take the longest). */
export async function consoleWorld(o: { collection?: boolean } = {}): Promise<ConsoleWorld> {
  assert.ok(
    existsSync(CONSOLE_BUILT),
    'the console is not built: npm run build (scripts/bundle-console.mjs)',
  );
  const dir = mkdtempSync(join(tmpdir(), 'sward-console-'));
  const site = await startSampleSite({ pages: 12, crawlDelay: 0 });
  const co = await startCoordinator({
    processMetrics: false,
    db: join(dir, 'sward.db'),
    dataDir: dir,
    log: pino({ level: 'silent' }),
    scheduler: { hostDelayMs: 0 },
  });
  const admin = co.firstApiKey as string;
  const node = await loopbackNode(co.url, dir);
  const client = new SwardClient({ url: co.url, apiKey: admin });
  const key = async (name: string, scopes: string[], tenant = 'default') =>
    (await client.createKey({ name, tenant, scopes: scopes as never })).key;
  const keys = {
    admin,
    customer: await key('customer', ['crawl', 'collections', 'labelling:owner']),
    crawlOnly: await key('crawl-only', ['crawl']),
    otherTenant: await key('globex', ['crawl', 'collections', 'labelling:owner'], 'globex'),
  };

  const job = await client.createCrawl({ seed: `${site.url}/`, maxPages: 20 });
  await client.waitForJob(job.id, undefined, 100);
  let collectionId = '';
  if (o.collection !== false) {
    const col = await client.createCollection({
      name: 'sample site',
      sources: [`${site.url}/`],
      every: '1h',
      maxPages: 5,
    });
    await client.refreshCollection(col.id).catch(() => undefined);
    await until('the collection indexed', async () => (await client.collection(col.id)).chunks > 0, 60_000);
    collectionId = col.id;
  }
  const project = await client.createProject({
    name: 'Helpfulness ratings',
    type: 'rating',
    rubric: '5 = fully correct and helpful; 1 = wrong or harmful.',
    items: Array.from({ length: 6 }, (_, i) =>
      JSON.stringify({ id: `i${i}`, prompt: `Q${i}`, response: `A${i}` }),
    ).join('\n'),
    overlap: 1,
    goldShare: 0,
    payPerTask: 1,
    minTaskMs: 0,
    msPerChar: 0,
  } as never);
  // The epoch the crawl was paid in, closed now (forced: it has not ended), as an operator job would.
  await co.rewards.closeEpoch(co.rewards.epochOf(), { force: true });
  const nodeSession = (await co.store.auth.createSession(node.id)).token;
  const operator = (await co.store.auth.getNode(node.id))?.operator ?? node.id;
  const referred = { level1: 'ana-referred', level2: 'ben-referred-by-ana' };
  let otherNodeSession = '';
  for (const [i, [who, by]] of (
    [
      [referred.level1, operator],
      [referred.level2, referred.level1],
    ] as const
  ).entries()) {
    const nodeId = String(i + 1).repeat(64);
    await co.store.auth.upsertNode({ id: nodeId, operator: who });
    await co.rewards.onNodeSession({ nodeId, operator: who });
    await co.rewards.referrals.refer(who, (await co.rewards.referrals.ensure(by)).referralCode);
    // a point of work each, whose referral shares go up the chain
    await co.rewards.onCaptureAccepted({ captureId: `c_work_${i}`, nodeId, bytes: 0 });
    otherNodeSession = (await co.store.auth.createSession(nodeId)).token;
  }
  return {
    co,
    site,
    node,
    dir,
    jobId: job.id,
    collectionId,
    projectId: project.id,
    keys,
    nodeSession,
    operator,
    referred,
    otherNodeSession,
    async close() {
      await node.stop();
      await co.close();
      await site.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * The two ways every page is looked at: a 375 px phone in dark mode, where axe-core checks it, and a
 * desktop in light mode, where only the layout is checked (axe on both doubled the suites' time for the
 * same markup; contrast in light mode is the same style sheet's).
 */
export const VIEWS = [
  { name: 'phone-dark', viewport: { width: 375, height: 812 }, colorScheme: 'dark' as const, axe: true },
  {
    name: 'desktop-light',
    viewport: { width: 1280, height: 860 },
    colorScheme: 'light' as const,
    axe: false,
  },
];
export type View = (typeof VIEWS)[number];

/**
 * A fresh tab in `view` (desktop light by default), signed in with `secret` when one is given.
 * axe-core goes in as an inline script, which the console's own CSP refuses (console-routes.test.ts),
 * and so would playwright's waitForFunction strings: the tab bypasses the CSP.
 */
export async function openTab(
  browser: Browser,
  base: string,
  secret: string | null,
  view: View = VIEWS[1] as View,
): Promise<{ page: Page; ctx: BrowserContext }> {
  const ctx = await browser.newContext({
    viewport: view.viewport,
    colorScheme: view.colorScheme,
    bypassCSP: true,
  });
  const page = await ctx.newPage();
  if (secret) await signIn(page, base, secret);
  return { page, ctx };
}

export async function signIn(page: Page, base: string, secret: string): Promise<void> {
  await page.goto(`${base}/console/`);
  await page.fill('#signin-secret', secret);
  await page.click('#signin-btn');
  await page.waitForSelector('#who');
}

/**
 * Saves a screenshot of the page as a test artifact and checks nothing is wider than the viewport (a
 * 375 px phone scrolls only down); in the view that asks for it, runs axe-core on it too (no serious or
 * critical violation allowed).
 */
export async function checkPage(page: Page, label: string, view: View): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${label}-${view.name}.png`), fullPage: true });
  const overflow = (await page.evaluate(
    'document.documentElement.scrollWidth - window.innerWidth',
  )) as number;
  assert.ok(overflow <= 0, `${label} (${view.name}): the page is ${overflow} px wider than the viewport`);
  if (!view.axe) return;
  await page.addScriptTag({ path: AXE });
  // (page scripts as text: the tests' TypeScript has no DOM types)
  const violations = (await page.evaluate('axe.run(document).then((r) => r.violations)')) as {
    id: string;
    impact: string;
    help: string;
    nodes: { target: string[] }[];
  }[];
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
    [],
    `${label} (${view.name}): accessibility violations`,
  );
}

/** What a suite's tests get from consoleSuite: its world, its browser, and the ways to open tabs. */
export interface ConsoleSuite {
  readonly w: ConsoleWorld;
  readonly browser: Browser;
  /** A fresh signed-in tab (desktop light unless a view is named); close its ctx when done. */
  tab(secret: string | null, view?: View): Promise<{ page: Page; ctx: BrowserContext }>;
  /** Runs `path` in both views, each in a fresh tab signed in with `secret`. */
  inBothViews(secret: string | null, path: (page: Page, view: View) => Promise<void>): Promise<void>;
}

/**
 * One describe() over a console world and a Chromium, both started together before its tests and closed
 * after them: the setup the console's browser suites share. Skipped where there is no Chromium.
 */
export function consoleSuite(
  name: string,
  o: { collection?: boolean },
  body: (s: ConsoleSuite) => void,
): void {
  let world: ConsoleWorld | undefined;
  let chromiumBrowser: Browser | undefined;
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} did not start`);
    return v;
  };
  const suite: ConsoleSuite = {
    get w() {
      return need(world, 'the console world');
    },
    get browser() {
      return need(chromiumBrowser, 'Chromium');
    },
    tab: (secret, view) => openTab(suite.browser, suite.w.co.url, secret, view),
    async inBothViews(secret, path) {
      for (const view of VIEWS) {
        const { page, ctx } = await suite.tab(secret, view);
        try {
          await path(page, view);
        } finally {
          await ctx.close();
        }
      }
    },
  };
  describe(name, { skip: !existsSync(CHROMIUM) && 'no chromium' }, () => {
    before(async () => {
      const [w, b] = await Promise.allSettled([consoleWorld(o), launch()]);
      if (w.status === 'fulfilled') world = w.value;
      if (b.status === 'fulfilled') chromiumBrowser = b.value;
      if (w.status === 'rejected') throw w.reason;
      if (b.status === 'rejected') throw b.reason;
    });
    after(async () => {
      await chromiumBrowser?.close();
      await world?.close();
    });
    body(suite);
  });
}

export async function navTo(page: Page, id: string): Promise<void> {
  await page.click(`#nav-${id}`);
  await page.waitForSelector(`a#nav-${id}[aria-current="page"]`);
}

/** The sections the navigation offers, by id, sorted. */
export const navIds = (page: Page): Promise<string[]> =>
  page.$$eval('nav.side a[id^="nav-"]', (as) => as.map((a) => a.id.slice(4)).sort());

/**
 * `n` stored-page rows of job `jobId` as ingest leaves them before the log sequences them (a big job's
 * listing without crawling it): distinct URLs and records, a well-formed body hash.
 */
export async function insertPages(store: Store, jobId: string, n: number): Promise<void> {
  const sha = 'ab'.repeat(32);
  for (let from = 0; from < n; from += 5000)
    await store.db.transaction(async (tx) => {
      for (let i = from; i < Math.min(n, from + 5000); i++) {
        const id = `c_${jobId}_${i}`;
        await tx.run(
          `INSERT INTO captures (id, job_id, url_id, node_id, lease_id, requested_url, final_url, status, body_sha256,
             body_length, fetched_at, signed, outcome, created_at)
           VALUES (?, ?, 0, 'n', 'l', ?, ?, 200, ?, 1, 0, ?, 'stored', 0)`,
          [
            id,
            jobId,
            `http://big.test/${i}`,
            `http://big.test/${i}`,
            sha,
            JSON.stringify({ capture: { id }, signature: 'x' }),
          ],
        );
      }
    });
}
