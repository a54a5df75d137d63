import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openSqliteDriver, SQLITE_MEMORY_DEFAULTS } from './sqlite-driver.js';

const dir = mkdtempSync(join(tmpdir(), 'sward-sqlite-driver-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The connection's own view of its cache (KiB when negative) and mmap limit (bytes). */
async function memoryPragmas(path: string, memory?: Parameters<typeof openSqliteDriver>[1]) {
  const db = openSqliteDriver(path, memory);
  try {
    const cache = await db.get<{ cache_size: number }>('PRAGMA cache_size');
    const mmap = await db.get<{ mmap_size: number }>('PRAGMA mmap_size');
    return { cache: cache?.cache_size, mmap: mmap?.mmap_size };
  } finally {
    await db.close();
  }
}

test("by default the connection keeps SQLite's small page cache and reads through a 256 MiB mmap", async () => {
  // A 64 MiB cache filled over a crawl and stayed resident; the mmap keeps collection search fast with a small
  // cache (docs/BENCHMARKS.md, session 15, mem)
  assert.deepEqual(SQLITE_MEMORY_DEFAULTS, { cacheMiB: 2, mmapMiB: 256 });
  assert.deepEqual(await memoryPragmas(join(dir, 'default.db')), { cache: -2048, mmap: 268_435_456 });
});

test("an operator's cache and mmap sizes are what the connection runs with", async () => {
  assert.deepEqual(await memoryPragmas(join(dir, 'big.db'), { cacheMiB: 64, mmapMiB: 1024 }), {
    cache: -65_536,
    mmap: 1_073_741_824,
  });
  assert.deepEqual(await memoryPragmas(join(dir, 'no-mmap.db'), { mmapMiB: 0 }), { cache: -2048, mmap: 0 });
  assert.deepEqual(await memoryPragmas(join(dir, 'cache-only.db'), { cacheMiB: 8 }), {
    cache: -8192,
    mmap: 268_435_456,
  });
});

test('a size that is not a whole number of MiB in range is refused before the file is opened', () => {
  for (const memory of [
    { cacheMiB: 0 },
    { cacheMiB: -1 },
    { cacheMiB: 2.5 },
    { cacheMiB: Number.NaN },
    { cacheMiB: 65_537 },
    { mmapMiB: -1 },
    { mmapMiB: 1_048_577 },
    { mmapMiB: Number.POSITIVE_INFINITY },
  ]) {
    const path = join(dir, `bad-${Object.keys(memory)[0]}-${Object.values(memory)[0]}.db`);
    assert.throws(() => openSqliteDriver(path, memory), {
      name: 'RangeError',
      message: /SQLite (cache|mmap): expected a whole number of MiB/,
    });
    assert.equal(existsSync(path), false, `${JSON.stringify(memory)} left a database file behind`);
  }
});
