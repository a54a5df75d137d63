// CLI start-up and node memory, each next to a bare Node start measured in the same run:
//   start-up  `node -e 0`, `sward --help`, `sward --version`, `sward extract page.html` (text, json) — whole
//             processes, started in turn (A B C D A B C D …) so drift hits every command alike; wall time
//             from spawn to exit, peak RSS from /usr/bin/time (%M, the kernel's maxrss of the child)
//   node RSS  `sward node --max-concurrent 4` as a child of this script, against a coordinator and the
//             loopback sample site run here; VmRSS read from /proc/<pid>/status every 100 ms while it sits
//             idle (registered, no work) and while it fetches a crawl of the site
// Usage: node --import tsx bench/cli-startup-bench.ts [--runs 15] [--pages 1500] [--only start|node]
//          [--json FILE]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchOption as opt } from './support-args.js';
import { machineFacts } from './support-proc.js';

const SWARD = fileURLToPath(new URL('../packages/cli/bin/sward.js', import.meta.url));
const TIME = '/usr/bin/time';
const args = process.argv.slice(2);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

interface Run {
  ms: number;
  rssKb: number;
}

/** One whole process under /usr/bin/time; its maxrss is the last line time writes to stderr. */
function runOnce(argv: string[]): Run {
  const t0 = performance.now();
  const r = spawnSync(TIME, ['-f', '@@maxrss %M', process.execPath, ...argv], {
    encoding: 'utf8',
    // A clean environment for the child: no NODE_OPTIONS (tsx, conditions) leaking in from a test runner.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const m = /@@maxrss (\d+)/.exec(r.stderr);
  return { ms, rssKb: m ? Number(m[1]) : 0 };
}

async function startup(runs: number, work: string) {
  const { startSampleSite } = await import('@sward/testsites');
  const site = await startSampleSite({ pages: 20 });
  const html = await (await fetch(`${site.url}/articles/1`)).text();
  await site.close();
  const page = join(work, 'page.html');
  writeFileSync(page, html);
  const commands: Record<string, string[]> = {
    'node -e 0': ['-e', '0'],
    'sward --help': [SWARD, '--help'],
    'sward --version': [SWARD, '--version'],
    'sward extract page.html': [SWARD, 'extract', page, '--format', 'text'],
    // the default output, which needs the Markdown too (turndown and its DOM, loaded on first use)
    'sward extract page.html --format json': [SWARD, 'extract', page, '--format', 'json'],
  };
  const names = Object.keys(commands);
  const results = new Map<string, Run[]>(names.map((n) => [n, []]));
  for (const n of names) runOnce(commands[n] as string[]); // warm-up: file cache, not counted
  for (let i = 0; i < runs; i++)
    for (const n of names) results.get(n)?.push(runOnce(commands[n] as string[]));
  const base = results.get('node -e 0') as Run[];
  const rows = names.map((n) => {
    const rs = results.get(n) as Run[];
    // Ratio taken run by run against the bare start of the same round, then the median of those.
    const ratios = rs.map((r, i) => r.ms / (base[i] as Run).ms);
    return {
      command: n,
      medianMs: Math.round(median(rs.map((r) => r.ms))),
      minMs: Math.round(Math.min(...rs.map((r) => r.ms))),
      maxMs: Math.round(Math.max(...rs.map((r) => r.ms))),
      ratioToNode: Number(median(ratios).toFixed(2)),
      peakRssMiB: Number((median(rs.map((r) => r.rssKb)) / 1024).toFixed(1)),
    };
  });
  return rows;
}

function vmRss(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function nodeMemory(pages: number, work: string) {
  const { startSampleSite } = await import('@sward/testsites');
  const { startCoordinator } = await import('@sward/coordinator');
  const { SwardClient } = await import('@sward/sdk');
  const { pino } = await import('pino');
  const site = await startSampleSite({ pages, politeness: false, slowMs: 200 });
  const coordinator = await startCoordinator({
    db: join(work, 'sward.db'),
    dataDir: join(work, 'coordinator'),
    scheduler: { politeness: false, hostDelayMs: 0 },
    log: pino({ level: 'warn' }),
  });
  const dir = join(work, 'node');
  const child = spawn(
    process.execPath,
    [
      SWARD,
      'node',
      '--coordinator',
      coordinator.url,
      '--key',
      join(dir, 'node.key'),
      '--log-file',
      join(dir, 'fetch-log.jsonl'),
      '--state-file',
      join(dir, 'state.json'),
      '--allow-private',
      '--max-concurrent',
      '4',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SWARD_NODE_LOG_LEVEL: 'warn' },
    },
  );
  const pid = child.pid as number;
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('coordinator ')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`sward node exited ${code}: ${out}`)));
    });
    const sample = async (ms: number, until?: () => boolean) => {
      const xs: number[] = [];
      const end = performance.now() + ms;
      while (performance.now() < end && !until?.()) {
        xs.push(vmRss(pid));
        await new Promise((r) => setTimeout(r, 100));
      }
      return xs;
    };
    // Idle: registered and long-polling for leases that never come; 2 s to settle, then 5 s read.
    await sample(2000);
    const idle = await sample(5000);
    const client = new SwardClient({ url: coordinator.url, apiKey: coordinator.firstApiKey as string });
    const job = await client.createCrawl({ seed: `${site.url}/`, maxPages: pages, maxDepth: 100 });
    let state = 'queued';
    let stored = 0;
    let progressAt = performance.now();
    const poll = setInterval(() => {
      client
        .job(job.id)
        .then((j) => {
          if (j.stored !== stored) progressAt = performance.now();
          state = j.state;
          stored = j.stored;
        })
        .catch(() => undefined);
    }, 250);
    const t0 = performance.now();
    // A crawl that stores nothing for 30 s has stalled: the memory while fetching is what was seen so far.
    const stalled = () => performance.now() - progressAt > 30_000;
    const busy = await sample(600_000, () => state === 'done' || stalled());
    clearInterval(poll);
    const seconds = (performance.now() - t0) / 1000;
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return {
      idleMedianMiB: Number(median(idle).toFixed(1)),
      idleMaxMiB: Number(Math.max(...idle).toFixed(1)),
      fetchingMedianMiB: Number(median(busy).toFixed(1)),
      fetchingMaxMiB: Number(Math.max(...busy).toFixed(1)),
      kernelPeakMiB: hwm ? Number((Number(hwm[1]) / 1024).toFixed(1)) : null,
      pagesStored: stored,
      seconds: Number(seconds.toFixed(1)),
      stalled: state !== 'done',
    };
  } finally {
    child.kill('SIGKILL');
    await coordinator.close();
    await site.close();
  }
}

async function main() {
  if (!existsSync(TIME)) throw new Error(`${TIME} is needed for the peak RSS of each run`);
  const runs = Number(opt('runs', '15'));
  const pages = Number(opt('pages', '1500'));
  const jsonOut = args.includes('--json') ? opt('json', '') : '';
  const work = mkdtempSync(join(tmpdir(), 'sward-cli-bench-'));
  process.stderr.write(`${new Date().toISOString()} ${machineFacts()}\n`);
  try {
    const only = opt('only', '');
    const start = only === 'node' ? null : await startup(runs, work);
    if (start) console.table(start);
    const node = only === 'start' ? null : await nodeMemory(pages, work);
    if (node) console.table([node]);
    if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ start, node }, null, 2));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
