// `sward --help`, `sward --version` and `sward-node --help` run the bins' bundles (dist/bundle/, built by
// `npm run build`) and load only commander and the command descriptions: every command imports its heavy
// modules inside its action, and the bundle keeps each of those imports a chunk of its own. The child runs
// without the test runner's NODE_OPTIONS (tsx, the "source" condition), as a user's would, with a module
// hook that records each file it loads; the bundle's metafile says which sources each file holds.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const recorder = fileURLToPath(new URL('./support/record-loads.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sward-lazy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a bin under the recorder; returns its stdout and the repository-relative paths it loaded. */
function loads(bin: string, args: string[]): { stdout: string; modules: string[] } {
  const file = join(dir, `loads-${Math.random().toString(36).slice(2)}.txt`);
  const env: NodeJS.ProcessEnv = { ...process.env, SWARD_RECORD_LOADS: file };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, ['--import', recorder, join(repo, bin), ...args], {
    env,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const modules = readFileSync(file, 'utf8')
    .split('\n')
    .filter((u) => u.startsWith('file://'))
    .map((u) => fileURLToPath(u).slice(repo.length));
  return { stdout: r.stdout, modules };
}

const BUNDLE_FILE = /^packages\/([a-z]+)\/dist\/bundle\/[\w-]+\.js$/;
const metas = new Map<string, { outputs: Record<string, { inputs: Record<string, unknown> }> }>();

/** What a process ran, file by file: a bundle file stands for the sources its metafile lists in it. */
function sourcesOf(modules: string[]): string[] {
  return modules.flatMap((m) => {
    const pkg = BUNDLE_FILE.exec(m)?.[1];
    if (!pkg) return [m];
    const metaFile = join(repo, 'packages', pkg, 'dist/bundle/meta.json');
    if (!metas.has(metaFile)) metas.set(metaFile, JSON.parse(readFileSync(metaFile, 'utf8')));
    const output = metas.get(metaFile)?.outputs[m];
    assert.ok(output, `${m} is not in ${metaFile}: a stale bundle`);
    return Object.keys(output.inputs);
  });
}

/** Sources under packages/ that the help may hold: the entry, the error handler, the command files and their constants (db-location: one regular expression). */
const LIGHT = [
  /^packages\/cli\/(bin\/sward\.js|src\/(index|main|options|summary|run-cli|cli-error|db-location)\.ts|src\/commands\/[a-z-]+\.ts)$/,
  /^packages\/node\/(bin\/sward-node\.js|src\/(command|version)\.ts)$/,
  /^packages\/coordinator\/src\/labels\/inference\/label-methods\.ts$/,
  /^packages\/sdk\/src\/verify-defaults\.ts$/,
];

function assertLight(modules: string[]): void {
  const sources = sourcesOf(modules);
  const packageNames = new Set(
    sources
      .filter((m) => m.includes('node_modules/'))
      .map((m) => {
        const rest = m.slice(m.lastIndexOf('node_modules/') + 'node_modules/'.length).split('/');
        return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
      }),
  );
  assert.deepEqual([...packageNames], ['commander'], `third-party packages loaded: ${[...packageNames]}`);
  const ours = sources.filter((m) => m.startsWith('packages/'));
  const heavy = ours.filter((m) => !LIGHT.some((re) => re.test(m)));
  assert.deepEqual(heavy, [], 'modules loaded that belong inside an action');
  assertBundled(modules);
}

/** Every file of ours the process loaded is its bin or a bundle file: no TypeScript, no tsc output. */
function assertBundled(modules: string[]): void {
  const ours = modules.filter((m) => m.startsWith('packages/'));
  const other = ours.filter((m) => !/^packages\/[a-z]+\/bin\/[a-z-]+\.js$/.test(m) && !BUNDLE_FILE.test(m));
  assert.deepEqual(other, [], 'ran files outside the bundle (sources or tsc output)');
  assert.ok(!modules.some((m) => /node_modules\/(tsx|esbuild)\//.test(m)), 'ran through tsx');
}

test('sward --help loads commander and the command files only, from the bundle', () => {
  const { stdout, modules } = loads('packages/cli/bin/sward.js', ['--help']);
  assert.match(stdout, /Usage: sward/);
  assert.match(stdout, /\bcrawl\b/);
  assert.ok(modules.includes('packages/cli/dist/bundle/sward.js'), 'the bundled CLI ran');
  assertLight(modules);
});

test('sward --version and the help of a command are as light', () => {
  const version = loads('packages/cli/bin/sward.js', ['--version']);
  assert.equal(version.stdout.trim(), '0.1.0');
  assertLight(version.modules);
  const verify = loads('packages/cli/bin/sward.js', ['verify', '--help']);
  assert.match(verify.stdout, /--workers/);
  assertLight(verify.modules);
});

test('sward-node --help loads only its command file', () => {
  const { stdout, modules } = loads('packages/node/bin/sward-node.js', ['--help']);
  assert.match(stdout, /Usage: sward-node/);
  assert.match(stdout, /--max-concurrent/);
  assertLight(modules);
  assert.ok(modules.includes('packages/node/dist/bundle/sward-node.js'), 'the bundled node ran');
  assert.deepEqual(
    sourcesOf(modules)
      .filter((m) => m.startsWith('packages/'))
      .sort(),
    ['packages/node/bin/sward-node.js', 'packages/node/src/command.ts', 'packages/node/src/version.ts'],
  );
});

test('a node daemon loads zod/mini and its English messages, not classic zod', () => {
  // Classic zod's chunk (schemas, JSON Schema conversion, every locale: ~750 kB) held ~4 MiB of heap in
  // every node; the node reads its config and the coordinator's answers with zod/mini (core's
  // node-answers.ts). Both bins stop on a config error right after loading all the daemon runs with.
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: dir };
  delete env.NODE_OPTIONS;
  for (const k of Object.keys(env)) if (k.startsWith('SWARD_NODE_')) delete env[k];
  for (const bin of ['packages/node/bin/sward-node.js', 'packages/cli/bin/sward.js']) {
    const file = join(dir, `daemon-loads-${Math.random().toString(36).slice(2)}.txt`);
    const args = bin.endsWith('sward.js') ? ['node'] : [];
    const r = spawnSync(process.execPath, ['--import', recorder, join(repo, bin), ...args], {
      env: { ...env, SWARD_RECORD_LOADS: file },
      encoding: 'utf8',
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /coordinatorUrl: required/);
    const modules = readFileSync(file, 'utf8')
      .split('\n')
      .filter((u) => u.startsWith('file://'))
      .map((u) => fileURLToPath(u).slice(repo.length));
    const sources = sourcesOf(modules);
    assert.ok(sources.includes('packages/node/src/daemon.ts'), `${bin}: the daemon was not loaded`);
    assert.ok(sources.includes('node_modules/zod/v4/mini/schemas.js'), `${bin}: no zod/mini`);
    const classic = sources.filter((m) => m.startsWith('node_modules/zod/v4/classic/'));
    assert.deepEqual(classic, [], `${bin} loaded classic zod`);
  }
  // The node's own bundle holds English alone; the sward CLI's shares one zod chunk, locales included,
  // with its other commands (esbuild splits by which entries import a module, not by what they use).
  const nodeBundle = sourcesOf(['packages/node/dist/bundle/sward-node.js']);
  const meta = metas.get(join(repo, 'packages/node/dist/bundle/meta.json'));
  const locales = Object.values(meta?.outputs ?? {}).flatMap((o) =>
    Object.keys(o.inputs).filter((i) => i.includes('zod/v4/locales/')),
  );
  assert.ok(nodeBundle.length > 0);
  assert.deepEqual([...new Set(locales)], ['node_modules/zod/v4/locales/en.js']);
});

test('sward node runs the node package bundle, not the CLI bundle', () => {
  // The CLI's bundle would stay in the daemon's memory for its whole run (~3 MiB of anonymous memory per
  // node): every command's definitions and the zod chunk it shares with them, every locale included.
  const file = join(dir, `sward-node-loads-${Math.random().toString(36).slice(2)}.txt`);
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: dir, SWARD_RECORD_LOADS: file };
  delete env.NODE_OPTIONS;
  for (const k of Object.keys(env)) if (k.startsWith('SWARD_NODE_')) delete env[k];
  const r = spawnSync(
    process.execPath,
    ['--import', recorder, join(repo, 'packages/cli/bin/sward.js'), 'node'],
    {
      env,
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /sward node: config: coordinatorUrl: required/);
  const modules = readFileSync(file, 'utf8')
    .split('\n')
    .filter((u) => u.startsWith('file://'))
    .map((u) => fileURLToPath(u).slice(repo.length));
  assert.ok(modules.includes('packages/node/dist/bundle/sward-node.js'), 'the node bundle ran');
  assert.deepEqual(
    modules.filter((m) => m.startsWith('packages/cli/dist/')),
    [],
    "the CLI's bundle was loaded",
  );
  assert.ok(sourcesOf(modules).includes('packages/node/src/daemon.ts'), 'the daemon was not loaded');
  // Its status sub-command (the SDK's) and the help that lists it still go through the CLI
  const help = loads('packages/cli/bin/sward.js', ['node', '--help']);
  assert.match(help.stdout, /\bstatus\b/);
  assert.ok(help.modules.includes('packages/cli/dist/bundle/sward.js'));
});

test('sward coordinator reads its config with the zod the coordinator loads, not a bundled second one', () => {
  // The coordinator stays outside the bundle and imports zod from node_modules; a bundled copy for the
  // command's config (~750 kB of source, ~2 MiB of heap) would sit beside it for the process's life. A bad
  // value stops the command right after its config was checked, with the message zod's check gave.
  const file = join(dir, `coordinator-loads-${Math.random().toString(36).slice(2)}.txt`);
  const env: NodeJS.ProcessEnv = { ...process.env, SWARD_RECORD_LOADS: file };
  delete env.NODE_OPTIONS;
  const bin = join(repo, 'packages/cli/bin/sward.js');
  const r = spawnSync(
    process.execPath,
    ['--import', recorder, bin, 'coordinator', '--sqlite-cache-mib', '0'],
    {
      env,
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--sqlite-cache-mib: expected a whole number from 1 to 65536/);
  const modules = readFileSync(file, 'utf8')
    .split('\n')
    .filter((u) => u.startsWith('file://'))
    .map((u) => fileURLToPath(u).slice(repo.length));
  const sources = sourcesOf(modules);
  assert.ok(sources.includes('packages/cli/src/coordinator-config.ts'), 'the config was not loaded');
  assert.ok(modules.includes('node_modules/zod/v4/classic/schemas.js'), 'zod not loaded from node_modules');
  const bundledZod = sourcesOf(modules.filter((m) => BUNDLE_FILE.test(m))).filter((m) => m.includes('zod/'));
  assert.deepEqual(bundledZod, [], 'a bundled zod was loaded');
  assertBundled(modules);
});

test('a command still loads what it needs when it runs', () => {
  // The other side of the structural check: extract's action imports @sward/extract when it runs.
  const html = join(dir, 'page.html');
  writeFileSync(html, '<html><body><article><p>Hello there, lazy world.</p></article></body></html>');
  const { stdout, modules } = loads('packages/cli/bin/sward.js', ['extract', html, '--format', 'text']);
  assert.match(stdout, /lazy world/);
  assert.ok(sourcesOf(modules).includes('packages/extract/src/index.ts'), 'extract ran, from the bundle');
  assertBundled(modules);
});

test('every bin of every package runs its bundle', () => {
  const manifests = [
    'package.json',
    ...readdirSync(join(repo, 'packages')).map((p) => `packages/${p}/package.json`),
  ];
  const bins = new Set<string>();
  for (const m of manifests) {
    const json = JSON.parse(readFileSync(join(repo, m), 'utf8')) as { bin?: Record<string, string> };
    for (const file of Object.values(json.bin ?? {})) bins.add(join(m, '..', file));
  }
  assert.deepEqual([...bins].sort(), ['packages/cli/bin/sward.js', 'packages/node/bin/sward-node.js']);
  for (const bin of bins) {
    const { modules } = loads(bin, ['--version']);
    assert.ok(
      modules.some((m) => BUNDLE_FILE.test(m)),
      `${bin} ran no bundle file: ${modules}`,
    );
    assertBundled(modules);
  }
});

test('with --debug, a stack trace names the TypeScript sources through the source maps', () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  const bin = join(repo, 'packages/cli/bin/sward.js');
  const args = [bin, 'extract', join(dir, 'page.html'), '--format', 'nope'];
  const plain = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  assert.equal(plain.status, 2);
  assert.doesNotMatch(plain.stderr, /\n\s+at /, 'no stack without --debug');
  const debug = spawnSync(process.execPath, [...args, '--debug'], { env, encoding: 'utf8' });
  assert.equal(debug.status, 2);
  assert.match(debug.stderr, /at .*packages\/cli\/src\/commands\/extract\.ts:\d+:\d+/, debug.stderr);
});

/**
 * Runs `use` in a child as a user's process would (compiled dist/, no NODE_OPTIONS) after importing the
 * coordinator's `names`; the recorder's file gets a marker line between the import and `use`. Returns what
 * was loaded before and after the marker, and the child's stdout.
 */
function coordinatorChild(names: string, use: string): { atStart: string; onUse: string; stdout: string } {
  const file = join(dir, `coordinator-${Math.random().toString(36).slice(2)}.txt`);
  const env: NodeJS.ProcessEnv = { ...process.env, SWARD_RECORD_LOADS: file };
  delete env.NODE_OPTIONS;
  const script = `
    import { appendFileSync } from 'node:fs';
    const { ${names} } = await import('@sward/coordinator');
    appendFileSync(process.env.SWARD_RECORD_LOADS, 'imported\\n');
    ${use}`;
  const r = spawnSync(process.execPath, ['--import', recorder, '--input-type=module', '-e', script], {
    cwd: join(repo, 'packages/coordinator'),
    env,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const [atStart = '', onUse = ''] = readFileSync(file, 'utf8').split('imported\n');
  assert.ok(atStart.includes('/packages/coordinator/dist/'), 'the compiled coordinator was loaded');
  return { atStart, onUse, stdout: r.stdout };
}

test('a coordinator loads linkedom on its first spot-check comparison of changed pages, not at start-up', () => {
  const { atStart, onUse, stdout } = coordinatorChild(
    'compareFetches',
    `const page = (words) => Buffer.from('<html><body><nav>menu</nav><p>' + words + '</p></body></html>');
    const a = { status: 200, bodySha256: 'a', contentType: 'text/html', body: async () => page('one two three four five six') };
    const b = { status: 200, bodySha256: 'b', contentType: 'text/html', body: page('one two three four five seven') };
    const r = await compareFetches(a, b, 0.5);
    console.log(JSON.stringify(r));`,
  );
  assert.doesNotMatch(atStart, /node_modules\/linkedom\//, 'linkedom loaded with the coordinator');
  assert.match(onUse, /node_modules\/linkedom\//, 'linkedom was not loaded for the comparison');
  const { similarity } = JSON.parse(stdout) as { similarity: number };
  assert.ok(similarity > 0 && similarity < 1, `two pages one word apart compared as ${similarity}`);
});

test('a coordinator loads Parquet, undici, pg, prom-client, warcio and its HTML parsers on first use, not at import', () => {
  // Each is tens of modules (~0.5 CPU-s together) that every coordinator start and every test process paid:
  // Parquet for builds and exports, undici for webhooks and domain proofs, pg for a PostgreSQL location,
  // warcio with the first WARC written, prom-client at start only with process metrics on (else at the first
  // scrape), the extractor and htmlparser2 at the first HTML page ingest judges (`@sward/extract/light` and
  // core's usage policies hold what the coordinator needs before that).
  const { atStart, onUse, stdout } = coordinatorChild(
    'exportFiles',
    `const files = await exportFiles([{ name: 'ratings', columns: [['item_id', 'STRING']], rows: [{ item_id: 'x' }] }]);
    console.log(Buffer.from(files.get('ratings.parquet').subarray(0, 4)).toString());`,
  );
  const eager = [
    'hyparquet',
    'hyparquet-writer',
    'undici',
    'pg',
    'prom-client',
    'htmlparser2',
    'warcio',
  ].filter((name) => atStart.includes(`/node_modules/${name}/`));
  if (atStart.includes('/packages/extract/dist/index.js')) eager.push('@sward/extract');
  assert.deepEqual(eager, [], 'loaded with the coordinator');
  assert.match(onUse, /node_modules\/hyparquet-writer\//, 'the export did not load the Parquet writer');
  assert.equal(stdout.trim(), 'PAR1', 'the export wrote a Parquet file');
});

/** The files a child loads for `import(specifier)` from package `pkg`, compiled (dist/), without NODE_OPTIONS. */
function importLoads(pkg: string, specifier: string): string {
  const file = join(dir, `import-${Math.random().toString(36).slice(2)}.txt`);
  const env: NodeJS.ProcessEnv = { ...process.env, SWARD_RECORD_LOADS: file };
  delete env.NODE_OPTIONS;
  const r = spawnSync(
    process.execPath,
    ['--import', recorder, '--input-type=module', '-e', `await import(${JSON.stringify(specifier)});`],
    { cwd: join(repo, 'packages', pkg), env, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(file, 'utf8');
}

test('`sward crawl` submits and follows its job with the SDK client alone: no wire schema, no zod, no extractor', () => {
  // A coordinator that is not there: the command loads its client, asks, and fails (exit 1) on the answer.
  const file = join(dir, `crawl-${Math.random().toString(36).slice(2)}.txt`);
  const env: NodeJS.ProcessEnv = { ...process.env, SWARD_RECORD_LOADS: file };
  delete env.NODE_OPTIONS;
  const bin = join(repo, 'packages/cli/bin/sward.js');
  const args = ['crawl', 'http://127.0.0.1:9/', '--coordinator', 'http://127.0.0.1:9', '--api-key', 'sk_x'];
  const r = spawnSync(process.execPath, ['--import', recorder, bin, ...args], { env, encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /cannot reach the coordinator/);
  const loaded = readFileSync(file, 'utf8');
  assert.match(loaded, /\/packages\/sdk\/dist\/client\.js/, 'the SDK client was not loaded');
  assert.doesNotMatch(loaded, /\/node_modules\/zod\//, 'zod loaded');
  assert.doesNotMatch(loaded, /\/packages\/core\/dist\/index\.js/, "core's index loaded");
  assert.doesNotMatch(loaded, /\/packages\/sdk\/dist\/index\.js/, "the SDK's index loaded");
  const sources = sourcesOf(
    loaded
      .split('\n')
      .filter((u) => u.startsWith('file://'))
      .map((u) => fileURLToPath(u).slice(repo.length)),
  );
  assert.ok(
    !sources.includes('packages/extract/src/index.ts'),
    'the whole extractor loaded for its preset names',
  );
});

test("the output writer `sward crawl` loads once its job is done brings none of the coordinator's server", () => {
  // The bundle's chunk of crawl-output.ts imports the coordinator's output entry, not its index…
  const meta = JSON.parse(readFileSync(join(repo, 'packages/cli/dist/bundle/meta.json'), 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown>; imports: { path: string }[] }>;
  };
  const chunk = Object.values(meta.outputs).find((o) => 'packages/cli/src/crawl-output.ts' in o.inputs);
  const coordinator = chunk?.imports.map((i) => i.path).filter((p) => p.startsWith('@sward/coordinator'));
  assert.deepEqual(coordinator, ['@sward/coordinator/output']);
  // …which loads no server code.
  const loaded = importLoads('cli', '@sward/coordinator/output');
  assert.match(loaded, /\/packages\/coordinator\/dist\/output\/bundle-writer\.js/);
  const server = ['hono', '@hono/node-server', 'better-sqlite3', 'pino', 'linkedom'].filter((name) =>
    loaded.includes(`/node_modules/${name}/`),
  );
  assert.deepEqual(server, [], 'loaded with the output writer');
  assert.doesNotMatch(loaded, /\/packages\/coordinator\/dist\/index\.js/, "the coordinator's index loaded");
});
