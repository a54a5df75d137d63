// throw-away: truth lines (tune) mostly missing from our text
import { readFileSync } from 'node:fs';

const b = JSON.parse(readFileSync('/tmp/x18s18-base.json', 'utf8'));

import { devHalves } from '../support-dev-split.js';
import { loadExtractionSet } from '../support-extract-score.js';

const { dev, halfOf } = devHalves('/work/shared/eval');
const ds = loadExtractionSet(dev);
const W = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
for (const id of process.argv.slice(2)) {
  if (halfOf(id) !== 'tune') continue;
  const ours = new Set(W(b[id].text));
  console.log(`== ${id} ${ds.truth[id]!.url}`);
  for (const blk of ds.truth[id]!.articleBody.split('\n')) {
    const w = W(blk);
    if (!w.length) continue;
    const inn = w.filter((x) => ours.has(x)).length / w.length;
    console.log(inn < 0.5 ? 'MISS' : '    ', inn.toFixed(2), blk.slice(0, 110));
  }
}
