import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SwardClient } from '@sward/sdk';
import { jobDone } from './support/job-wait.js';

// A stand-in for the SDK client (the helper under test only calls these two): a job that never ends.
const stalled = {
  job: async (id: string) => ({ id, state: 'running', stored: 3, queued: 9 }),
  waitForJob: () => new Promise<never>(() => {}),
} as unknown as SwardClient;

test('a job past its deadline fails naming where it stood', async () => {
  await assert.rejects(jobDone(stalled, 'j1', Date.now() + 20), (e: Error) => {
    assert.match(e.message, /job j1 not done by its deadline/);
    assert.match(e.message, /"state":"running"/);
    assert.match(e.message, /"stored":3/);
    return true;
  });
});

test('a job done in time is returned as the SDK gave it, without reading the job again', async () => {
  const done = { id: 'j2', state: 'done' };
  const client = {
    job: async () => assert.fail('read only when late'),
    waitForJob: async () => done,
  } as unknown as SwardClient;
  assert.equal(await jobDone(client, 'j2', Date.now() + 60_000), done);
});
