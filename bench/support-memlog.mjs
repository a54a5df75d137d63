// Preloaded (node --import) into a bench's `sward node` or coordinator process: appends one JSON line a
// second to <dir>/<pid>.jsonl with process.memoryUsage() (V8 heap used/total, external, array buffers), the
// size of each V8 heap space and
// /proc/self/status (RSS, anonymous, file-backed), so a run says which of them holds a process's memory.
// Dir from SWARD_BENCH_MEMLOG_DIR; does nothing without it. Plain JS: compiled bins need no TS loader.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

const dir = process.env.SWARD_BENCH_MEMLOG_DIR;
if (dir) {
  const file = join(dir, `${process.pid}.jsonl`);
  const kb = (st, k) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(st)?.[1] ?? 0);
  const mib = (b) => Math.round((b / 1048576) * 10) / 10;
  const t0 = Date.now();
  // GC pauses on the main thread so far, by kind (minor = scavenge, major = mark-compact): count and ms
  const gc = {};
  const kinds = { 1: 'minor', 4: 'major', 8: 'incremental', 16: 'weakcb' };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const k = kinds[e.detail?.kind] ?? String(e.detail?.kind);
      gc[k] ??= { n: 0, ms: 0 };
      gc[k].n++;
      gc[k].ms = Math.round((gc[k].ms + e.duration) * 100) / 100;
    }
  }).observe({ entryTypes: ['gc'] });
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const st = readFileSync('/proc/self/status', 'utf8');
    const line = {
      t: (Date.now() - t0) / 1000,
      rss: mib(kb(st, 'VmRSS') * 1024),
      anon: mib(kb(st, 'RssAnon') * 1024),
      file: mib(kb(st, 'RssFile') * 1024),
      heapTotal: mib(m.heapTotal),
      heapUsed: mib(m.heapUsed),
      external: mib(m.external),
      arrayBuffers: mib(m.arrayBuffers),
      cpu: process.cpuUsage(),
      gc,
      // committed MiB per V8 space (new, old, code, large objects…): which part of the heap grows
      spaces: Object.fromEntries(getHeapSpaceStatistics().map((x) => [x.space_name, mib(x.space_size)])),
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, 1000);
  timer.unref();
}
