// throw-away: shop cues per tune page
import { devHalves } from '../support-dev-split.js';
import { loadExtractionSet } from '../support-extract-score.js';

const ty = JSON.parse((await import('node:fs')).readFileSync('/tmp/x18s18/types-base.json', 'utf8'));
const { dev, halfOf } = devHalves('/work/shared/eval');
const ds = loadExtractionSet(dev);
for (const id of ds.ids) {
  if (halfOf(id) !== 'tune') continue;
  const html = ds.html(id);
  const carts = (
    html.match(/<(button|form|input|a)\b[^>]*(add[\s_-]?to[\s_-]?(cart|bag|basket))[^>]*>/gi) ?? []
  ).length;
  const cartText = (html.match(/>\s*(add to (cart|bag|basket)|buy now|quick (add|shop|view))\s*</gi) ?? [])
    .length;
  const mdProd = (html.match(/itemtype="https?:\/\/schema\.org\/(Product|Offer)"/gi) ?? []).length;
  const ldProd = (html.match(/"@type"\s*:\s*"(Product|Offer)"/g) ?? []).length;
  const next = /rel="next"|class="[^"]*(pagination|page-numbers|pager)[^"]*"/i.test(html) ? 1 : 0;
  const sort = /sort\s*by|sort-by|sortby|filter/i.test(html) ? 1 : 0;
  const currency = (html.match(/[$€£]\s?\d+[.,]\d\d/g) ?? []).length;
  const t = ty[id];
  if (!['article'].includes(t.truth) || carts + cartText + mdProd + ldProd > 0 || currency > 5)
    console.log(
      t.truth.padEnd(10),
      id,
      t.type.padEnd(10),
      `carts ${carts} cartText ${cartText} mdProd ${mdProd} ldProd ${ldProd} next ${next} sort ${sort} cur ${currency}`,
    );
}
