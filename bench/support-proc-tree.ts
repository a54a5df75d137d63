// A process tree's CPU and memory from /proc (Linux), for the benches that run Sward as separate processes:
// CPU per process and per thread, RSS with its anonymous and file-backed parts, PSS, and what each thread
// of a Node process is (Node 20 names none of them: every thread's comm is "node").
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mib } from './support-proc.js';

/** utime + stime of a process (all its threads) or of one thread (`/proc/<pid>/task/<tid>`), in seconds. */
export function procCpu(statPath: string): number {
  try {
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    const f = readFileSync(statPath, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(f[11]) + Number(f[12])) / 100; // CLK_TCK is 100 on Linux
  } catch {
    return 0;
  }
}

/** VmRSS, RssAnon (heap, stacks, malloc) and RssFile (mapped code) of a process, MiB. */
export function procMemory(pid: number): { rss: number; anon: number; file: number } {
  try {
    const st = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(st)?.[1] ?? 0);
    return { rss: mib(kb('VmRSS') * 1024), anon: mib(kb('RssAnon') * 1024), file: mib(kb('RssFile') * 1024) };
  } catch {
    return { rss: 0, anon: 0, file: 0 };
  }
}

export function procRss(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Proportional set size in bytes (smaps_rollup's Pss): each page shared by n processes counts 1/n in each,
 * so the PSS of a process tree sums to what the tree holds, where summed RSS counts the node binary's
 * pages once per process. Dearer to read than VmRSS (the kernel walks the page tables).
 */
export function procPss(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds of each thread of `pid`, by thread id. */
export function threadsCpu(pid: number): Map<number, number> {
  const m = new Map<number, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`))
      m.set(Number(tid), procCpu(`/proc/${pid}/task/${tid}/stat`));
  } catch {
    // the process is gone: no threads to read
  }
  return m;
}

/** The entry function a Node 20 thread runs (its stack's outermost named frame), and what it is. */
const THREAD_ROLES: [RegExp, string][] = [
  [/node::worker::Worker::/, 'worker thread'],
  [/PlatformWorkerThread/, 'V8 platform worker (GC helpers, concurrent compiler)'],
  [/DelayedTaskScheduler/, 'V8 delayed-task scheduler'],
  [/deps\/uv\/src\/threadpool\.c|uv__fs_work|\bworker \(arg=/, 'libuv pool (fs, dns, crypto, zlib)'],
  [/node::inspector::|StartIoThreadMain/, 'inspector signal thread'],
  [/node::NodeMainInstance::Run|node::Start\(/, 'main'],
];

/**
 * What each thread of a Node process is, by thread id, read from its stack with gdb (which pauses the
 * process for a second or two: call it outside a timed window). Empty when gdb is missing or cannot attach.
 */
export function threadRoles(pid: number): Map<number, string> {
  const roles = new Map<number, string>();
  let out = '';
  try {
    out = execFileSync('gdb', ['-p', String(pid), '-batch', '-ex', 'thread apply all bt 16'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    out = (e as { stdout?: string }).stdout ?? '';
  }
  // "Thread 3 (Thread 0x7f… (LWP 20334) "node"):" then its frames
  for (const block of out.split(/\n(?=Thread \d+ \()/)) {
    const lwp = /\(LWP (\d+)\)/.exec(block)?.[1];
    if (!lwp) continue;
    roles.set(Number(lwp), THREAD_ROLES.find(([re]) => re.test(block))?.[1] ?? 'other');
  }
  return roles;
}

/**
 * ms per page of each thread but the main one over a window, busiest first, with its role when known
 * (threads that ended in the window are not listed).
 */
export function otherThreads(
  before: Map<number, number>,
  after: Map<number, number>,
  main: number,
  pages: number,
  roles: Map<number, string> = new Map(),
): { thread: string; msPerPage: number }[] {
  return [...after]
    .filter(([tid]) => tid !== main)
    .map(([tid, cpu]) => ({ tid, ms: ((cpu - (before.get(tid) ?? 0)) * 1000) / pages }))
    .filter((t) => t.ms >= 0.01)
    .sort((a, b) => b.ms - a.ms)
    .map((t) => ({ thread: `${roles.get(t.tid) ?? 'unknown'} #${t.tid}`, msPerPage: +t.ms.toFixed(2) }));
}
