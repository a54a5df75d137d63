// `sward crawl` follows its job with WebAssembly on V8's baseline compiler (packages/cli/src/follow-runtime.ts):
// a probe, run by the command's own process right after the job is submitted, sends requests with fetch (whose
// HTTP parser, llhttp, is WebAssembly) until V8 would have tiered its hot functions up; V8's trace of wasm
// compilations shows Liftoff and never TurboFan (without the flag, TurboFan compiles appear at this budget). The
// coordinator has no node, so the job stays queued and the command is still following it when the probe runs.
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

test('`sward crawl` follows its job with WebAssembly never compiled by TurboFan', async () => {
  const coordinator = await startCoordinator({
    db: join(dir, 'sward.db'),
    dataDir: join(dir, 'coordinator'),
    log: pino({ level: 'silent' }),
  });
  const probe = join(dir, 'probe.mjs');
  writeFileSync(
    probe,
    `const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (chunk, ...rest) => {
      if (/^job \\S+ submitted/.test(String(chunk)))
        setImmediate(async () => {
          for (let i = 0; i < 300; i++) await (await fetch(${JSON.stringify(`${coordinator.url}/v1/log/key`)})).text();
          write('probe ran\\n', () => process.exit(0));
        });
      return write(chunk, ...rest);
    };`,
  );
  try {
    const child = spawn(
      process.execPath,
      [
        // V8's trace of each wasm function it compiles, and a tiering budget small enough that 300 requests
        // tier llhttp's hot functions up to TurboFan unless --liftoff-only is on
        '--trace-wasm-compilation-times',
        '--wasm-tiering-budget=1000',
        '--import',
        probe,
        SWARD_BIN,
        'crawl',
        'https://example.org/',
        '--coordinator',
        coordinator.url,
        '--api-key',
        coordinator.firstApiKey as string,
        '--out',
        join(dir, 'out'),
      ],
      { env: bundleEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
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
    assert.match(stderr, /probe ran/);
    assert.match(stdout, /Liftoff/, 'the trace shows the wasm compiles');
    assert.doesNotMatch(stdout, /TurboFan/);
  } finally {
    await coordinator.close();
  }
});
