// `sward-node`, the node package's own bin, run as an operator who installed only @sward/node would run
// it: compiled JavaScript under plain node (no tsx, no "source" condition). It registers with a
// coordinator, fetches a crawl's pages, stops cleanly on SIGTERM, and `sward-node log` shows the fetches.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startCoordinator } from '@sward/coordinator';
import { SwardClient } from '@sward/sdk';
import { startSampleSite } from '@sward/testsites';
import { pino } from 'pino';

const BIN = fileURLToPath(new URL('../packages/node/bin/sward-node.js', import.meta.url));
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
