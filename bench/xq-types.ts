// THROW-AWAY: detected type per dev page
import { writeFileSync } from 'node:fs';
import { extract } from '@sward/extract';
import { devHalves } from './support-dev-split.js';
import { loadExtractionSet } from './support-extract-score.js';

const { dev } = devHalves('/work/shared/eval');
const ds = loadExtractionSet(dev);
const out: Record<string, { type?: string; conf?: number; signals?: string[] }> = {};
for (const id of ds.ids) {
  const r = extract(ds.html(id), { url: ds.truth[id]?.url });
  out[id] = { type: r.pageType?.type, conf: r.pageType?.confidence, signals: r.pageType?.signals };
}
writeFileSync('/tmp/xq-types.json', JSON.stringify(out));
