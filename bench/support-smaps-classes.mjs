// Where each process of a `sward` tree holds its memory, by kind of mapping, at the tree's peak: a scratch
// sampler for crawl-bench runs (docs/BENCHMARKS.md, session 20, rss). Run it beside the bench:
//   node bench/support-smaps-classes.mjs watch OUT.jsonl [MATCH]   (every 0.4 s until killed)
//   node bench/support-smaps-classes.mjs report OUT.jsonl [MAX_CRAWL_MIB]
// `watch` reads /proc/PID/smaps of every process whose command line has `sward.js` and MATCH (default
// "/packages/cli/bin/sward.js"; e.g. a worktree's path, to leave other trees out) and classes its resident
// pages: the node binary, other files (libraries, better-sqlite3), the main thread's malloc (`[heap]`), V8's
// pages (anonymous mappings of whole 256 KiB multiples: an approximation, a thread's malloc arena can match),
// other anonymous memory (threads' malloc arenas and stacks). `report` prints each process at the sample
// where the tree's summed RSS was highest, leaving out samples where `sward crawl` is above MAX_CRAWL_MIB
// (its output phase, after the crawl window; default: none left out). Plain JS: no build, no TS loader.
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';

const [mode, file, arg] = process.argv.slice(2);
const V8_PAGE = 262144;

function kindOf(cmd) {
  if (!cmd.includes('sward.js')) return null;
  if (cmd.includes(' coordinator')) return 'coordinator';
  if (cmd.includes(' crawl ')) return 'crawl';
  if (cmd.includes(' node ')) return 'node';
  return null;
}

function classify(pid) {
  const c = { total: 0, binary: 0, files: 0, heap: 0, v8: 0, anon: 0 };
  let name = '';
  let size = 0;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (m) {
      name = m[3];
      size = Number.parseInt(m[2], 16) - Number.parseInt(m[1], 16);
      continue;
    }
    if (!line.startsWith('Rss:')) continue;
    const kb = Number(line.split(/\s+/)[1]);
    c.total += kb;
    if (name.endsWith('/node')) c.binary += kb;
    else if (name.startsWith('/')) c.files += kb;
    else if (name === '[heap]') c.heap += kb;
    else if (name === '' && size % V8_PAGE === 0) c.v8 += kb;
    else c.anon += kb;
  }
  return c;
}

if (mode === 'watch') {
  const match = arg ?? '/packages/cli/bin/sward.js';
  const t0 = Date.now();
  setInterval(() => {
    const procs = [];
    for (const p of readdirSync('/proc')) {
      if (!/^\d+$/.test(p)) continue;
      try {
        const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ');
        const kind = kindOf(cmd);
        if (!kind || !cmd.includes(match)) continue;
        procs.push({ pid: Number(p), kind, threads: readdirSync(`/proc/${p}/task`).length, ...classify(p) });
      } catch {
        // the process ended between the listing and the read
      }
    }
    if (procs.length) appendFileSync(file, `${JSON.stringify({ t: Date.now() - t0, procs })}\n`);
  }, 400);
} else if (mode === 'report') {
  const maxCrawlKb = arg ? Number(arg) * 1024 : Number.POSITIVE_INFINITY;
  const mib = (kb) => (kb / 1024).toFixed(1);
  let best = null;
  for (const line of readFileSync(file, 'utf8').trim().split('\n')) {
    const s = JSON.parse(line);
    const crawl = s.procs.find((p) => p.kind === 'crawl');
    if (!crawl || crawl.total > maxCrawlKb) continue;
    const total = s.procs.reduce((a, p) => a + p.total, 0);
    if (!best || total > best.total) best = { total, s };
  }
  if (!best) throw new Error('no sample with a `sward crawl` process');
  const cols = ['total', 'binary', 'files', 'heap', 'v8', 'anon'];
  console.log(`tree peak ${mib(best.total)} MiB at ${best.s.t} ms`);
  console.log(['process', ...cols, 'threads'].join('\t'));
  for (const p of best.s.procs) console.log([p.kind, ...cols.map((c) => mib(p[c])), p.threads].join('\t'));
} else {
  console.error(
    'usage: support-smaps-classes.mjs watch OUT.jsonl [MATCH] | report OUT.jsonl [MAX_CRAWL_MIB]',
  );
  process.exit(2);
}
