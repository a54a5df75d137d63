// Where the test suite's CPU goes, process by process. Preload it into every process of a run, then sum:
//   rm -f /tmp/suite-cpu.jsonl
//   SWARD_SUITE_CPU=/tmp/suite-cpu.jsonl NODE_OPTIONS="--import=$PWD/bench/suite-cpu-probe.mjs" node scripts/run-tests.mjs
//   node bench/suite-cpu-probe.mjs /tmp/suite-cpu.jsonl
// Each process appends its own user and system CPU at exit, tagged by the test file that started it (a test
// process tags itself; its children inherit the tag through the environment). A worker thread's exit is skipped:
// resourceUsage() there is its whole process's. A process killed by a signal writes nothing: children that a test
// SIGKILLs are missing from the sums. Session 22 (docs/BENCHMARKS.md) used it to find the ~2 CPU-s a test process
// paid before its first test.
import { appendFileSync, readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const script = process.argv[1] ?? '';
const out = process.env.SWARD_SUITE_CPU;

if (script.endsWith('suite-cpu-probe.mjs')) {
  // the summary: CPU-s by tag, the test process's own beside its children's
  const rows = readFileSync(process.argv[2] ?? '/tmp/suite-cpu.jsonl', 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const byTag = new Map();
  for (const r of rows) {
    const t = byTag.get(r.tag) ?? { own: 0, children: 0, processes: 0 };
    t[r.test ? 'own' : 'children'] += r.user + r.sys;
    t.processes++;
    byTag.set(r.tag, t);
  }
  const total = rows.reduce((sum, r) => sum + r.user + r.sys, 0);
  console.log(`${rows.length} processes, ${total.toFixed(0)} CPU-s`);
  for (const [tag, t] of [...byTag].sort((a, b) => b[1].own + b[1].children - a[1].own - a[1].children))
    console.log(
      `${(t.own + t.children).toFixed(1).padStart(7)} own ${t.own.toFixed(1).padStart(6)} children ${t.children.toFixed(1).padStart(6)} ${String(t.processes).padStart(3)}  ${tag}`,
    );
} else if (out && isMainThread) {
  const test = /\.test\.(ts|mjs)$/.test(script);
  if (test) process.env.SWARD_SUITE_CPU_TAG = script.replace(/.*\/(test|packages|test-groups)\//, '$1/');
  process.on('exit', () => {
    const u = process.resourceUsage();
    const tag = process.env.SWARD_SUITE_CPU_TAG ?? '(the runner and its checks)';
    appendFileSync(
      out,
      `${JSON.stringify({ tag, test, user: u.userCPUTime / 1e6, sys: u.systemCPUTime / 1e6 })}\n`,
    );
  });
}
