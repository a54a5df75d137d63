// Preloaded (node --import) into a coordinator process by the scale-out bench: counts the SQL statements
// it sends to PostgreSQL and the bytes on its connections, and writes the running totals to the file in
// SWARD_BENCH_PG_COUNT twice a second, so the bench can take the difference over the timed window.
// Plain JS so the compiled coordinator needs no TypeScript loader.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import pg from 'pg';

const out = process.env.SWARD_BENCH_PG_COUNT;
// Worker threads inherit the --import and would each write their own totals (an extraction thread's zeros) to
// the one file, the last writer winning: the main thread alone counts, as it alone talks to PostgreSQL.
if (out && isMainThread) {
  const clients = new Set();
  let statements = 0;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (...args) {
    statements++;
    clients.add(this);
    return query.apply(this, args);
  };
  const dump = () => {
    let read = 0;
    let written = 0;
    // A socket keeps its counters after it closes, so clients the pool dropped still count.
    for (const c of clients) {
      read += c.connection?.stream?.bytesRead ?? 0;
      written += c.connection?.stream?.bytesWritten ?? 0;
    }
    writeFileSync(out, JSON.stringify({ statements, bytesRead: read, bytesWritten: written }));
  };
  setInterval(dump, 500).unref();
  process.on('exit', dump);
}
