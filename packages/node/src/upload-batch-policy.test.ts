import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BatchState, batchWaitMs } from './upload-batch-policy.js';

const limits = { maxItems: 32, maxBytes: 1000, holdMs: 20 };
const state = (s: Partial<BatchState>): BatchState => ({
  queued: 1,
  queuedBytes: 10,
  fetching: 3,
  oldestWaitMs: 0,
  stopping: false,
  ...s,
});

test('a finished capture waits for the others in flight, at most holdMs from its arrival', () => {
  assert.equal(batchWaitMs(state({}), limits), 20);
  assert.equal(batchWaitMs(state({ oldestWaitMs: 15 }), limits), 5);
  assert.equal(batchWaitMs(state({ oldestWaitMs: 20 }), limits), 0);
  assert.equal(batchWaitMs(state({ oldestWaitMs: 500 }), limits), 0); // a late timer: at once, never negative
});

test('the batch goes once about half the fetches in flight are done', () => {
  // 4 in flight: one done waits, two done go
  assert.equal(batchWaitMs(state({ queued: 1, fetching: 3 }), limits), 20);
  assert.equal(batchWaitMs(state({ queued: 2, fetching: 2 }), limits), 0);
  // 16 in flight: 7 done wait, 8 go
  assert.equal(batchWaitMs(state({ queued: 7, fetching: 9 }), limits), 20);
  assert.equal(batchWaitMs(state({ queued: 8, fetching: 8 }), limits), 0);
});

test('an idle node, a stopping node, a full batch and an empty queue do not wait', () => {
  assert.equal(batchWaitMs(state({ fetching: 0 }), limits), 0);
  assert.equal(batchWaitMs(state({ stopping: true, fetching: 15 }), limits), 0);
  assert.equal(batchWaitMs(state({ queued: 32, fetching: 64 }), limits), 0);
  assert.equal(batchWaitMs(state({ queuedBytes: 1000, fetching: 15 }), limits), 0);
  assert.equal(batchWaitMs(state({ queued: 0, fetching: 15 }), limits), 0);
});
