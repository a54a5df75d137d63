// The crawl bench's watcher of a process tree (sward-procs: coordinator, nodes, `sward crawl`), made cheap.
// The watcher shares the tree's 2 cores, so what it costs is taken from what it measures. Profiled (perf,
// docs/BENCHMARKS.md, session 18, jit), the old watcher (readFileSync of /proc/PID/status every 50 ms,
// /proc/PID/smaps_rollup every 250 ms, /proc/PID/stat and every thread's stat every 100 ms, all opened
// afresh) spent more than half its CPU in the kernel walking page tables for smaps_rollup's PSS: about
// 1.4 ms of system time a read for a process of ~270 MiB.
//
// What this one reads instead:
// - RSS every 50 ms from /proc/PID/statm (resident and shared pages: a few numbers, no name lookups), each
//   file opened once and read again with pread at offset 0 (the kernel writes the text afresh each time).
// - PSS every 50 ms, without the page walk each time: a Node process's anonymous pages are its own (no
//   fork, no shared memory), so its PSS is its anonymous RSS (statm's resident - shared) plus its share of
//   the file-backed pages it maps; that share (Pss_File + Pss_Shmem over Rss_File + Rss_Shmem) is read from
//   smaps_rollup every 400 ms, one process at a time (with six, each every 2.4 s), and applied to the file-backed RSS of each
//   50 ms reading. Every exact reading is also kept, and how far its Pss_Anon was from statm's anonymous
//   RSS is reported (`pssAnonGapMiB`), so the assumption is checked on every run.
// - CPU every 100 ms from /proc/PID/stat and each coordinator thread's stat, files kept open (threads found
//   once a second: one that starts and ends between two looks is counted in its process, not by thread).
// - The kernel's own peak RSS (VmHWM) of the coordinator and each node, reset when the crawl starts
//   (clear_refs 5) and read once after the command: exact peaks a process, beside the sampled ones.
import { closeSync, openSync, readdirSync, readSync, writeFileSync } from 'node:fs';
import { procCpu, procPss, procRss, threadsCpu } from './support-proc-tree.js';

const PAGE = 4096;
const buf = Buffer.alloc(8192);

/** A /proc file opened once and read again from offset 0 (the kernel regenerates its text per read). */
class ProcFile {
  private fd: number | null;
  constructor(path: string) {
    try {
      this.fd = openSync(path, 'r');
    } catch {
      this.fd = null;
    }
  }
  read(): string {
    if (this.fd === null) return '';
    try {
      const n = readSync(this.fd, buf, 0, buf.length, 0);
      return buf.toString('latin1', 0, n);
    } catch {
      // the process is gone (ESRCH): nothing more to read
      this.close();
      return '';
    }
  }
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** utime + stime in seconds from a stat line (the command name, field 2, may hold spaces). */
export function statCpu(text: string): number {
  const f = text.slice(text.lastIndexOf(') ') + 2).split(' ', 13);
  return f.length < 13 ? 0 : (Number(f[11]) + Number(f[12])) / 100; // CLK_TCK is 100 on Linux
}

/**
 * The whole machine's busy CPU seconds from /proc/stat's first line (all cores: user nice system idle iowait
 * irq softirq steal …, in USER_HZ = 100ths of a second): everything but idle and iowait. Beside the tree's
 * own CPU it says what else ran during a crawl: the bench's site, and on a shared machine other people's work,
 * which is what made same-tree runs differ by 1.5× (docs/BENCHMARKS.md, session 21, slots).
 */
export function machineBusy(text: string): number {
  const f = text.slice(0, text.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 5) return 0;
  const all = f.slice(0, 8).reduce((a, n) => a + n, 0); // guest time is counted in user already
  return (all - (f[3] as number) - (f[4] as number)) / 100;
}

/** RSS and its anonymous part in bytes from a statm line (pages: size resident shared …). */
export function statmRss(text: string): { rss: number; anon: number } {
  const f = text.split(' ', 3);
  const resident = Number(f[1] ?? 0);
  const shared = Number(f[2] ?? 0);
  return { rss: resident * PAGE, anon: (resident - shared) * PAGE };
}

/** Pss, Pss_Anon, Pss_File + Pss_Shmem, Rss and Anonymous from smaps_rollup, bytes (kB lines). */
export function rollup(text: string): {
  pss: number;
  pssAnon: number;
  pssFile: number;
  rss: number;
  anon: number;
} {
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return {
    pss: kb('Pss'),
    pssAnon: kb('Pss_Anon'),
    pssFile: kb('Pss_File') + kb('Pss_Shmem'),
    rss: kb('Rss'),
    anon: kb('Anonymous'),
  };
}

/** One reading of the tree's memory, bytes: RSS of each process, PSS of the whole tree (0 when not read). */
export interface MemorySample {
  at: number;
  coordinator: number;
  nodes: number[];
  crawl: number;
  pss: number;
}

/** One CPU reading of the tree every 100 ms: wall clock (ms since the epoch) and CPU seconds. */
export interface CpuSample {
  at: number;
  tree: number;
  coordMain: number;
  coordAll: number;
  coordThreads: Map<number, number>;
  nodes: number;
  crawl: number;
  /** The whole machine's busy CPU seconds (machineBusy), every process on it. */
  machine: number;
  statements: number;
  captureInserts: number;
}

export type WatchMode = 'lean' | 'legacy' | 'both';

export interface TreeWatch {
  memory: MemorySample[];
  /** `both`: the old watcher's readings of the same crawl, to compare peaks. */
  legacyMemory: MemorySample[];
  cpu: CpuSample[];
  /** Sample now (the window's first reading). */
  sampleCpu(): CpuSample;
  setCrawlPid(pid: number): void;
  /** Largest |Pss_Anon − statm anonymous RSS| seen at an exact reading, MiB (the lean PSS's assumption). */
  pssAnonGapMiB(): number;
  /** The kernel's peak RSS since `resetPeaks` (VmHWM), bytes, of the coordinator and of each node. */
  kernelPeaks(): { coordinator: number; nodes: number[] };
  resetPeaks(): void;
  stop(): void;
}

/**
 * Watches the tree: memory every 50 ms, CPU every 100 ms (as the old watcher did), read the lean way
 * (above) or the old way (`legacy`, kept to check the lean one against: `both` runs the two in one crawl).
 */
export function watchTree(opts: {
  coordPid: number;
  nodePids: number[];
  sqlCountFile: string;
  mode: WatchMode;
  readSqlTotals: () => { statements: number; captureInserts: number };
}): TreeWatch {
  const { coordPid, nodePids, mode } = opts;
  let crawlPid = 0;
  const lean = mode !== 'legacy';
  const legacy = mode !== 'lean';
  // lean readers
  const statm = new Map<number, ProcFile>();
  const stat = new Map<number, ProcFile>();
  const threadStat = new Map<number, ProcFile>();
  const rollups = new Map<number, ProcFile>();
  const fileShare = new Map<number, number>(); // pid → PSS of its file pages ÷ their RSS
  let gap = 0;
  const pidsNow = () => [coordPid, ...nodePids, ...(crawlPid ? [crawlPid] : [])];
  const open = (m: Map<number, ProcFile>, key: number, path: string) => {
    let f = m.get(key);
    if (!f) {
      f = new ProcFile(path);
      m.set(key, f);
    }
    return f;
  };
  const findThreads = () => {
    try {
      for (const tid of readdirSync(`/proc/${coordPid}/task`))
        open(threadStat, Number(tid), `/proc/${coordPid}/task/${tid}/stat`);
    } catch {
      // the coordinator is gone
    }
  };
  findThreads();
  const sqlFile = new ProcFile(opts.sqlCountFile);
  const sqlTotals = () => {
    if (!lean) return opts.readSqlTotals();
    try {
      return JSON.parse(sqlFile.read()) as { statements: number; captureInserts: number };
    } catch {
      return { statements: Number.NaN, captureInserts: Number.NaN };
    }
  };
  const exactPss = (pid: number) => {
    const r = rollup(open(rollups, pid, `/proc/${pid}/smaps_rollup`).read());
    const fileRss = r.rss - r.anon;
    fileShare.set(pid, fileRss > 0 ? r.pssFile / fileRss : 1);
    const m = statmRss(open(statm, pid, `/proc/${pid}/statm`).read());
    if (r.rss > 0 && m.rss > 0) gap = Math.max(gap, Math.abs(r.pssAnon - m.anon));
  };
  const leanMemory = (): MemorySample => {
    let pss = 0;
    const rss = (pid: number) => {
      const m = statmRss(open(statm, pid, `/proc/${pid}/statm`).read());
      if (!fileShare.has(pid) && m.rss > 0) exactPss(pid);
      pss += m.anon + (fileShare.get(pid) ?? 1) * (m.rss - m.anon);
      return m.rss;
    };
    return {
      at: Date.now(),
      coordinator: rss(coordPid),
      nodes: nodePids.map(rss),
      crawl: crawlPid ? rss(crawlPid) : 0,
      pss,
    };
  };
  const legacyMemoryAt = (tick: number): MemorySample => ({
    at: Date.now(),
    coordinator: procRss(coordPid),
    nodes: nodePids.map(procRss),
    crawl: crawlPid ? procRss(crawlPid) : 0,
    pss: tick % 5 === 0 ? pidsNow().reduce((a, p) => a + procPss(p), 0) : 0,
  });
  const procStat = new ProcFile('/proc/stat');
  const sampleCpu = (): CpuSample => {
    const machine = machineBusy(procStat.read());
    if (!lean) {
      const nodes = nodePids.reduce((a, p) => a + procCpu(`/proc/${p}/stat`), 0);
      const coordAll = procCpu(`/proc/${coordPid}/stat`);
      const crawl = crawlPid ? procCpu(`/proc/${crawlPid}/stat`) : 0;
      return {
        at: Date.now(),
        tree: coordAll + nodes + crawl,
        coordMain: procCpu(`/proc/${coordPid}/task/${coordPid}/stat`),
        coordAll,
        coordThreads: threadsCpu(coordPid),
        nodes,
        crawl,
        machine,
        ...sqlTotals(),
      };
    }
    const cpu = (pid: number) => statCpu(open(stat, pid, `/proc/${pid}/stat`).read());
    const nodes = nodePids.reduce((a, p) => a + cpu(p), 0);
    const coordAll = cpu(coordPid);
    const crawl = crawlPid ? cpu(crawlPid) : 0;
    const coordThreads = new Map<number, number>();
    for (const [tid, f] of threadStat) {
      const text = f.read();
      if (text) coordThreads.set(tid, statCpu(text));
    }
    return {
      at: Date.now(),
      tree: coordAll + nodes + crawl,
      coordMain: coordThreads.get(coordPid) ?? 0,
      coordAll,
      coordThreads,
      nodes,
      crawl,
      machine,
      ...sqlTotals(),
    };
  };
  const memory: MemorySample[] = [];
  const legacyMemory: MemorySample[] = [];
  const cpu: CpuSample[] = [];
  let tick = 0;
  let next = 0; // round-robin over the tree's processes for the exact PSS reads
  const sampler = setInterval(() => {
    if (legacy) legacyMemory.push(legacyMemoryAt(tick));
    if (lean) {
      // one exact smaps_rollup every 400 ms (every eighth tick), the processes in turn: each about every 2.4 s
      if (tick % 8 === 0) {
        const pids = pidsNow();
        exactPss(pids[next++ % pids.length] as number);
      }
      memory.push(leanMemory());
    }
    if (tick % 2 === 0) {
      if (lean && tick % 20 === 0) findThreads();
      cpu.push(sampleCpu());
    }
    tick++;
  }, 50);
  const hwm = (pid: number) => {
    const f = new ProcFile(`/proc/${pid}/status`);
    const m = /VmHWM:\s+(\d+) kB/.exec(f.read());
    f.close();
    return m ? Number(m[1]) * 1024 : 0;
  };
  return {
    memory: lean ? memory : legacyMemory,
    legacyMemory,
    cpu,
    sampleCpu,
    setCrawlPid: (pid) => {
      crawlPid = pid;
    },
    pssAnonGapMiB: () => +(gap / 2 ** 20).toFixed(2),
    kernelPeaks: () => ({ coordinator: hwm(coordPid), nodes: nodePids.map(hwm) }),
    resetPeaks: () => {
      for (const pid of [coordPid, ...nodePids]) {
        try {
          writeFileSync(`/proc/${pid}/clear_refs`, '5');
        } catch {
          // not allowed or gone: the peak then runs from the process's start
        }
      }
    },
    stop: () => {
      clearInterval(sampler);
      for (const m of [statm, stat, threadStat, rollups]) for (const f of m.values()) f.close();
      sqlFile.close();
    },
  };
}
