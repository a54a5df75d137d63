import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { configureNodeCommand } from './command.js';
import { FetchLog } from './fetch-log.js';
import { nodeConfigFromFlags } from './node-flags.js';

const dir = mkdtempSync(join(tmpdir(), 'sward-node-command-'));

function program(out: string[], env: NodeJS.ProcessEnv = {}) {
  const p = new Command('sward').exitOverride();
  configureNodeCommand(p.command('node'), { out: (t) => out.push(t), env });
  return p;
}

test('flags map onto the node config and win over the environment', () => {
  const c = nodeConfigFromFlags(
    {
      coordinator: 'http://coord.example',
      key: join(dir, 'k.pem'),
      maxConcurrent: 2,
      bytesPerHour: '100MB',
      activeHours: '22:00-07:00',
      allowDomain: ['example.com', 'example.org'],
      denyDomain: ['ads.example.com'],
      allowPrivate: true,
    },
    { SWARD_NODE_MAX_CONCURRENT: '8', SWARD_NODE_BYTES_PER_DAY: '1GB' },
  );
  assert.equal(c.coordinatorUrl, 'http://coord.example');
  assert.equal(c.keyFile, join(dir, 'k.pem'));
  assert.equal(c.maxConcurrent, 2);
  assert.equal(c.bytesPerHour, 100_000_000);
  assert.equal(c.bytesPerDay, 1_000_000_000);
  assert.deepEqual(c.activeHours, ['22:00-07:00']);
  assert.deepEqual(c.allowDomains, ['example.com', 'example.org']);
  assert.deepEqual(c.denyDomains, ['ads.example.com']);
  assert.equal(c.allowPrivate, true);
  // --allow-private absent leaves the env/file/default value alone
  assert.equal(nodeConfigFromFlags({}, { SWARD_NODE_ALLOW_PRIVATE: '1' }).allowPrivate, true);
  assert.equal(nodeConfigFromFlags({}, {}).allowPrivate, false);
});

test('sward node log prints the local log, --tail, and --json as one array', async () => {
  const file = join(dir, 'fetch-log.jsonl');
  const log = new FetchLog(file);
  for (const i of [1, 2, 3])
    await log.append({
      time: `2026-01-01T00:00:0${i}.000Z`,
      jobId: 'j_1',
      leaseId: `l_${i}`,
      url: `https://example.com/${i}`,
      finalUrl: `https://example.com/${i}`,
      status: 200,
      bytes: 100 * i,
      outcome: 'captured',
      report: 'accepted',
    });
  const out: string[] = [];
  await program(out).parseAsync(['node', 'sward', 'node', 'log', '--log-file', file, '--tail', '2']);
  assert.equal(out.length, 2);
  assert.match(out[0] ?? '', /https:\/\/example\.com\/2 {2}200 200B/);
  const json: string[] = [];
  await program(json, { SWARD_NODE_LOG_FILE: file }).parseAsync(['node', 'sward', 'node', 'log', '--json']);
  // one JSON document: an array of the entries
  assert.deepEqual(
    (JSON.parse(json.join('')) as { leaseId: string }[]).map((e) => e.leaseId),
    ['l_1', 'l_2', 'l_3'],
  );
});
