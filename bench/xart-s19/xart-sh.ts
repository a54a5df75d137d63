import { loadExtractionSet, predictSet, swardExtractor, wordPRF, scoreShingle } from '../support-extract-score.js';
const set = loadExtractionSet('/work/shared/eval/article-extraction');
const v = process.argv[2] ?? '';
process.env.XART = '';
const a = predictSet(set, swardExtractor);
process.env.XART = v;
const b = predictSet(set, swardExtractor);
console.log('shingle', scoreShingle(set.truth, a).f1.toFixed(4), '→', scoreShingle(set.truth, b).f1.toFixed(4));
for (const id of set.ids) {
  if (a[id]?.articleBody === b[id]?.articleBody) continue;
  const t = set.truth[id]?.articleBody;
  const fa = wordPRF(a[id]?.articleBody, t)[2], fb = wordPRF(b[id]?.articleBody, t)[2];
  const sa = scoreShingle({ [id]: set.truth[id]! }, { [id]: a[id] }).f1, sb = scoreShingle({ [id]: set.truth[id]! }, { [id]: b[id] }).f1;
  console.log(id, 'wordF', fa.toFixed(3), '→', fb.toFixed(3), 'shingleF', sa.toFixed(3), '→', sb.toFixed(3), set.truth[id]?.url ?? '');
}
