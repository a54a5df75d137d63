import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sourceWorkerUrl, TYPESCRIPT_HOOKS_KEY } from './source-worker.js';

const entry = new URL('file:///repo/packages/sdk/src/verify-worker.ts');
const boot = (url: URL) => decodeURIComponent(url.href.slice('data:text/javascript,'.length));

test("a worker from sources registers the parent's hooks, or tsx's when the parent has none of ours", () => {
  const g = globalThis as Record<symbol, unknown>;
  const parents = g[TYPESCRIPT_HOOKS_KEY];
  try {
    g[TYPESCRIPT_HOOKS_KEY] = 'file:///repo/scripts/ts-loader/register.mjs';
    assert.equal(
      boot(sourceWorkerUrl(entry, ['file:///repo/node_modules/zod/index.js'])),
      [
        'await import("file:///repo/node_modules/zod/index.js");',
        'await import("file:///repo/scripts/ts-loader/register.mjs");',
        'await import("file:///repo/packages/sdk/src/verify-worker.ts");',
      ].join('\n'),
    );
    delete g[TYPESCRIPT_HOOKS_KEY];
    const tsx = boot(sourceWorkerUrl(entry));
    assert.match(
      tsx,
      /^const \{ register \} = await import\(".*\/node_modules\/tsx\/dist\/esm\/api\/index\.mjs"\);\nregister\(\);\n/,
    );
    assert.ok(tsx.endsWith('await import("file:///repo/packages/sdk/src/verify-worker.ts");'), tsx);
  } finally {
    g[TYPESCRIPT_HOOKS_KEY] = parents;
  }
});
