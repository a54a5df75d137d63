import {
  type DatasetFigures,
  type DatasetValuation,
  FRESHNESS_BINS,
  QUALITY_BINS,
} from './dataset-report-wire.js';

/**
 * The valuation report as one HTML page a buyer can open offline or attach to a mail: inline CSS, inline
 * SVG charts, no script, nothing fetched. Every value from the data (dataset names, domains, licences,
 * language codes, exclusion reasons) goes through `esc`; the page's own policy refuses scripts anyway.
 */

/** Served with the page, and repeated in it for a saved copy: styles inline, nothing else. */
export const REPORT_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => ENTITIES[c] as string);

const int = (n: number) => n.toLocaleString('en-US');
const pct = (n: number, of: number) => (of > 0 ? `${((n / of) * 100).toFixed(1)} %` : '—');
const age = (h: number) => (h < 48 ? `${h} h` : `${(h / 24).toFixed(1)} d`);

type Fig = DatasetFigures;
/** The side-by-side table: one line per figure, the same formatter for the dataset and the reference. */
const SUMMARY: [id: string, label: string, value: (f: Fig) => string][] = [
  ['rows', 'Rows', (f) => int(f.rows)],
  ['tokens', 'Tokens (estimate)', (f) => int(f.tokens.total)],
  ['tokens-per-row', 'Tokens per row', (f) => int(f.tokens.perRow)],
  ['domains', 'Unique domains', (f) => int(f.domains.unique)],
  ['languages', 'Languages', (f) => int(f.languages.filter((l) => l.key !== 'other').length)],
  [
    'quality-mean',
    'Mean quality score (0–1)',
    (f) => (f.quality.mean === null ? '—' : f.quality.mean.toFixed(3)),
  ],
  ['quality-c4', 'Rows passing C4', (f) => pct(f.quality.passing.c4, f.rows)],
  ['quality-gopher', 'Rows passing Gopher', (f) => pct(f.quality.passing.gopher, f.rows)],
  [
    'near-duplicates',
    'Near-duplicate rate',
    (f) => pct(f.nearDuplicates.exact + f.nearDuplicates.near, f.nearDuplicates.checked),
  ],
  ['dedup-threshold', 'MinHash threshold', (f) => String(f.nearDuplicates.threshold)],
  ['age-p50', 'Median capture age', (f) => (f.freshness.ageHours ? age(f.freshness.ageHours.p50) : '—')],
  [
    'age-p90',
    '90th percentile capture age',
    (f) => (f.freshness.ageHours ? age(f.freshness.ageHours.p90) : '—'),
  ],
  ['train', 'Rows allowed for training', (f) => pct(f.purposes.train, f.rows)],
  ['input', 'Rows allowed as model input', (f) => pct(f.purposes.input, f.rows)],
  ['index', 'Rows allowed for search indexing', (f) => pct(f.purposes.index, f.rows)],
  ['optout-rows', 'Rows with a publisher preference', (f) => pct(f.optOut.rowsWithPreference, f.rows)],
  [
    'optout-domains',
    'Domains with a publisher preference',
    (f) => pct(f.optOut.domainsWithPreference, f.domains.unique),
  ],
  ['excluded-purpose', 'Pages left out by publisher preference', (f) => int(f.optOut.excludedForPurpose)],
  ['licences', 'Licences', (f) => int(f.licenses.filter((l) => l.key !== 'other').length)],
];

function summary(d: Fig, r: Fig | null): string {
  const rows = SUMMARY.map(
    ([id, label, v]) =>
      `<tr data-figure="${id}"><th scope="row">${esc(label)}</th><td class="dataset">${esc(v(d))}</td>${
        r ? `<td class="reference">${esc(v(r))}</td>` : ''
      }</tr>`,
  ).join('');
  return `<table class="summary"><caption>Figures side by side</caption><thead><tr><th scope="col">Figure</th><th scope="col">This dataset</th>${
    r ? '<th scope="col">Reference</th>' : ''
  }</tr></thead><tbody>${rows}</tbody></table>`;
}

/** A ranked list as a table, each share also drawn as a bar (the bar is decoration: the table says it). */
function bars(items: { key: string; n: number }[], total: number, cls: string): string {
  if (items.length === 0 || total === 0) return '<p class="empty">No rows.</p>';
  const rows = items
    .map(({ key, n }) => {
      const w = n > 0 ? Math.max(1, Math.round((n / total) * 100)) : 0;
      return `<tr><th scope="row">${esc(key)}</th><td>${esc(int(n))}</td><td>${esc(pct(n, total))}</td><td class="bar"><svg aria-hidden="true" focusable="false" viewBox="0 0 100 10" preserveAspectRatio="none"><rect class="${cls}" width="${w}" height="10"/></svg></td></tr>`;
    })
    .join('');
  return `<table class="bars"><thead><tr><th scope="col">Value</th><th scope="col">Rows</th><th scope="col">Share</th><th scope="col"><span class="sr">Bar</span></th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** A histogram as an SVG column chart; its label reads every bin out for screen readers. */
function histogram(labels: readonly string[], counts: readonly number[], cls: string, what: string): string {
  const max = Math.max(1, ...counts);
  const w = 320 / labels.length;
  const cols = counts
    .map((n, i) => {
      const h = Math.round((n / max) * 100);
      const x = i * w;
      return `<rect class="${cls}" x="${(x + 2).toFixed(1)}" y="${118 - h}" width="${(w - 4).toFixed(1)}" height="${h}"/><text x="${(x + w / 2).toFixed(1)}" y="${112 - h}" class="n">${esc(int(n))}</text><text x="${(x + w / 2).toFixed(1)}" y="134" class="l">${esc(labels[i])}</text>`;
    })
    .join('');
  const label = `${what}: ${labels.map((l, i) => `${l}: ${counts[i]} rows`).join(', ')}`;
  return `<svg class="hist" role="img" aria-label="${esc(label)}" viewBox="0 0 320 140"><title>${esc(label)}</title>${cols}</svg>`;
}

const QUALITY_LABELS = Array.from({ length: QUALITY_BINS }, (_, i) => (i / QUALITY_BINS).toFixed(1));
const FRESHNESS_SHORT = ['<1d', '1–7d', '7–30d', '30–90d', '90d–1y', '>1y'];

/** One section: the same chart for the dataset and for the reference, beside each other (stacked on a phone). */
function section(
  id: string,
  title: string,
  d: Fig,
  r: Fig | null,
  chart: (f: Fig, cls: string) => string,
  note = '',
) {
  const fig = (f: Fig, who: string, cls: string) =>
    `<figure><figcaption><span class="who ${cls}">${who}</span> ${esc(f.source.name)}</figcaption>${chart(f, cls)}</figure>`;
  return `<section aria-labelledby="h-${id}"><h2 id="h-${id}">${esc(title)}</h2>${note ? `<p class="note">${note}</p>` : ''}<div class="pair">${fig(d, 'Dataset', 'd')}${
    r ? fig(r, 'Reference', 'r') : ''
  }</div></section>`;
}

const STYLE = `
:root{--bg:#fff;--fg:#1b1b1f;--muted:#4a4a55;--line:#d5d5dd;--d:#1f5fbf;--r:#a3470f;--card:#f6f6f9}
@media (prefers-color-scheme:dark){:root{--bg:#15161a;--fg:#ececf1;--muted:#b8b8c4;--line:#3a3b44;--d:#7fb0ff;--r:#f2a36b;--card:#1e2026}}
*{box-sizing:border-box}
html{color-scheme:light dark}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:.2em 0}h2{font-size:1.15rem;margin:1.6em 0 .4em}
h1,h2,p,td,th,figcaption{overflow-wrap:anywhere}
thead th{overflow-wrap:normal;white-space:nowrap}
.meta,.note,.empty{color:var(--muted)}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 6px;border-bottom:1px solid var(--line);vertical-align:top}
td{font-variant-numeric:tabular-nums}
.summary caption{text-align:left;font-weight:600;padding:4px 0}
.summary td,.bars td{white-space:nowrap}
.bars th[scope=row]{font-weight:400}
.bar{width:30%;min-width:40px}.bar svg{width:100%;height:10px;display:block}
.pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,320px),1fr));gap:16px}
figure{margin:0;padding:10px;background:var(--card);border-radius:6px;min-width:0}
figcaption{font-weight:600;margin-bottom:6px}
.who{display:inline-block;padding:0 6px;border-radius:4px;color:var(--bg)}
.who.d{background:var(--d)}.who.r{background:var(--r)}
rect.d{fill:var(--d)}rect.r{fill:var(--r)}
.hist{width:100%;height:auto;display:block}
.hist text{fill:var(--fg);font-size:10px;text-anchor:middle}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

/** The page. */
export function reportPage(v: DatasetValuation): string {
  const d = v.dataset;
  const r = v.reference;
  const share = (f: Fig) => f.rows;
  const body = [
    summary(d, r),
    section('languages', 'Language mix', d, r, (f, c) => bars(f.languages, share(f), c)),
    section(
      'quality',
      'Quality score distribution',
      d,
      r,
      (f, c) => histogram(QUALITY_LABELS, f.quality.bins, c, `${f.source.name}, rows by quality score`),
      'The share of the Gopher and C4 quality rules (the strict preset) a row passes: 1 passes them all.',
    ),
    section(
      'freshness',
      'Freshness: age of the captures',
      d,
      r,
      (f, c) =>
        histogram(
          FRESHNESS_SHORT,
          FRESHNESS_BINS.map((l) => f.freshness.bins.find((b) => b.label === l)?.n ?? 0),
          c,
          `${f.source.name}, rows by capture age`,
        ),
      `Ages at ${esc(v.generatedAt)}.`,
    ),
    section('domains', 'Top domains', d, r, (f, c) => bars(f.domains.top, share(f), c)),
    section('licences', 'Licence mix', d, r, (f, c) => bars(f.licenses, share(f), c)),
    section('purposes', 'Purpose mix: rows allowed for each use', d, r, (f, c) =>
      bars(
        [
          { key: 'train', n: f.purposes.train },
          { key: 'input', n: f.purposes.input },
          { key: 'index', n: f.purposes.index },
        ],
        share(f),
        c,
      ),
    ),
    section('optout', 'Opt-outs: pages left out by publisher preference, by reason', d, r, (f, c) =>
      bars(f.optOut.byReason, Math.max(1, f.optOut.excludedForPurpose), c),
    ),
    section('excluded', 'Pages left out, by step', d, r, (f, c) => {
      const items = Object.entries(f.excluded).map(([key, n]) => ({ key, n }));
      return bars(
        items,
        Math.max(
          1,
          items.reduce((s, i) => s + i.n, 0),
        ),
        c,
      );
    }),
  ].join('');
  const refLine = r
    ? `<p class="meta">Reference: ${esc(r.source.name)} (${esc(r.source.note)})</p>`
    : '<p class="meta">No reference sample was asked for.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${esc(REPORT_PAGE_CSP)}">
<meta name="color-scheme" content="light dark">
<title>Valuation report: ${esc(d.source.name)}</title><style>${STYLE}</style></head>
<body><main><h1>Valuation report: ${esc(d.source.name)}</h1>
<p class="meta">${esc(d.source.note)}. Generated ${esc(v.generatedAt)}. Tokens estimated as ${esc(d.tokens.estimator)}.</p>
${refLine}${body}</main></body></html>
`;
}
