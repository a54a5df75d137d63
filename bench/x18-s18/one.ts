import { extract } from '@sward/extract';
import { devHalves } from '../support-dev-split.js';
import { loadExtractionSet, wordPRF } from '../support-extract-score.js';

const { dev, halfOf } = devHalves('/work/shared/eval');
const ds = loadExtractionSet(dev);
const id = process.argv[2]!;
if (halfOf(id) !== 'tune') throw new Error('tune only');
const t = ds.truth[id]!;
const d = extract(ds.html(id), { url: t.url });
console.log(d.pageType, d.warnings, wordPRF(d.text, t.articleBody));
console.log(d.text.slice(0, Number(process.argv[3] ?? 3000)));
