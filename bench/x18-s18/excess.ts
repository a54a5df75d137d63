// throw-away: blocks of our text (tune pages) whose words are mostly not in the truth
import { readFileSync } from 'node:fs';

const b = JSON.parse(readFileSync('/tmp/x18s18-base.json', 'utf8'));

import { devHalves } from '../support-dev-split.js';
import { loadExtractionSet } from '../support-extract-score.js';

const { dev, halfOf } = devHalves('/work/shared/eval');
const ds = loadExtractionSet(dev);
const W = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
for (const id of process.argv.slice(2)) {
  if (halfOf(id) !== 'tune') continue;
  const truth = new Set(W(ds.truth[id]!.articleBody));
  console.log(`== ${id} ${ds.truth[id]!.url}`);
  for (const blk of (b[id].text as string).split('\n\n')) {
    const w = W(blk);
    if (!w.length) continue;
    const inn = w.filter((x) => truth.has(x)).length / w.length;
    console.log(inn < 0.5 ? 'XX' : '  ', inn.toFixed(2), blk.slice(0, 110).replace(/\n/g, ' / '));
  }
}
