import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SQLITE_CACHE_MIB_MAX, SQLITE_MEMORY_DEFAULTS, SQLITE_MMAP_MIB_MAX } from '@sward/coordinator';
import { CliError } from './cli-error.js';
import { loadCoordinatorConfig } from './coordinator-config.js';

const dir = mkdtempSync(join(tmpdir(), 'sward-coordinator-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, body: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof body === 'string' ? body : JSON.stringify(body));
  return p;
}

/** The CliError a bad source raises: its code and its one-line message. */
function failure(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CliError, `expected a CliError, got ${String(e)}`);
    return { code: e.code, message: e.message };
  }
  assert.fail('expected a failure');
}

test('flag > environment variable > config file > default, key by key', () => {
  const configFile = file('all.json', {
    port: 1111,
    host: '127.0.0.2',
    db: 'from-file.db',
    minRefresh: '1m',
    leaseMs: 5000,
    politeness: false,
  });
  const env = { SWARD_PORT: '2222', SWARD_DB: 'from-env.db' };
  const c = loadCoordinatorConfig({ configFile, env, flags: { port: 3333 } });
  assert.equal(c.port, 3333, 'the flag wins over env and file');
  assert.equal(c.db, 'from-env.db', 'env wins over the file');
  assert.equal(c.host, '127.0.0.2', 'the file wins over the default');
  assert.equal(c.minRefresh, '1m');
  assert.equal(c.leaseMs, 5000);
  assert.equal(c.politeness, false);
  assert.equal(c.hostDelayMs, 100, 'default when nobody set it');
  assert.equal(loadCoordinatorConfig({ configFile, env }).port, 2222, 'env without a flag');
  assert.equal(loadCoordinatorConfig({ configFile }).port, 1111, 'file without env or flag');
  const d = loadCoordinatorConfig({});
  assert.deepEqual(
    [d.port, d.host, d.db, d.minRefresh, d.politeness, d.allowPrivateWebhooks],
    [8080, '127.0.0.1', 'sward-data/sward.db', '10s', true, false],
  );
  // an empty variable is unset, not an empty value
  assert.equal(loadCoordinatorConfig({ configFile, env: { SWARD_PORT: '' } }).port, 1111);
});

test('a bad config file is one message naming the file and the key', () => {
  const unknown = file('unknown.json', { prot: 8080 });
  let f = failure(() => loadCoordinatorConfig({ configFile: unknown }));
  assert.equal(f.code, 'CONFIG');
  assert.match(f.message, new RegExp(`config file ${unknown}: unknown key "prot"`));
  const badPort = file('bad-port.json', { port: 'eighty' });
  f = failure(() => loadCoordinatorConfig({ configFile: badPort }));
  assert.equal(f.code, 'CONFIG');
  assert.match(f.message, new RegExp(`config file ${badPort}: key "port": expected a whole number`));
  const badInterval = file('bad-interval.json', { minRefresh: 'often' });
  f = failure(() => loadCoordinatorConfig({ configFile: badInterval }));
  assert.match(f.message, /key "minRefresh": expected an interval such as 10s/);
  const notJson = file('not.json', '{port: 1');
  f = failure(() => loadCoordinatorConfig({ configFile: notJson }));
  assert.match(f.message, new RegExp(`config file ${notJson} is not JSON`));
  f = failure(() => loadCoordinatorConfig({ configFile: file('array.json', [1]) }));
  assert.match(f.message, /must hold a JSON object/);
  f = failure(() => loadCoordinatorConfig({ configFile: join(dir, 'missing.json') }));
  assert.match(f.message, /missing\.json: no such file/);
  for (const m of [f.message]) assert.doesNotMatch(m, /\n/);
});

test('a bad value names where it came from: flag (usage), variable or file (config)', () => {
  const configFile = file('ok.json', { port: 1 });
  let f = failure(() => loadCoordinatorConfig({ configFile, env: { SWARD_PORT: 'x' } }));
  assert.deepEqual(f, {
    code: 'CONFIG',
    message: 'environment SWARD_PORT: expected a whole number from 0 to 65535',
  });
  f = failure(() => loadCoordinatorConfig({ flags: { minRefresh: 'soon' } }));
  assert.equal(f.code, 'USAGE');
  assert.match(f.message, /^--min-refresh: /);
  f = failure(() =>
    loadCoordinatorConfig({ flags: { embeddingsUrl: 'http://127.0.0.1:1/v1', embeddingsDir: 'models' } }),
  );
  assert.deepEqual(f, { code: 'USAGE', message: 'give --embeddings-url or --embeddings-dir, not both' });
  f = failure(() =>
    loadCoordinatorConfig({ configFile: file('emb.json', { embeddingsUrl: 'http://127.0.0.1:1/v1' }) }),
  );
  assert.deepEqual(f, { code: 'CONFIG', message: '"embeddingsUrl" needs "embeddingsModel"' });
});

test('trusted proxies: none by default; a list from the flag or the file; a host name is refused by key', () => {
  assert.deepEqual(loadCoordinatorConfig({}).trustedProxies, []);
  const flags = { trustedProxies: '10.0.0.1, ::1' };
  assert.deepEqual(loadCoordinatorConfig({ flags }).trustedProxies, ['10.0.0.1', '::1']);
  const configFile = file('proxies.json', { trustedProxies: ['192.0.2.1'] });
  assert.deepEqual(loadCoordinatorConfig({ configFile }).trustedProxies, ['192.0.2.1']);
  const bad = failure(() =>
    loadCoordinatorConfig({ configFile: file('bad.json', { trustedProxies: ['proxy.lan'] }) }),
  );
  assert.match(bad.message, /trustedProxies/);
});

test('--public-url: the origin nodes name as their signature agent; anything but an http(s) URL is refused', () => {
  assert.equal(loadCoordinatorConfig({}).publicUrl, undefined);
  const flags = { publicUrl: 'https://sward.example.org/some/path' };
  assert.equal(loadCoordinatorConfig({ flags }).publicUrl, 'https://sward.example.org');
  const bad = failure(() =>
    loadCoordinatorConfig({ configFile: file('pub.json', { publicUrl: 'ftp://x' }) }),
  );
  assert.match(bad.message, /publicUrl/);
});

test('--extraction-threads: unset means the pool picks (cores but one); a count from 1 to 64, else refused', () => {
  assert.equal(loadCoordinatorConfig({}).extractionThreads, undefined);
  assert.equal(loadCoordinatorConfig({ flags: { extractionThreads: 2 } }).extractionThreads, 2);
  const configFile = file('threads.json', { extractionThreads: 3 });
  assert.equal(loadCoordinatorConfig({ configFile }).extractionThreads, 3);
  const bad = failure(() => loadCoordinatorConfig({ flags: { extractionThreads: 0 } }));
  assert.match(bad.message, /extraction-threads/);
});

test("--sqlite-cache-mib / --sqlite-mmap-mib: the driver's small defaults and bounds; out of range is refused", () => {
  const d = loadCoordinatorConfig({});
  assert.deepEqual(
    { cacheMiB: d.sqliteCacheMib, mmapMiB: d.sqliteMmapMib },
    { ...SQLITE_MEMORY_DEFAULTS },
    'the config spells out the driver defaults: they must not drift apart',
  );
  const configFile = file('sqlite.json', { sqliteCacheMib: 64, sqliteMmapMib: 1024 });
  const c = loadCoordinatorConfig({ configFile, flags: { sqliteMmapMib: 0 } });
  assert.equal(c.sqliteCacheMib, 64);
  assert.equal(c.sqliteMmapMib, 0, 'an explicit 0 from the flag turns mmap off over the file');
  // The bounds are the driver's: what the config accepts, the driver accepts (and no further)
  assert.equal(
    loadCoordinatorConfig({ flags: { sqliteCacheMib: SQLITE_CACHE_MIB_MAX } }).sqliteCacheMib,
    SQLITE_CACHE_MIB_MAX,
  );
  assert.equal(
    loadCoordinatorConfig({ flags: { sqliteMmapMib: SQLITE_MMAP_MIB_MAX } }).sqliteMmapMib,
    SQLITE_MMAP_MIB_MAX,
  );
  for (const [flags, name] of [
    [{ sqliteCacheMib: 0 }, /sqlite-cache-mib/],
    [{ sqliteCacheMib: SQLITE_CACHE_MIB_MAX + 1 }, /sqlite-cache-mib/],
    [{ sqliteCacheMib: 1.5 }, /sqlite-cache-mib/],
    [{ sqliteMmapMib: -1 }, /sqlite-mmap-mib/],
    [{ sqliteMmapMib: SQLITE_MMAP_MIB_MAX + 1 }, /sqlite-mmap-mib/],
  ] as const)
    assert.match(failure(() => loadCoordinatorConfig({ flags })).message, name);
  const bad = failure(() =>
    loadCoordinatorConfig({ configFile: file('sqlite-bad.json', { sqliteMmapMib: 'lots' }) }),
  );
  assert.match(bad.message, /sqliteMmapMib/);
});

test('--anchor solana needs --rpc and --keypair; they mean nothing for a file anchor', () => {
  const c = loadCoordinatorConfig({
    flags: { anchor: 'solana', rpc: 'http://127.0.0.1:8899', keypair: 'payer.json' },
  });
  assert.equal(c.anchor, 'solana');
  assert.equal(c.rpc, 'http://127.0.0.1:8899');
  assert.equal(loadCoordinatorConfig({}).anchor, 'file');
  assert.deepEqual(
    failure(() => loadCoordinatorConfig({ flags: { anchor: 'solana', rpc: 'http://x' } })),
    {
      code: 'USAGE',
      message: '--anchor solana needs --keypair',
    },
  );
  assert.deepEqual(
    failure(() => loadCoordinatorConfig({ flags: { rpc: 'http://x' } })),
    {
      code: 'USAGE',
      message: '--rpc is only used with --anchor solana',
    },
  );
  assert.deepEqual(
    failure(() => loadCoordinatorConfig({ flags: { anchor: 'chain' } })),
    {
      code: 'USAGE',
      message: '--anchor: expected file or solana',
    },
  );
  assert.deepEqual(
    failure(() => loadCoordinatorConfig({ flags: { anchor: 'solana', rpc: 'ftp://x', keypair: 'k.json' } })),
    { code: 'USAGE', message: '--rpc: expected an http(s) URL' },
  );
  const configFile = file('solana.json', {
    anchor: 'solana',
    keypair: 'k.json',
    anchorFile: 'a.jsonl',
    rpc: 'https://rpc.example',
  });
  assert.deepEqual(
    failure(() => loadCoordinatorConfig({ configFile })),
    {
      code: 'CONFIG',
      message: '"anchorFile" is for "anchor" file only',
    },
  );
});
