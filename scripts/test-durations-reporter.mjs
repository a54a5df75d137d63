// A node:test reporter beside the usual one (run-tests.mjs adds it): one line of JSON [file, ms] per test
// file, from the runner taking the file off its queue to the file's end, for test-order.mjs to sort the
// next run by. File paths are relative to the working directory, as run-tests.mjs lists them.
import { relative } from 'node:path';
import { durationKey } from './test-order.mjs';

export default async function* durations(source) {
  const started = new Map();
  for await (const event of source) {
    const { data } = event;
    // the file itself is a test at nesting 0 named by its path; its own tests carry it as `file` only
    if (!data?.file || data.nesting !== 0 || data.name !== data.file) continue;
    if (event.type === 'test:dequeue') started.set(data.file, performance.now());
    else if (event.type === 'test:complete' && started.has(data.file))
      yield `${JSON.stringify([durationKey(relative(process.cwd(), data.file)), performance.now() - started.get(data.file)])}\n`;
  }
}
