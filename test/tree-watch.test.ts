// The crawl bench's lean watcher (bench/support-tree-watch.ts): what it reads from /proc must agree with what
// the old watcher read (status' VmRSS, smaps_rollup's Pss), for a live process tree of Node processes.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { procPss, procRss } from '../bench/support-proc-tree.js';
import { machineBusy, rollup, statCpu, statmRss, watchTree } from '../bench/support-tree-watch.js';

const linux = process.platform === 'linux';
const dir = mkdtempSync(join(tmpdir(), 'sward-tree-watch-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('statCpu, statmRss, rollup read the kernel lines', () => {
  // a command name may hold spaces and ") ": fields are counted after the last ") "
  const stat = `42 (a ) b) S ${Array.from({ length: 10 }, (_, i) => i + 1).join(' ')} 250 130 0 0 20 0 3 0`;
  assert.equal(statCpu(stat), 3.8);
  assert.deepEqual(statmRss('5000 300 100 10 0 200 0\n'), { rss: 300 * 4096, anon: 200 * 4096 });
  const r = rollup(
    'Rss:                2168 kB\nPss:                 450 kB\nPss_Dirty:           152 kB\nPss_Anon:            152 kB\nPss_File:            298 kB\nPss_Shmem:             0 kB\nAnonymous:           152 kB\n',
  );
  assert.deepEqual(r, {
    pss: 450 * 1024,
    pssAnon: 152 * 1024,
    pssFile: 298 * 1024,
    rss: 2168 * 1024,
    anon: 152 * 1024,
  });
});

test('machineBusy counts every CPU state but idle and iowait, in seconds', () => {
  // user nice system idle iowait irq softirq steal guest guest_nice; guest is already inside user
  const stat = 'cpu  1000 20 300 5000 400 10 5 15 700 0\ncpu0 500 10 150 2500 200 5 3 7 350 0\n';
  assert.equal(machineBusy(stat), (1000 + 20 + 300 + 10 + 5 + 15) / 100);
  assert.equal(machineBusy(''), 0);
});

/** A Node process holding `mib` MiB until told to let go ("free" on stdin), with a worker thread. */
function holder(mib: number): Promise<ChildProcess> {
  const code = `
    const { Worker } = require('node:worker_threads');
    new Worker('setInterval(() => {}, 1000)', { eval: true });
    let held = Buffer.alloc(${mib} * 1024 * 1024, 1);
    process.stdin.on('data', () => { held = null; globalThis.gc(); console.log('freed'); });
    setInterval(() => {}, 1000);
    console.log('ready');`;
  const c = spawn(process.execPath, ['--expose-gc', '-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(c);
  return new Promise((resolve) => c.stdout?.once('data', () => resolve(c)));
}

test('the lean watcher agrees with the old readings and resets the kernel peak', {
  skip: !linux,
}, async () => {
  const coordinator = await holder(96);
  const node = await holder(8);
  const sql = join(dir, 'sql-count.json');
  writeFileSync(sql, JSON.stringify({ statements: 7, captureInserts: 2 }).padEnd(80));
  const watch = watchTree({
    coordPid: coordinator.pid as number,
    nodePids: [node.pid as number],
    sqlCountFile: sql,
    mode: 'lean',
    readSqlTotals: () => ({ statements: 0, captureInserts: 0 }),
  });
  try {
    await new Promise((r) => setTimeout(r, 600));
    const m = watch.memory.at(-1);
    assert.ok(m && watch.memory.length >= 5, 'memory read every 50 ms');
    // RSS: statm's resident pages are status' VmRSS (the same counters)
    const within = (a: number, b: number, tolerance: number) => Math.abs(a - b) <= tolerance * b;
    assert.ok(within(m.coordinator, procRss(coordinator.pid as number), 0.03), `${m.coordinator}`);
    assert.ok(m.coordinator > 96 * 2 ** 20, 'the held buffer is resident');
    // PSS: anonymous RSS plus the file pages' share, against smaps_rollup's own sum
    const exact = procPss(coordinator.pid as number) + procPss(node.pid as number);
    assert.ok(within(m.pss, exact, 0.05), `estimated ${m.pss} against ${exact}`);
    assert.ok(
      watch.pssAnonGapMiB() < 2,
      `Pss_Anon against statm's anonymous pages: ${watch.pssAnonGapMiB()}`,
    );
    // CPU: every thread of the "coordinator" (main, worker, V8's), the SQL totals from the kept-open file
    const c = watch.sampleCpu();
    assert.ok(c.coordThreads.size >= 3 && c.coordThreads.has(coordinator.pid as number));
    assert.deepEqual([c.statements, c.captureInserts], [7, 2]);
    // The kernel's peak: reset to the current RSS after the buffer is let go
    const before = watch.kernelPeaks().coordinator;
    coordinator.stdin?.write('free\n');
    await new Promise((r) => coordinator.stdout?.once('data', r));
    // the buffer's pages go back to the kernel when V8 frees its backing store (maybe on a helper thread)
    for (let i = 0; i < 100 && procRss(coordinator.pid as number) > before - 64 * 2 ** 20; i++)
      await new Promise((r) => setTimeout(r, 50));
    watch.resetPeaks();
    const reset = watch.kernelPeaks().coordinator;
    assert.ok(before > 96 * 2 ** 20, `${before}`);
    assert.ok(reset < before - 64 * 2 ** 20, `VmHWM ${before} → ${reset} after clear_refs 5`);
  } finally {
    watch.stop();
  }
});
