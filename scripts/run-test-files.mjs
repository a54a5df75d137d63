#!/usr/bin/env node
// Runs the test files it is given with node's test runner, IN THE ORDER GIVEN. run-tests.mjs orders them longest
// first (test-order.mjs), but `node --test <files>` sorts its file list by name (seen on Node 20.20), so that
// order never reached the runner: files started alphabetically. node:test's run() keeps the list as given;
// it takes the same options (concurrency, a file's timeout) and reporters.
// Usage: node run-test-files.mjs [--concurrency N] [--timeout MS] [--durations FILE] <files…>
// Reports TAP to stdout (spec on a terminal), each file's duration to FILE (test-durations-reporter.mjs), and
// exits 1 when a test failed, as `node --test` does.
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { run } from 'node:test';
import { spec, tap } from 'node:test/reporters';
import { parseArgs } from 'node:util';
import durations from './test-durations-reporter.mjs';

const { values, positionals } = parseArgs({
  options: { concurrency: { type: 'string' }, timeout: { type: 'string' }, durations: { type: 'string' } },
  allowPositionals: true,
});
const concurrency = Number(values.concurrency ?? 2);
const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
const stream = run({
  // absolute, as `node --test` names them: the durations reporter knows a file's own test by its path
  files: positionals.map((f) => resolve(f)),
  concurrency: Number.isInteger(concurrency) && concurrency > 0 ? concurrency : 2,
  ...(timeout !== undefined && Number.isFinite(timeout) ? { timeout } : {}),
});
stream.on('test:fail', (data) => {
  if (!data.todo) process.exitCode = 1;
});
stream.compose(process.stdout.isTTY ? new spec() : tap).pipe(process.stdout);
if (values.durations) stream.compose(durations).pipe(createWriteStream(values.durations));
