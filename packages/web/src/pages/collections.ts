import type { CollectionInfo, CollectionSearchAnswer, CollectionSearchResult } from '@sward/core';
import { useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { BarChart } from '../chart.js';
import { describe, duration, Facts, html, short, show, Table, useLoad, when } from '../ui.js';

export function CollectionsPage({ api }: { api: Api }) {
  const list = useLoad(() => api.get<{ collections: CollectionInfo[] }>('/v1/collections'), [], 10_000);
  return html`<section aria-labelledby="coll-h">
    <h2 id="coll-h">Collections</h2>
    ${show(
      list,
      (d) => html`<${Table}
          caption="Your live collections"
          rows=${d.collections}
          empty="No collection yet."
          columns=${[
            {
              label: 'Name',
              cell: (c: CollectionInfo) => html`<a href=${`#/collections/${c.id}`}>${c.name}</a>`,
            },
            { label: 'Pages', cell: (c: CollectionInfo) => c.pages, num: true },
            { label: 'Chunks', cell: (c: CollectionInfo) => c.chunks, num: true },
            { label: 'Every', cell: (c: CollectionInfo) => duration(c.everyMs) },
            {
              label: 'State',
              cell: (c: CollectionInfo) => (c.paused ? 'paused' : c.refreshing ? 'refreshing' : 'live'),
            },
          ]}
        />`,
    )}
  </section>`;
}

export function CollectionPage({ api, id }: { api: Api; id: string }) {
  const c = useLoad(() => api.get<CollectionInfo>(`/v1/collections/${encodeURIComponent(id)}`), [id], 10_000);
  return html`<section aria-labelledby="c-h">
    <h2 id="c-h">Collection</h2>
    <p><a href="#/collections">← all collections</a></p>
    ${show(c, (col) => html`<${Freshness} col=${col} />`)}
    <${Playground} api=${api} id=${id} />
  </section>`;
}

function Freshness({ col }: { col: CollectionInfo }) {
  const f = col.freshness;
  const s = f.changeToSearchableMs;
  const bars = [
    ...(s
      ? [
          { label: 'p50', value: s.p50 / 1000 },
          { label: 'p95', value: s.p95 / 1000 },
          { label: 'max', value: s.max / 1000 },
        ]
      : []),
    ...(f.oldestPageAgeMs === null ? [] : [{ label: 'oldest page', value: f.oldestPageAgeMs / 1000 }]),
  ];
  return html`<div class="card">
    <h3>${col.name}</h3>
    <${Facts}
      items=${[
        ['Pages / chunks', `${col.pages} / ${col.chunks}`],
        ['Refreshed every', duration(col.everyMs)],
        ['Next refresh', when(col.nextRefreshAt)],
        ['Last refresh', f.lastRefresh ? `${when(f.lastRefresh.startedAt)} (${f.lastRefresh.jobId})` : '—'],
        ['Changes counted (last week)', s ? s.n : 0],
        ['Undated changes', f.undatedChanges],
      ]}
    />
    <${BarChart} title="Freshness: change to searchable, and the oldest page's age" unit="seconds" bars=${bars} />
    ${f.failedSources.length ? html`<h4>Failing sources</h4><ul>${f.failedSources.map((x) => html`<li class="url">${x.url}: ${x.error}</li>`)}</ul>` : null}
  </div>`;
}

function Playground({ api, id }: { api: Api; id: string }) {
  const [query, setQuery] = useState('');
  const [k, setK] = useState(5);
  const [answer, setAnswer] = useState<CollectionSearchAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  return html`<form
    class="card"
    onSubmit=${async (e: Event) => {
      e.preventDefault();
      setError(null);
      try {
        setAnswer(
          await api.post<CollectionSearchAnswer>(`/v1/collections/${encodeURIComponent(id)}/search`, {
            query,
            k,
          }),
        );
      } catch (err) {
        setError(describe(err));
      }
    }}
  >
    <h3>Search playground</h3>
    <label for="search-q">Query</label>
    <div class="row">
      <input id="search-q" value=${query} required onInput=${(e: Event) => setQuery((e.target as HTMLInputElement).value)} />
      <label for="search-k" class="inline">Results</label>
      <input id="search-k" type="number" min="1" max="200" value=${k} class="narrow" onInput=${(e: Event) => setK(Number((e.target as HTMLInputElement).value))} />
      <button type="submit" id="search-go">Search</button>
    </div>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${
      answer
        ? html`<p class="muted" id="search-mode">${answer.results.length} results, ${answer.mode} search${answer.warning ? ` (${answer.warning})` : ''}</p>
            <ol class="results">
              ${answer.results.map(
                (r: CollectionSearchResult) => html`<li>
                  <p><span class="url">${r.url}</span> <span class="muted">score ${r.score.toFixed(3)} · ${r.fetchedAt}</span></p>
                  <p>${short(r.text, 400)}</p>
                  ${r.provenance.captureId ? html`<a href=${`#/proofs/${r.provenance.captureId}`}>verify</a>` : null}
                </li>`,
              )}
            </ol>`
        : null
    }
  </form>`;
}
