// What `sward crawl` holds while it follows its job. A probe, run by the command's own process, acts once the
// job is submitted; the coordinator has no node, so the job stays queued and the command is still following it
// when the probe runs.
// - WebAssembly on V8's baseline compiler (packages/cli/src/follow-runtime.ts): the probe sends requests with
//   fetch (whose HTTP parser, llhttp, is WebAssembly) until V8 would have tiered its hot functions up; V8's
//   trace of wasm compilations shows Liftoff and never TurboFan (without the flag, TurboFan compiles appear at
//   this budget).
// - No undici (packages/cli/src/follow-fetch.ts): after a few polls the probe lists the built-in modules the
//   process has loaded.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startCoordinator } from '@sward/coordinator';
import { pino } from 'pino';
import { bundleEnv, SWARD_BIN } from './support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'sward-crawl-lean-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs `sward crawl` against a coordinator with no node, with `probe(url)` (its source, given the coordinator's
 * URL) run in the command's process once the job is submitted; the probe ends the process with exit code 0.
 */
async function followWithProbe(
  name: string,
  probe: (url: string) => string,
  nodeFlags: string[] = [],
): Promise<{ stdout: string; stderr: string }> {
  const coordinator = await startCoordinator({
    db: join(dir, `${name}.db`),
    dataDir: join(dir, `coordinator-${name}`),
    log: pino({ level: 'silent' }),
  });
  const file = join(dir, `probe-${name}.mjs`);
  writeFileSync(
    file,
    `const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (chunk, ...rest) => {
      if (/^job \\S+ submitted/.test(String(chunk))) ${probe(coordinator.url)};
      return write(chunk, ...rest);
    };`,
  );
  try {
    const args = ['https://example.org/', '--coordinator', coordinator.url];
    const child = spawn(
      process.execPath,
      [
        ...nodeFlags,
        '--import',
        file,
        SWARD_BIN,
        'crawl',
        ...args,
        '--api-key',
        coordinator.firstApiKey as string,
      ],
      { env: bundleEnv(), stdio: ['ignore', 'pipe', 'pipe'], cwd: dir },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    assert.equal(code, 0, stderr);
    return { stdout, stderr };
  } finally {
    await coordinator.close();
  }
}

test('`sward crawl` follows its job with WebAssembly never compiled by TurboFan', async () => {
  const { stdout, stderr } = await followWithProbe(
    'wasm',
    (url) => `setImmediate(async () => {
      for (let i = 0; i < 300; i++) await (await fetch(${JSON.stringify(`${url}/v1/log/key`)})).text();
      write('probe ran\\n', () => process.exit(0));
    })`,
    // V8's trace of each wasm function it compiles, and a tiering budget small enough that 300 requests
    // tier llhttp's hot functions up to TurboFan unless --liftoff-only is on
    ['--trace-wasm-compilation-times', '--wasm-tiering-budget=1000'],
  );
  assert.match(stderr, /probe ran/);
  assert.match(stdout, /Liftoff/, 'the trace shows the wasm compiles');
  assert.doesNotMatch(stdout, /TurboFan/);
});

test('`sward crawl` submits and follows its job without loading undici', async () => {
  // The global fetch would load undici (~12 MiB resident) for minutes of small JSON requests.
  const { stderr } = await followWithProbe(
    'undici',
    () => `setTimeout(() => {
      const undici = process.moduleLoadList.filter((m) => m.includes('undici'));
      write('undici: ' + JSON.stringify(undici) + '\\n', () => process.exit(0));
    }, 1500)`,
  );
  assert.match(stderr, /undici: \[\]/, stderr);
});
