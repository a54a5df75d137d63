// throw-away: candidate type rules evaluated with the forced-type matrix; prints aggregates only for check
import { readFileSync } from 'node:fs';
import { extract } from '@sward/extract';
import { devHalves } from '../support-dev-split.js';
import { loadExtractionSet } from '../support-extract-score.js';

const m = JSON.parse(readFileSync('/tmp/x18s18/matrix.json', 'utf8'));
const { dev, halfOf } = devHalves('/work/shared/eval');
const ds = loadExtractionSet(dev);
const info: Record<
  string,
  { sig: string[]; type: string; conf: number; carts: number; next: boolean; prod: boolean }
> = {};
for (const id of ds.ids) {
  const html = ds.html(id);
  const pt = extract(html, { url: ds.truth[id]!.url, secondOpinion: false }).pageType!;
  const carts =
    (html.match(/<(button|form|input|a)\b[^>]*(add[\s_-]?to[\s_-]?(cart|bag|basket))[^>]*>/gi) ?? []).length +
    (html.match(/>\s*(add to (cart|bag|basket)|buy now|quick (add|shop|view))\s*</gi) ?? []).length;
  const next = /rel="next"|class="[^"]*(pagination|page-numbers|pager)[^"]*"/i.test(html);
  const prod = pt.signals.some((s) =>
    /^(json-ld|microdata):(Product|ProductGroup|Offer|AggregateOffer|IndividualProduct)$|^og:product/.test(s),
  );
  info[id] = { sig: pt.signals, type: pt.type, conf: pt.confidence, carts, next, prod };
}
const num = (sig: string[], p: string) => {
  const s = sig.find((x) => x.startsWith(p));
  return s ? Number(s.split(':').pop()) : 0;
};
const ARTICLE =
  /^(json-ld|microdata):(Article|NewsArticle|BlogPosting|Report|ScholarlyArticle|OpinionNewsArticle|ReportageNewsArticle)$|^og:article$|^url:article$/;
const undeclared = (sig: string[]) => !sig.some((s) => ARTICLE.test(s));
const rules: Record<string, (i: (typeof info)[string]) => string | null> = {};
for (const k of [8, 12, 20, 30, 40])
  rules[`undeclared+repeated>=${k}`] = (i) =>
    i.type === 'article' && undeclared(i.sig) && num(i.sig, 'repeated:') >= k ? 'listing' : null;
for (const k of [8, 12, 20, 30])
  rules[`undeclared+repeated>=${k},nohome`] = (i) =>
    i.type === 'article' && undeclared(i.sig) && !i.sig.includes('url:home') && num(i.sig, 'repeated:') >= k
      ? 'listing'
      : null;
rules['undeclared,conf<=0.5 any'] = (i) =>
  i.type === 'article' && undeclared(i.sig) && i.conf <= 0.5 ? 'listing' : null;
rules['undeclared+url:product/collection'] = (i) =>
  i.type === 'article' &&
  undeclared(i.sig) &&
  i.sig.some((s) => s === 'url:product' || s === 'url:collection')
    ? 'listing'
    : null;
rules['undeclared+url:prod/coll+repeated'] = (i) =>
  i.type === 'article' &&
  undeclared(i.sig) &&
  i.sig.some((s) => s === 'url:product' || s === 'url:collection') &&
  num(i.sig, 'repeated:') >= 8
    ? 'collection'
    : null;
rules['og:article only + repeated>=30'] = (i) =>
  i.type === 'article' &&
  i.sig.includes('og:article') &&
  !i.sig.some((s) => /^(json-ld|microdata):/.test(s) || s === 'url:article') &&
  num(i.sig, 'repeated:') >= 30
    ? 'listing'
    : null;
for (const k of [3, 4, 6, 8])
  rules[`carts>=${k},no product decl -> collection`] = (i) =>
    !['collection', 'listing', 'forum'].includes(i.type) && !i.prod && i.carts >= k ? 'collection' : null;
rules['pagination+undeclared+repeated>=8 -> collection'] = (i) =>
  i.type === 'article' && undeclared(i.sig) && i.next && num(i.sig, 'repeated:') >= 8 ? 'collection' : null;
rules['pagination+undeclared -> listing'] = (i) =>
  i.type === 'article' && undeclared(i.sig) && i.next ? 'listing' : null;
rules['pagination+cards-with-prices -> collection'] = (i) =>
  i.type !== 'collection' && !i.prod && i.next && num(i.sig, 'cards-with-prices:') >= 8 ? 'collection' : null;
for (const [name, rule] of Object.entries(rules)) {
  if (process.argv[2] && !name.includes(process.argv[2])) continue;
  const out: string[] = [name];
  for (const h of ['tune', 'check']) {
    let n = 0,
      dF = 0,
      right = 0,
      fired = 0;
    const byType: Record<string, number> = {};
    const ids: string[] = [];
    for (const id of ds.ids) {
      if (halfOf(id) !== h) continue;
      n++;
      const r = m[id],
        i = info[id]!;
      const t = rule(i);
      if (!t || t === i.type) continue;
      fired++;
      const d = r[t] - r.none;
      dF += d;
      byType[r.truth] = (byType[r.truth] ?? 0) + d;
      right += (t === r.truth ? 1 : 0) - (i.type === r.truth ? 1 : 0);
      if (h === 'tune') ids.push(`${id}:${r.truth.slice(0, 4)}:${d.toFixed(2)}`);
    }
    out.push(
      `${h}: fired ${fired} ΔF/page ${(dF / n).toFixed(4)} typed-right ${right >= 0 ? '+' : ''}${right} byType ${Object.entries(
        byType,
      )
        .map(([k, v]) => `${k.slice(0, 4)}${v >= 0 ? '+' : ''}${v.toFixed(2)}`)
        .join(',')}${h === 'tune' ? ` [${ids.join(' ')}]` : ''}`,
    );
  }
  console.log(out.join('\n   '));
}
