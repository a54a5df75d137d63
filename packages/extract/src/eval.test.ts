import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { extract } from './extract.js';

// Main-text quality on the ScrapingHub article-extraction benchmark (181 pages, MIT),
// scored with the set's own score.mjs (a parity-checked port of its evaluate.py).
// The set lives in shared/ beside the repository, as on developer machines and in CI.
const HERE = dirname(fileURLToPath(import.meta.url));
const DATA = process.env.ARTICLE_EVAL_DATA ?? resolve(HERE, '../../../../shared/eval/article-extraction');
const MIN_F1 = 0.97;

test('main-text F1 on the ScrapingHub dev set is at least 0.970', {
  skip: !existsSync(DATA) && `no dataset at ${DATA}`,
}, async () => {
  const score = (await import(pathToFileURL(join(DATA, 'score.mjs')).href)) as {
    evaluate: (
      truth: Record<string, { articleBody: string }>,
      pred: Record<string, { articleBody: string }>,
      o: { nBootstrap: number },
    ) => { f1: number; precision: number; recall: number };
  };
  const truth = JSON.parse(readFileSync(join(DATA, 'ground-truth.json'), 'utf8')) as Record<
    string,
    { articleBody: string; url: string }
  >;
  const pred: Record<string, { articleBody: string }> = {};
  for (const id of Object.keys(truth)) {
    const html = gunzipSync(readFileSync(join(DATA, 'html', `${id}.html.gz`))).toString('utf8');
    pred[id] = { articleBody: extract(html, { url: truth[id]?.url }).text };
  }
  const m = score.evaluate(truth, pred, { nBootstrap: 0 });
  assert.ok(
    m.f1 >= MIN_F1,
    `F1 ${m.f1.toFixed(4)} (P ${m.precision.toFixed(4)}, R ${m.recall.toFixed(4)}) < ${MIN_F1}`,
  );
});
