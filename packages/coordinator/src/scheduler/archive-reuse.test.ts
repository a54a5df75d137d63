import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CrawlOptions, crawlRequestSchema, type ReceiptCreatorTerms } from '@sward/core';
import { openStore } from '../open-store.js';
import type { Store } from '../store/store.js';
import { ArchiveReuse } from './archive-reuse.js';

const HOUR = 3_600_000;
const allow = { decision: 'allow', reason: 'no-signal' } as const;
const skip = { decision: 'skip', reason: 'aipref:train-ai=n' } as const;

interface Source {
  decisions?: { train: typeof allow | typeof skip; input: typeof allow; index: typeof allow };
  receipt?: boolean;
  creator?: ReceiptCreatorTerms;
  access?: { license?: boolean; charged?: string | null };
  keepPii?: boolean;
  ageMs?: number;
  flagged?: boolean;
  logged?: boolean;
  finalPath?: string;
}

const terms = (version: number, price = '0'): ReceiptCreatorTerms => ({
  domain: 'site.test',
  version,
  license: 'CC-BY-4.0',
  purposes: ['train', 'input'],
  pricePer1000PagesUsd: price,
  royaltyShare: 0.5,
});

/**
 * The reuse rules on a real store, one archived capture per rule, each made by tenant "acme" and asked for
 * by a train job of tenant "globex" with --max-age 1h: what the attacker (a second customer, a lying row)
 * must not get from the archive, beside the one capture it may.
 */
describe('archive reuse rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sward-archive-reuse-'));
  let store: Store;
  let leaf = 0;
  let n = 0;
  const sold: { ref: string; buyer: string; captures: { captureId: string; nodeId: string }[] }[] = [];
  before(async () => {
    store = await openStore(join(dir, 'db.sqlite'));
  });
  after(async () => {
    await store.db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const opts = (o: Record<string, unknown>): CrawlOptions =>
    crawlRequestSchema.parse({ seed: 'http://site.test/', ...o });

  /** An archived capture of a fresh URL by acme's job; answers the URL. */
  async function archived(s: Source): Promise<string> {
    const i = n++;
    const url = `http://site.test/p${i}`;
    const job = await store.frontier.createJob(
      { tenant: 'acme' },
      opts({ seed: url, ...(s.keepPii ? { keepPii: true } : {}) }),
    );
    const rights = {
      v: s.creator ? 2 : 1,
      purpose: 'train',
      documents: [],
      decisions: s.decisions ?? { train: allow, input: allow, index: allow },
      ...(s.creator ? { creator: s.creator } : {}),
    };
    const signed = {
      capture: { id: `x${i}`, ...(s.access ? { access: s.access } : {}) },
      signature: 'sig',
      ...(s.receipt === false ? {} : { rights }),
    };
    await store.db.run(
      `INSERT INTO captures (id, job_id, url_id, node_id, lease_id, requested_url, final_url, status, body_sha256,
         body_length, fetched_at, signed, outcome, leaf_index, flagged, created_at)
       VALUES (?, ?, 0, 'n_maker', 'l', ?, ?, 200, 'h', 0, ?, ?, 'stored', ?, ?, 0)`,
      [
        `c_${i}`,
        job.id,
        url,
        s.finalPath ? `http://site.test${s.finalPath}` : url,
        Date.now() - (s.ageMs ?? 60_000),
        JSON.stringify(signed),
        s.logged === false ? null : leaf++,
        s.flagged ? 1 : 0,
      ],
    );
    return url;
  }

  /** globex's train job asks for `url` with --max-age 1h; answers whether it was taken from the archive. */
  async function take(url: string, current: ReceiptCreatorTerms | null = null, extra = {}) {
    const job = await store.frontier.createJob(
      { tenant: 'globex' },
      opts({ seed: url, maxAge: '1h', purpose: 'train', ...extra }),
    );
    const row = await store.db.get<{ id: number }>('SELECT id FROM urls WHERE job_id = ?', [job.id]);
    const reuse = new ArchiveReuse(store, { sold: async (_tx, sale) => void sold.push(sale) });
    const taken = await store.db.transaction((tx) =>
      reuse.take(tx, {
        urlId: Number(row?.id),
        jobId: job.id,
        url,
        options: job.options,
        purpose: 'train',
        terms: current,
        now: Date.now(),
      }),
    );
    return { taken, job: job.id };
  }

  test('a fresh capture whose receipt allows the purpose is taken: URL stored from the archive, sold to the buyer', async () => {
    const url = await archived({});
    const { taken, job } = await take(url);
    assert.equal(taken, true);
    const u = await store.db.get<{ state: string; reason: string; capture_id: string }>(
      'SELECT state, reason, capture_id FROM urls WHERE job_id = ?',
      [job],
    );
    assert.deepEqual({ ...u }, { state: 'stored', reason: 'archive', capture_id: 'c_0' });
    const progress = await store.frontier.progress(job);
    assert.equal(progress.fromArchive, 1);
    assert.equal(progress.fetched, 0);
    const { rows } = await store.captures.pages(job, null, 10);
    assert.deepEqual(
      rows.map((r) => [r.id, r.reused]),
      [['c_0', true]],
    );
    assert.deepEqual(sold.at(-1), {
      ref: `job:${job}`,
      buyer: 'globex',
      captures: [{ captureId: 'c_0', nodeId: 'n_maker' }],
    });
    // The buyer may read the capture and its body through its job; a third tenant may not.
    assert.ok(await store.captures.byIdOf('globex', 'c_0'));
    assert.equal((await store.captures.tenantBodyUrls('globex', 'h')).length > 0, true);
    assert.equal(await store.captures.byIdOf('initech', 'c_0'), undefined);
    assert.deepEqual(await store.captures.tenantBodyUrls('initech', 'h'), []);
  });

  const refused: [string, Source, ReceiptCreatorTerms | null, Record<string, unknown>?][] = [
    ['its receipt refuses the purpose', { decisions: { train: skip, input: allow, index: allow } }, null],
    ['it has no rights receipt', { receipt: false }, null],
    ['it was fetched with a licence token', { access: { license: true } }, null],
    ['its site was paid for it (pay-per-crawl)', { access: { license: false, charged: 'USD 0.01' } }, null],
    ['its document kept personal data this job redacts', { keepPii: true }, null],
    ['this job keeps personal data its document redacted', {}, null, { keepPii: true }],
    ['it is older than --max-age', { ageMs: 2 * HOUR }, null],
    ['a spot check flagged it', { flagged: true }, null],
    ['it is not in the log yet', { logged: false }, null],
    ['the creator terms changed since (v1 then, v2 now)', { creator: terms(1) }, terms(2)],
    ['the domain was claimed since', {}, terms(1)],
    [
      'its creator terms have a price (the creator is paid on a fetch)',
      { creator: terms(1, '2') },
      terms(1, '2'),
    ],
    ['its final URL is taken down', { finalPath: '/gone' }, null],
  ];
  before(async () => {
    await store.takedowns.add({
      kind: 'url',
      value: 'http://site.test/gone',
      host: 'site.test',
      reason: 'test',
      actor: 'test',
    });
  });
  for (const [why, source, current, extra] of refused)
    test(`not taken when ${why}`, async () => {
      const url = await archived(source);
      const { taken, job } = await take(url, current, extra);
      assert.equal(taken, false);
      assert.equal(await store.archive.reusedCount(job), 0);
      const u = await store.db.get<{ state: string }>('SELECT state FROM urls WHERE job_id = ?', [job]);
      assert.equal(u?.state, 'queued', 'left for a lease');
    });

  test('a capture refuted after its reuse sends only its own job back to the queue, not the job that reused it', async () => {
    // The buyer's URL row is older than the source's: a lookup by capture id alone finds the buyer's first.
    const url = 'http://site.test/refuted';
    const buyer = await store.frontier.createJob(
      { tenant: 'globex' },
      opts({ seed: url, maxAge: '1h', purpose: 'train' }),
    );
    const i = n;
    await archived({});
    const sourceUrl = `http://site.test/p${i}`;
    const src = await store.db.get<{ job_id: string }>('SELECT job_id FROM captures WHERE id = ?', [
      `c_${i}`,
    ]);
    await store.db.run("UPDATE urls SET state = 'stored', capture_id = ? WHERE job_id = ? AND url = ?", [
      `c_${i}`,
      src?.job_id ?? null,
      sourceUrl,
    ]);
    await store.db.run('UPDATE captures SET requested_url = ? WHERE id = ?', [url, `c_${i}`]);
    const row = await store.db.get<{ id: number }>('SELECT id FROM urls WHERE job_id = ?', [buyer.id]);
    const reuse = new ArchiveReuse(store);
    const taken = await store.db.transaction((tx) =>
      reuse.take(tx, {
        urlId: Number(row?.id),
        jobId: buyer.id,
        url,
        options: buyer.options,
        purpose: 'train',
        terms: null,
        now: Date.now(),
      }),
    );
    assert.equal(taken, true);
    const page = await store.db.transaction((tx) => store.captures.pageUrlOf(tx, `c_${i}`));
    assert.equal(page?.jobId, src?.job_id);
  });

  test('unchanged, unpriced creator terms allow reuse', async () => {
    const url = await archived({ creator: terms(3) });
    assert.equal((await take(url, terms(3))).taken, true);
  });
});
