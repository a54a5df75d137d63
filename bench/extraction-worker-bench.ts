// CPU per page of the extraction worker's work (extraction-worker.ts: decodeHtml, extract at the final URL,
// the stored JSON) on the crawl bench's sample-site pages, for this tree's @sward/extract and, in the same
// process and alternating rounds, another tree's (--base DIST/index.js: e.g. main's, exported and built);
// the documents must be byte-identical. CPU is the whole process's (GC and compiler helper threads
// included) and the measuring thread's alone, from /proc.
//   node --import tsx bench/extraction-worker-bench.ts [--pages 2000] [--rounds 3] [--base PATH]
import { procCpu } from './support-proc-tree.js';
import { fetchSamplePages } from './support-sample-pages.js';

const arg = (k: string, d: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? (process.argv[i + 1] ?? d) : d;
};
const PAGES = Number(arg('pages', '2000'));
const ROUNDS = Number(arg('rounds', '3'));
const BASE = arg('base', '');

type Extract = typeof import('@sward/extract');
const trees: { name: string; x: Extract }[] = [{ name: 'this tree', x: await import('@sward/extract') }];
if (BASE) trees.push({ name: `base (${BASE})`, x: (await import(BASE)) as Extract });

const threadCpuMs = () => procCpu('/proc/thread-self/stat') * 1000;
const processCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const pages = await fetchSamplePages(PAGES);
const bytes = pages.reduce((a, p) => a + p.body.length, 0);
console.log(`${pages.length} pages, ${Math.round(bytes / pages.length)} bytes on average`);
const results = new Map<string, { process: number[]; thread: number[] }>();
const outputs = new Map<string, string[]>();
for (let round = 0; round < ROUNDS; round++)
  for (const { name, x } of trees) {
    const docs: string[] = [];
    const p0 = processCpuMs();
    const t0 = threadCpuMs();
    for (const p of pages) {
      const { text } = x.decodeHtml(p.body, p.type);
      docs.push(
        JSON.stringify({ ...x.extract(text, { url: p.url, redactPii: true }), extractor: x.EXTRACTOR }),
      );
    }
    const r = results.get(name) ?? { process: [], thread: [] };
    r.process.push((processCpuMs() - p0) / pages.length);
    r.thread.push((threadCpuMs() - t0) / pages.length);
    results.set(name, r);
    outputs.set(name, docs);
  }
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] as number;
console.log('| tree | CPU ms/page, process (rounds) | median | CPU ms/page, this thread (median) |');
console.log('|---|---|---:|---:|');
for (const [name, r] of results)
  console.log(
    `| ${name} | ${r.process.map((v) => v.toFixed(2)).join(', ')} | ${median(r.process).toFixed(2)} | ${median(r.thread).toFixed(2)} |`,
  );
if (BASE) {
  const [a, b] = [...results.values()].map((r) => median(r.process)) as [number, number];
  console.log(`this tree / base, process CPU (medians): ${(a / b).toFixed(2)}`);
  const [mine, base] = [...outputs.values()] as [string[], string[]];
  const differ = mine.filter((d, i) => d !== base[i]).length;
  console.log(differ ? `DOCUMENTS DIFFER on ${differ} pages` : 'documents byte-identical on every page');
  if (differ) process.exitCode = 1;
}
