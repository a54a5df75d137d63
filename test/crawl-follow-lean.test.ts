// `sward crawl` follows its job with V8 off its optimising compilers (packages/cli/src/follow-runtime.ts): a
// probe, run by the command's own process right after the job is submitted, finds a hot function never
// marked for TurboFan (--trace-opt prints the marking; without the flag this loop is marked at once). The
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

test('`sward crawl` follows its job without TurboFan', async () => {
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
        setImmediate(() => {
          function probeHotLoop(a) { let t = 0; for (let i = 0; i < a.length; i++) t += a[i] * 2; return t; }
          const a = Array.from({ length: 1000 }, (_, i) => i);
          let t = 0;
          for (let i = 0; i < 20000; i++) t += probeHotLoop(a);
          write('probe ran: ' + t + '\\n', () => process.exit(0));
        });
      return write(chunk, ...rest);
    };`,
  );
  try {
    const child = spawn(
      process.execPath,
      [
        '--trace-opt',
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
    assert.match(stderr, /probe ran: \d+/);
    assert.doesNotMatch(stdout, /marking .*probeHotLoop.* for optimization to TURBOFAN/);
  } finally {
    await coordinator.close();
  }
});
