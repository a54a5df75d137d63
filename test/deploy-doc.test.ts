import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadCoordinatorConfig } from '../packages/cli/src/coordinator-config.js';
import { ROUTE_RULES } from '../packages/coordinator/src/api/route-rules.js';
import { SWARD_BIN } from './support/processes.js';

const doc = readFileSync(new URL('../docs/DEPLOY.md', import.meta.url), 'utf8');
const NODE_BIN = new URL('../packages/node/bin/sward-node.js', import.meta.url).pathname;

/** The shell commands of the page's code blocks, with `\` continuations joined. */
function shellCommands(): string[] {
  const blocks = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  return blocks.flatMap((b) =>
    b
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
}

test('every sward command and flag docs/DEPLOY.md uses exists', () => {
  const uses = new Map<string, Set<string>>();
  for (const line of shellCommands()) {
    const m = /^(sward(?:-node)?)(?: ([a-z]+))?(.*)$/.exec(line);
    if (!m) continue;
    const [, bin, sub = '', rest = ''] = m;
    const key = `${bin} ${bin === 'sward' ? sub : ''}`.trim();
    const flags = uses.get(key) ?? new Set<string>();
    for (const f of rest.match(/(?<=\s)--[a-z][a-z-]*/g) ?? []) flags.add(f);
    uses.set(key, flags);
  }
  assert.deepEqual(
    [...uses.keys()].sort(),
    ['sward coordinator', 'sward crawl', 'sward node', 'sward verify', 'sward-node'],
    'the commands the page shows',
  );
  for (const [cmd, flags] of uses) {
    const [bin, sub] = cmd.split(' ');
    const help = execFileSync(
      process.execPath,
      bin === 'sward-node' ? [NODE_BIN, '--help'] : [SWARD_BIN, sub as string, '--help'],
      { encoding: 'utf8' },
    );
    for (const f of flags) assert.match(help, new RegExp(`${f}\\b`), `${cmd} has ${f}`);
  }
});

test('the config file docs/DEPLOY.md shows is accepted, and the routes it calls exist', () => {
  const json = /```json\n([\s\S]*?)```/.exec(doc)?.[1] as string;
  const dir = mkdtempSync(join(tmpdir(), 'sward-deploy-doc-'));
  try {
    writeFileSync(join(dir, 'coordinator.json'), json);
    const c = loadCoordinatorConfig({ configFile: join(dir, 'coordinator.json') });
    assert.equal(c.logKey, '/etc/sward/log.key');
    assert.deepEqual(c.trustedProxies, ['10.0.0.5']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const paths = new Set([...doc.matchAll(/(\/v1\/[a-z/-]+|\/healthz)/g)].map((m) => m[1] as string));
  assert.ok(paths.size >= 4);
  for (const p of paths) assert.ok(`GET ${p}` in ROUTE_RULES, `GET ${p} is a route`);
});
