// Coordinators sharing a data folder start at the same moment and race to create the log key: each must
// end up with the same, whole key. Child processes call loadLogKey on fresh paths at the same instant,
// round after round (the race window of a create-then-write is a few microseconds, so many tries).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const dir = mkdtempSync(join(tmpdir(), 'sward-log-key-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PROCS = 6;
const ROUNDS = 60;

const child = `
import { loadLogKey } from ${JSON.stringify(fileURLToPath(new URL('./log-key.ts', import.meta.url)))};
const [dir, startAt, rounds] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const out = [];
for (let k = 0; k < rounds; k++) {
  const at = startAt + k * 20;
  while (Date.now() < at) {}
  try { out.push(loadLogKey(dir + '/key-' + k + '.pem', 'test.local/log').verifierKey); }
  catch (e) { out.push('ERROR ' + e.message); }
}
process.stdout.write(JSON.stringify(out));
`;

function run(startAt: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['--input-type=module', '-e', child, dir, String(startAt), String(ROUNDS)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let text = '';
    p.stdout.on('data', (d) => {
      text += d;
    });
    p.on('error', reject);
    p.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`child exited ${code}`)),
    );
  });
}

test('coordinators creating the log key at the same instant all read the same whole key', async () => {
  // Children need a few seconds to load TypeScript; all of them then start round 0 at the same millisecond.
  const startAt = Date.now() + 8000;
  const results = await Promise.all(Array.from({ length: PROCS }, () => run(startAt)));
  for (let k = 0; k < ROUNDS; k++) {
    const keys = new Set(results.map((r) => r[k]));
    assert.equal(keys.size, 1, `round ${k}: ${[...keys].join(' | ')}`);
    assert.match([...keys][0] ?? '', /^test\.local\/log\+[0-9a-f]{8}\+/);
  }
});
