// A node:test reporter beside the usual one (run-tests.mjs adds it): one line of JSON [file, ms] per test
// file, from the runner taking the file off its queue to the file's end, for test-order.mjs to sort the
// next run by. File paths are relative to the working directory, as run-tests.mjs lists them.
import { relative } from 'node:path';
import { durationKey } from './test-order.mjs';

const MEMBER = /[\\/]test-groups[\\/]/;
const FILE = /^[\w./-]+\.test\.(?:ts|mjs)$/;

export default async function* durations(source) {
  const started = new Map();
  for await (const event of source) {
    const { data } = event;
    if (!data?.file) continue;
    // a member of a group (test-groups.mjs) is a suite named by its path, at the group file's own level: its
    // own time, for the next run's packing and order, whichever group it lands in
    if (
      event.type === 'test:complete' &&
      data.nesting === 0 &&
      data.name !== data.file &&
      MEMBER.test(data.file) &&
      FILE.test(data.name)
    ) {
      yield `${JSON.stringify([data.name, data.details.duration_ms])}\n`;
      continue;
    }
    // the file itself is a test at nesting 0 named by its path; its own tests carry it as `file` only
    if (data.nesting !== 0 || data.name !== data.file) continue;
    if (event.type === 'test:dequeue') started.set(data.file, performance.now());
    else if (event.type === 'test:complete' && started.has(data.file))
      yield `${JSON.stringify([durationKey(relative(process.cwd(), data.file)), performance.now() - started.get(data.file)])}\n`;
  }
}
