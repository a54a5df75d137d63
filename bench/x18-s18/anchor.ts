// throw-away: why product pages with a JSON-LD Product are not anchored (tune detail; check counts)

import { extract } from '@sward/extract';
import { devHalves } from '../support-dev-split.js';
import { loadExtractionSet } from '../support-extract-score.js';

const { dev, halfOf } = devHalves('/work/shared/eval');
const ds = loadExtractionSet(dev);
const cnt: Record<string, number> = {};
for (const id of ds.ids) {
  const t = ds.truth[id]!;
  const html = ds.html(id);
  const d = extract(html, { url: t.url, secondOpinion: false });
  if (d.pageType?.type !== 'product') continue;
  const p = d.structured?.products?.[0] as { name?: string; description?: string } | undefined;
  const h1s = (html.match(/<h1\b[^>]*>[\s\S]*?<\/h1>/gi) ?? []).map((x) =>
    x
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
  const desc = p?.description ?? '';
  const descInHtml =
    desc.length >= 24 && html.replace(/\s+/g, ' ').includes(desc.replace(/\s+/g, ' ').slice(0, 40));
  const why = !p
    ? 'no-product'
    : !desc
      ? 'no-desc'
      : desc.length < 24
        ? 'short-desc'
        : !h1s.length
          ? 'no-h1'
          : !descInHtml
            ? 'desc-not-verbatim'
            : 'other';
  if (halfOf(id) === 'tune')
    console.log(
      id,
      t.type,
      why,
      JSON.stringify(p?.name)?.slice(0, 60),
      '| h1:',
      JSON.stringify(h1s.slice(0, 2)).slice(0, 100),
      '| desc:',
      JSON.stringify(desc.slice(0, 80)),
    );
  else cnt[why] = (cnt[why] ?? 0) + 1;
}
console.log('check (typed product):', cnt);
