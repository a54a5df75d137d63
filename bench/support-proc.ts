// Process measurements shared by the benches: peak RSS (sampled and the kernel's high-water mark),
// CPU time, and the machine facts every BENCHMARKS.md section starts with.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, freemem, totalmem } from 'node:os';
import { join } from 'node:path';
import { swardCoordinatorArgs } from '../test/support/processes.js';

export interface RssSampler {
  /** Largest RSS seen by the 50 ms sampler, in bytes. */
  peak(): number;
  stop(): void;
}

/**
 * Samples this process's RSS every `everyMs`. The timer is unref'd so it never keeps a child alive; a
 * busy event loop delays samples, which is why `kernelPeakRss` is reported next to it.
 */
export function sampleRss(everyMs = 50): RssSampler {
  let peak = process.memoryUsage.rss();
  const t = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  t.unref();
  return {
    peak: () => Math.max(peak, process.memoryUsage.rss()),
    stop: () => clearInterval(t),
  };
}

/** VmHWM from /proc: the kernel's exact peak RSS of this process (Linux only; 0 elsewhere). */
export function kernelPeakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * A loopback port nobody listens on now (the kernel's pick, released at once) for a child process to listen
 * on: a random number could be the bench site's own port (seen: a coordinator died with EADDRINUSE).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** This process's CPU seconds (user + system, all threads) since `c` was read. */
export const cpuSince = (c: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1e6;
};

export function machineFacts(): string {
  return `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} GiB free at start), Node ${process.version}, ${process.platform}`;
}

/**
 * System CPU, in µs a file, to create `files` small files the way the blob store does (write a temporary
 * name, rename into place) in a new folder under `dir`; the files stay until the caller removes `dir`
 * (removing them would tax the next run). On ext4 without a journal, creating files costs up to ten times
 * more for minutes after many deletions (the kernel skips the recently freed inodes one by one:
 * docs/BENCHMARKS.md, session 21, the lead), which moves a crawl's coordinator CPU: printed beside each
 * run so a reader can tell a taxed run.
 */
export function fileCreateProbe(dir: string, files = 400): number {
  const folder = join(dir, `fs-probe-${process.pid}-${Date.now()}`);
  mkdirSync(folder, { recursive: true });
  const body = Buffer.alloc(16 * 1024, 97);
  const before = process.cpuUsage();
  for (let i = 0; i < files; i++) {
    writeFileSync(join(folder, `${i}.tmp`), body);
    renameSync(join(folder, `${i}.tmp`), join(folder, String(i)));
  }
  return Math.round(process.cpuUsage(before).system / files);
}

/** Child-process result protocol: the child prints one line starting with this, then JSON. */
export const RESULT_PREFIX = '@@bench-result ';

export function emitResult(result: unknown): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/**
 * Runs this same script in a child (`node --import tsx <script> ...args`) and returns the JSON it emits.
 * The child's other output goes to our stderr so progress stays visible without being parsed.
 */
export function runChild<T>(script: string, args: string[], nodeFlags: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) {
        reject(new Error(`child ${args.join(' ')} exited ${code}; stdout tail: ${out.slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
    });
  });
}

/** `sward crawl` of a whole site as the benchmarks run it: no page or depth limit, JSON summary to stdout. */
export const swardCrawlArgs = (site: string, coordinator: string, apiKey: string, out: string): string[] => [
  'crawl',
  `${site}/`,
  '--coordinator',
  coordinator,
  '--api-key',
  apiKey,
  '--max-pages',
  '1000000',
  '--max-depth',
  '100',
  '--out',
  out,
  '--json',
];

/** A bench coordinator on SQLite at `port`, politeness lifted (the site is ours, on loopback). */
export const swardBenchCoordinatorArgs = (db: string, port: number): string[] => [
  ...swardCoordinatorArgs(db, port),
  '--no-politeness',
];

/** A child a bench started: its stdout so far, a wait for a line of it, its exit. */
export interface BenchChild {
  child: ChildProcess;
  out(): string;
  waitFor(re: RegExp): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

/** Starts `cmd args` (stderr inherited) and adds it to `children`, which the bench kills if it fails. */
export function startChild(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  children: ChildProcess[],
): BenchChild {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const waitFor = async (re: RegExp) => {
    for (;;) {
      const m = out.match(re);
      if (m) return m;
      if (child.exitCode !== null) throw new Error(`${args[1]} exited: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { child, out: () => out, waitFor, exited };
}
