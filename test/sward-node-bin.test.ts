// `sward-node`, the node package's own bin, run as an operator who installed only @sward/node would run
// it: compiled JavaScript under plain node (no tsx, no "source" condition). It registers with a
// coordinator, fetches a crawl's pages, stops cleanly on SIGTERM, and `sward-node log` shows the fetches.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startCoordinator } from '@sward/coordinator';
import { SwardClient } from '@sward/sdk';
import { startSampleSite } from '@sward/testsites';
import { pino } from 'pino';

const BIN = fileURLToPath(new URL('../packages/node/bin/sward-node.js', import.meta.url));
const SWARD_BIN = fileURLToPath(new URL('../packages/cli/bin/sward.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sward-node-bin-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const plainEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, SWARD_NODE_LOG_LEVEL: 'warn' };
  delete env.NODE_OPTIONS;
  return env;
};

test('sward-node fetches for a coordinator, stops on SIGTERM and lists what it fetched', async () => {
  const site = await startSampleSite({ pages: 10 });
  const coordinator = await startCoordinator({
    db: join(dir, 'sward.db'),
    dataDir: join(dir, 'coordinator'),
    log: pino({ level: 'silent' }),
  });
  const logFile = join(dir, 'fetch-log.jsonl');
  const args = ['--coordinator', coordinator.url, '--key', join(dir, 'node.key'), '--log-file', logFile];
  const child = spawn(
    process.execPath,
    [BIN, ...args, '--state-file', join(dir, 'state.json'), '--allow-private'],
    {
      env: plainEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const client = new SwardClient({ url: coordinator.url, apiKey: coordinator.firstApiKey as string });
    const job = await client.createCrawl({ seed: `${site.url}/`, maxPages: 5, maxDepth: 2 });
    const done = await client.waitForJob(job.id, () => undefined, 100);
    assert.equal(done.state, 'done');
    assert.ok(done.stored >= 1, `stored ${done.stored}`);
    assert.match(out, /^node [0-9a-f]{64} \(new key\)/m);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, out);
    assert.match(out, /stopping: finishing in-flight fetches/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await coordinator.close();
    await site.close();
  }
  const log = spawnSync(process.execPath, [BIN, 'log', '--log-file', logFile, '--json'], {
    env: plainEnv(),
    encoding: 'utf8',
  });
  assert.equal(log.status, 0, log.stderr);
  const entries = JSON.parse(log.stdout) as { url: string; outcome: string }[];
  assert.ok(
    entries.some((e) => e.url === `${site.url}/` && e.outcome === 'captured'),
    log.stdout,
  );
});

test("`sward-node` and `sward node` keep V8's young generation small and stay off TurboFan from before the daemon loads", () => {
  // Loading the daemon's modules (zod, undici, pino) grew the young generation from 2 MiB to 8 MiB, and a
  // crawl grew it to 16-32 MiB; the node sets --semi-space-growth-factor=1 before it loads them
  // (lean-runtime.ts). Here the node stops on a config error right after loading everything it runs with, and
  // the probe reads the size then: sward-node's stays at V8's initial 2 MiB; `sward node`'s at the 4 MiB the
  // sward CLI's own start-up (commander, every command's description) committed before the node's code ran.
  // The same start sets --max-opt=1: a function run hot after it is never marked for TurboFan (--trace-opt
  // prints the marking; without the flag this probe's loop is marked at once).
  const probe = join(dir, 'new-space-probe.mjs');
  writeFileSync(
    probe,
    `import { getHeapSpaceStatistics } from 'node:v8';
    process.on('exit', () => {
      const s = getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
      process.stderr.write('new space: ' + s.space_size + '\\n');
      function probeHotLoop(a) { let t = 0; for (let i = 0; i < a.length; i++) t += a[i] * 2; return t; }
      const a = Array.from({ length: 1000 }, (_, i) => i);
      let t = 0;
      for (let i = 0; i < 20000; i++) t += probeHotLoop(a);
      process.stderr.write('probe ran: ' + t + '\\n');
    });`,
  );
  const MiB = 1024 * 1024;
  for (const [args, most] of [
    [[BIN], 2 * MiB],
    [[SWARD_BIN, 'node'], 4 * MiB],
  ] as const) {
    const env: NodeJS.ProcessEnv = { ...plainEnv(), HOME: dir };
    for (const k of Object.keys(env))
      if (k.startsWith('SWARD_NODE_') && k !== 'SWARD_NODE_LOG_LEVEL') delete env[k];
    const r = spawnSync(process.execPath, ['--trace-opt', '--import', probe, ...args], {
      env,
      encoding: 'utf8',
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /coordinatorUrl: required/);
    const size = Number(/new space: (\d+)/.exec(r.stderr)?.[1]);
    assert.ok(size > 0 && size <= most, `${args.join(' ')}: new space ${size} bytes after start-up`);
    assert.match(r.stderr, /probe ran: \d+/);
    assert.doesNotMatch(
      r.stdout,
      /marking .*probeHotLoop.* for optimization to TURBOFAN/,
      `${args.join(' ')}`,
    );
  }
});
