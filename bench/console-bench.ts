// The console's first load and its job page on a big job, in Debian's Chromium on loopback:
//   first load   bytes transferred (gzip, as served) and time to interactive: from navigation start to the
//                sign-in form answering (an input filled, performance.now() in the page), fresh cache each run
//   job page     a signed-in load of #/jobs/<id> until the first 50 pages are listed, for a job of 100
//                pages (the baseline) and one of 100,000 (inserted as ingest leaves them), same run, turns
//                taken: the page asks for 50 rows at a time, so bytes and time must not grow with the job
//   proof chunk  the bytes the proof explorer loads on first use (core's checks and zod)
// Usage: node --import tsx bench/console-bench.ts [--runs 5] [--pages 100000]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { quietCoordinator } from '../test/support/api-call.js';
import { insertPages, launch } from '../test/support/console-world.js';
import { benchOption as opt } from './support-args.js';
import { machineFacts } from './support-proc.js';

const RUNS = Number(opt('runs', '5'));
const BIG = Number(opt('pages', '100000'));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Bytes on the wire (headers and encoded bodies) of every response the page got while `fn` ran. */
async function transferred(
  page: Page,
  fn: () => Promise<void>,
): Promise<{ bytes: number; requests: number }> {
  const done: Promise<number>[] = [];
  const on = (r: import('playwright-core').Response) =>
    done.push(
      r
        .request()
        .sizes()
        .then((s) => s.responseBodySize + s.responseHeadersSize)
        .catch(() => 0),
    );
  page.on('response', on);
  await fn();
  page.off('response', on);
  const sizes = await Promise.all(done);
  return { bytes: sizes.reduce((a, b) => a + b, 0), requests: sizes.length };
}

async function firstLoad(browser: Browser, url: string) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  let tti = 0;
  const t = await transferred(page, async () => {
    await page.goto(`${url}/console/`);
    await page.fill('#signin-secret', 'x');
    tti = (await page.evaluate('performance.now()')) as number;
  });
  await ctx.close();
  return { ...t, tti };
}

async function jobPage(browser: Browser, url: string, key: string, jobId: string) {
  const ctx = await browser.newContext();
  await ctx.addInitScript(
    `sessionStorage.setItem('sward-console-credential', ${JSON.stringify(JSON.stringify({ kind: 'key', secret: key }))})`,
  );
  const page = await ctx.newPage();
  let ms = 0;
  const t = await transferred(page, async () => {
    await page.goto(`${url}/console/#/jobs/${jobId}`);
    await page.waitForSelector('caption:text-is("Stored pages 1–50")');
    ms = (await page.evaluate('performance.now()')) as number;
  });
  await ctx.close();
  return { ...t, ms };
}

/** Bytes the proof explorer loads when it first checks a proof (here a pasted, empty one). */
async function proofChunk(browser: Browser, url: string, key: string) {
  const ctx = await browser.newContext();
  await ctx.addInitScript(
    `sessionStorage.setItem('sward-console-credential', ${JSON.stringify(JSON.stringify({ kind: 'key', secret: key }))})`,
  );
  const page = await ctx.newPage();
  await page.goto(`${url}/console/#/proofs`);
  await page.waitForSelector('#proof-json', { state: 'attached' });
  const t = await transferred(page, async () => {
    await page.click('details.card summary');
    await page.fill('#proof-json', '{}');
    await page.click('#proof-verify-json');
    await page.waitForSelector('#proof-verdict, #proof-error');
  });
  await ctx.close();
  return t;
}

const dir = mkdtempSync(join(tmpdir(), 'sward-console-bench-'));
const co = await quietCoordinator(join(dir, 'sward.db'), dir, { log: pino({ level: 'silent' }) });
const key = co.firstApiKey as string;
const newJob = async () => {
  const r = await co.app.request('/v1/jobs', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ seed: 'http://127.0.0.1:9/', maxPages: 1 }),
  });
  return ((await r.json()) as { id: string }).id;
};
const small = await newJob();
const big = await newJob();
await insertPages(co.store, small, 100);
const t0 = Date.now();
await insertPages(co.store, big, BIG);
console.error(`inserted ${BIG} pages in ${Date.now() - t0} ms`);

const browser = await launch();
const loads = {
  first: [] as { bytes: number; requests: number; tti: number }[],
  small: [] as number[][],
  big: [] as number[][],
};
for (let i = 0; i < RUNS; i++) {
  loads.first.push(await firstLoad(browser, co.url));
  const s = await jobPage(browser, co.url, key, small);
  const b = await jobPage(browser, co.url, key, big);
  loads.small.push([s.bytes, s.ms, s.requests]);
  loads.big.push([b.bytes, b.ms, b.requests]);
}
const chunk = await proofChunk(browser, co.url, key);
await browser.close();
await co.close();
rmSync(dir, { recursive: true, force: true });

const f = loads.first;
const col = (rows: number[][], i: number) => median(rows.map((r) => r[i] as number));
console.log(
  `machine: ${machineFacts()}; load average at end ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log(`runs: ${RUNS} (medians)`);
console.log(
  `first load: ${median(f.map((x) => x.bytes))} bytes in ${f[0]?.requests} responses, time to interactive ${median(f.map((x) => x.tti)).toFixed(0)} ms`,
);
console.log(
  `job page, 100 pages:  ${col(loads.small, 0)} bytes, ${col(loads.small, 1).toFixed(0)} ms to the first 50 rows (${col(loads.small, 2)} responses)`,
);
console.log(
  `job page, ${BIG} pages: ${col(loads.big, 0)} bytes, ${col(loads.big, 1).toFixed(0)} ms to the first 50 rows (${col(loads.big, 2)} responses)`,
);
console.log(
  `ratio ${BIG} / 100 pages: bytes ${(col(loads.big, 0) / col(loads.small, 0)).toFixed(2)}x, time ${(col(loads.big, 1) / col(loads.small, 1)).toFixed(2)}x`,
);
console.log(`proof explorer on first use: ${chunk.bytes} bytes in ${chunk.requests} responses`);
