// Preloaded (node --import) into a coordinator process on SQLite by the crawl bench: counts the SQL
// statements it runs through better-sqlite3 (prepared statements' run/get/all/iterate and exec, which
// carries BEGIN/COMMIT), and writes the running total to the file in SWARD_BENCH_SQL_COUNT ten times a second,
// so the bench can take the difference over the timed window. better-sqlite3 is resolved from the
// command's own script, so a base tree's CLI (another folder, another copy of the package) is counted too.
// Plain JS so the compiled coordinator needs no TypeScript loader.
import { openSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const out = process.env.SWARD_BENCH_SQL_COUNT;
// The main thread alone, as support-pg-count.mjs: a worker thread that runs this preload too (NODE_OPTIONS'
// --import reaches every worker) would write its own totals (the checkpoint loop's, an extraction thread's
// zeros) to the one file, the last writer winning.
if (out && process.argv[1] && isMainThread) {
  const Database = createRequire(process.argv[1])('better-sqlite3');
  let statements = 0;
  // INSERT INTO captures runs once per capture before issue #14's batching, once per batch of plain pages
  // after: stored pages per insert is the size of the batches the coordinator commits
  let captureInserts = 0;
  // SWARD_BENCH_SQL_TEXTS=FILE: also count each statement's text, written to FILE at exit (which
  // statements a page costs, not only how many): `whole` the process's life, `untilLastCapture` up to the
  // crawl's last INSERT INTO captures (start-up and the crawl, not the output phase)
  const texts = process.env.SWARD_BENCH_SQL_TEXTS ? new Map() : null;
  // and, with texts, the wall time of each statement's call (µs, process.hrtime around the native step and
  // its rows' conversion; on a loaded machine it counts waits for a core too): where a page's SQL time goes
  const times = texts ? new Map() : null;
  let crawledTimes = null;
  // the counts as they were at the last capture insert: the crawl's statements without the output phase's
  let crawled = null;
  const probe = new Database(':memory:');
  const Statement = Object.getPrototypeOf(probe.prepare('SELECT 1'));
  probe.close();
  for (const name of ['run', 'get', 'all', 'iterate']) {
    const f = Statement[name];
    Statement[name] = function (...a) {
      statements++;
      if (texts) texts.set(this.source, (texts.get(this.source) ?? 0) + 1);
      if (this.source.startsWith('INSERT INTO captures')) {
        captureInserts++;
        if (texts) {
          crawled = new Map(texts);
          crawledTimes = new Map(times);
        }
      }
      if (!times) return f.apply(this, a);
      const t0 = process.hrtime.bigint();
      try {
        return f.apply(this, a);
      } finally {
        const us = Number(process.hrtime.bigint() - t0) / 1000;
        times.set(this.source, (times.get(this.source) ?? 0) + us);
      }
    };
  }
  const exec = Database.prototype.exec;
  Database.prototype.exec = function (...a) {
    statements++;
    if (texts) texts.set(a[0], (texts.get(a[0]) ?? 0) + 1);
    if (!times) return exec.apply(this, a);
    const t0 = process.hrtime.bigint();
    try {
      return exec.apply(this, a);
    } finally {
      times.set(a[0], (times.get(a[0]) ?? 0) + Number(process.hrtime.bigint() - t0) / 1000);
    }
  };
  // One pwrite of a fixed-width record into a file opened once: the dump runs on the coordinator's main
  // thread, the thread the bench measures, and a file written aside and renamed ten times a second (a new
  // inode and two directory entries each time) was 2.7 % of that thread's busy samples (docs/BENCHMARKS.md,
  // session 13, coord). A write this small lands whole in the page cache, so a reader never sees half of it;
  // the padding (JSON allows trailing spaces) keeps a shorter record from leaving the end of a longer one.
  const fd = openSync(out, 'w');
  const dump = () => {
    writeSync(fd, JSON.stringify({ statements, captureInserts }).padEnd(80), 0);
  };
  setInterval(dump, 100).unref();
  process.on('exit', () => {
    dump();
    if (texts)
      writeFileSync(
        process.env.SWARD_BENCH_SQL_TEXTS,
        JSON.stringify(
          {
            whole: [...texts].sort((x, y) => y[1] - x[1]),
            untilLastCapture: [...(crawled ?? [])].sort((x, y) => y[1] - x[1]),
            // µs (wall) in each statement up to the crawl's last capture insert
            usUntilLastCapture: [...(crawledTimes ?? [])]
              .sort((x, y) => y[1] - x[1])
              .map(([k, v]) => [k, Math.round(v)]),
          },
          null,
          1,
        ),
      );
  });
}
