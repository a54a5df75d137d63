// Truth-inference bench: accuracy of every categorical method on every crowd set of a crowd eval folder
// (next to crowd-kit's published figures), then Dawid–Skene time and peak memory on 1M synthetic answers.
// Usage: node --import tsx bench/crowd-bench.ts --data-dir DIR [--no-synthetic]   (or CROWD_DATA_DIR=DIR)
// DIR is laid out like the shared eval copy's crowd/ (one folder per set with labels.csv and gold.csv);
// testdata/crowd holds three development sets, `npm run eval` scores them all with less detail.
// Prints a markdown table. The synthetic run happens in a child process so its peak RSS is its own.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  dawidSkene,
  krippendorffAlphaNominal,
  LABEL_METHODS,
  parseLabelsCsv,
  simulateCrowd,
} from '../packages/coordinator/src/labels/inference/index.js';
import {
  isHeldOut,
  listCrowdSets,
  loadCrowdSet,
  loadPublished,
  methodAccuracy,
} from './support-crowd-score.js';
import { EvalDataError } from './support-extract-score.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

if (args.includes('--synthetic')) {
  syntheticChild();
} else {
  main();
}

function main(): void {
  const dataDir = flag('--data-dir') ?? process.env.CROWD_DATA_DIR;
  if (!dataDir) {
    console.error('no crowd data folder: give --data-dir DIR or CROWD_DATA_DIR (e.g. testdata/crowd)');
    process.exit(2);
  }
  let sets: string[];
  try {
    sets = listCrowdSets(dataDir);
  } catch (e) {
    if (!(e instanceof EvalDataError)) throw e;
    console.error(e.message);
    process.exit(2);
  }
  const published = loadPublished(dataDir);
  const names: Record<string, string> = {
    mv: 'MV',
    ds: 'DS',
    onecoin: 'OneCoinDS',
    glad: 'GLAD',
    mace: 'MACE',
  };
  console.log(
    `| set | split | answers | α (nominal) | ${LABEL_METHODS.map((m) => names[m]).join(' | ')} | published MV / DS / GLAD / MACE | DS secs |`,
  );
  console.log(`|---|---|---:|---:|${LABEL_METHODS.map(() => '---:').join('|')}|---|---:|`);
  for (const name of sets) {
    const crowd = loadCrowdSet(dataDir, name);
    const cells: string[] = [];
    let dsSecs = 0;
    for (const method of LABEL_METHODS) {
      const t0 = performance.now();
      const acc = methodAccuracy(crowd, method);
      if (method === 'ds') dsSecs = (performance.now() - t0) / 1000;
      cells.push(acc.toFixed(3));
    }
    const pub = published[name];
    const pubCell = pub ? ['MV', 'DS', 'GLAD', 'MACE'].map((k) => pub[k]?.toFixed(3) ?? '–').join(' / ') : '';
    console.log(
      `| ${name} | ${isHeldOut(name) ? 'held-out' : 'dev'} | ${crowd.set.task.length} | ${krippendorffAlphaNominal(crowd.set).toFixed(3)} | ${cells.join(' | ')} | ${pubCell} | ${dsSecs.toFixed(2)} |`,
    );
  }
  if (!args.includes('--no-synthetic')) {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--synthetic'],
      {
        encoding: 'utf8',
      },
    );
    if (child.status !== 0) throw new Error(`synthetic run failed: ${child.stderr}`);
    console.log(`\n${child.stdout.trim()}`);
  }
}

/** 1M answers: 200k tasks × 5 answers, 2,000 workers, 4 classes. */
function syntheticChild(): void {
  const rssBefore = process.memoryUsage().rss;
  // CPU seconds beside wall seconds: on a shared machine wall time mostly measures the neighbours.
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const c0 = cpu();
  const t0 = performance.now();
  const { set, truth } = simulateCrowd({
    tasks: 200_000,
    workers: 2_000,
    classes: 4,
    answersPerTask: 5,
    seed: 42,
  });
  const tSim = performance.now();
  const cSim = cpu();
  const ds = dawidSkene(set);
  const tDs = performance.now();
  const cDs = cpu();
  const peakAfterDs = process.resourceUsage().maxRSS * 1024;
  // Worst case: no early stop, all 100 rounds.
  const full = dawidSkene(set, { tol: Number.NEGATIVE_INFINITY });
  const tFull = performance.now();
  const cFull = cpu();
  let correct = 0;
  for (let t = 0; t < truth.length; t++) if (ds.labels[t] === truth[t]) correct++;
  // CSV parse of the same 1M rows, as the CLI does it.
  const csv = ['task,worker,label'];
  for (let i = 0; i < set.task.length; i++) {
    csv.push(`${set.tasks[set.task[i] as number]},${set.workers[set.worker[i] as number]},${set.label[i]}`);
  }
  const text = csv.join('\n');
  const tCsv0 = performance.now();
  const cCsv0 = cpu();
  parseLabelsCsv(text);
  const tCsv = performance.now();
  const cCsv = cpu();
  const mb = (b: number) => (b / 2 ** 20).toFixed(0);
  console.log('| synthetic 1M answers (200k tasks × 5, 2k workers, 4 classes) | wall | CPU |');
  console.log('|---|---:|---:|');
  console.log(`| simulate | ${((tSim - t0) / 1000).toFixed(2)} s | ${(cSim - c0).toFixed(2)} s |`);
  console.log(
    `| Dawid–Skene (${ds.iterations} EM iterations) | ${((tDs - tSim) / 1000).toFixed(2)} s | ${(cDs - cSim).toFixed(2)} s |`,
  );
  console.log(
    `| Dawid–Skene, forced ${full.iterations} iterations | ${((tFull - tDs) / 1000).toFixed(2)} s | ${(cFull - cDs).toFixed(2)} s |`,
  );
  console.log(`| DS accuracy vs simulated truth | ${(correct / truth.length).toFixed(4)} | |`);
  console.log(
    `| parse 1M-row CSV (${mb(text.length)} MB) | ${((tCsv - tCsv0) / 1000).toFixed(2)} s | ${(cCsv - cCsv0).toFixed(2)} s |`,
  );
  console.log(`| RSS at start | ${mb(rssBefore)} MB | |`);
  console.log(`| peak RSS after simulate + DS | ${mb(peakAfterDs)} MB | |`);
  console.log(
    `| peak RSS after also building and parsing the CSV | ${mb(process.resourceUsage().maxRSS * 1024)} MB | |`,
  );
}
