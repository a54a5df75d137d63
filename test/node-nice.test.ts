// `sward node` runs below the operator's own work: every thread of the process at the --nice priority (10 by
// default), whatever threads V8 and libuv started before the node's code ran. Linux only (/proc lists threads).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort, sward, swardNodeArgs } from './support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'sward-node-nice-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const linux = existsSync('/proc/self/task');

/** Each thread's nice value (field 19 of /proc/PID/task/TID/stat). */
function threadNices(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

/** Starts `sward node` (no coordinator answers: it keeps retrying), reads its threads' priorities, stops it. */
async function nicesOf(extra: string[], name: string): Promise<number[]> {
  // nothing listens on the port: the node starts, prints its id and retries its login
  const proc = sward([...swardNodeArgs(`http://127.0.0.1:${await freePort()}`, join(dir, name)), ...extra]);
  try {
    await proc.waitFor(/^node [0-9a-f]{64}/m);
    return threadNices(proc.child.pid as number);
  } finally {
    await proc.kill('SIGKILL');
  }
}

// The test runner may itself run below normal priority: a child starts where its parent is.
const inherited = linux ? getPriority() : 0;

test('sward node lowers every thread of its process to nice 10 by default', { skip: !linux }, async () => {
  const nices = await nicesOf([], 'default');
  assert.ok(nices.length >= 5, `threads: ${nices.length}`); // main, V8's platform workers, libuv's pool
  assert.deepEqual(new Set(nices), new Set([Math.max(10, inherited)]));
});

test('--nice sets the priority; 0 leaves the process where it started', { skip: !linux }, async () => {
  assert.deepEqual(new Set(await nicesOf(['--nice', '15'], 'fifteen')), new Set([Math.max(15, inherited)]));
  assert.deepEqual(new Set(await nicesOf(['--nice', '0'], 'zero')), new Set([inherited]));
});

test('--nice out of range is a usage error naming the setting', async () => {
  const proc = sward([...swardNodeArgs('http://127.0.0.1:9', join(dir, 'bad')), '--nice', '20']);
  assert.equal(await proc.exited, 2);
  assert.match(proc.output(), /config: nice \(from flags\): .*19/);
});
