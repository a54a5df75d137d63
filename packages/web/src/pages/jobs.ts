import type { DocumentListing, PageListing, SkipListing } from '@sward/core';
import type { JobInfo, JobProgress } from '@sward/sdk';
import { useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { describe, Facts, html, short, show, Table, useLoad, when } from '../ui.js';

/** Rows a page of a job's listing holds: a job of 100k pages is read this many at a time, never whole. */
export const PAGE_SIZE = 50;

export function JobsPage({ api }: { api: Api }) {
  const jobs = useLoad(() => api.get<{ jobs: JobInfo[] }>('/v1/jobs?limit=100'), [], 5000);
  return html`<section aria-labelledby="jobs-h">
    <h2 id="jobs-h">Jobs</h2>
    ${show(
      jobs,
      (d) => html`<${Table}
        caption="Your crawl jobs, newest first"
        rows=${d.jobs}
        empty="No jobs yet: start one with sward crawl or POST /v1/jobs."
        columns=${[
          { label: 'Job', cell: (j: JobInfo) => html`<a href=${`#/jobs/${j.id}`}>${j.id}</a>` },
          { label: 'Seed', cell: (j: JobInfo) => html`<span class="url">${j.seed}</span>` },
          { label: 'State', cell: (j: JobInfo) => html`<span class=${`state ${j.state}`}>${j.state}</span>` },
          { label: 'Stored', cell: (j: JobInfo) => j.stored, num: true },
          { label: 'Started', cell: (j: JobInfo) => when(j.createdAt) },
        ]}
      />`,
    )}
  </section>`;
}

type JobDetail = JobInfo & { progress: JobProgress };

export function JobPage({ api, id }: { api: Api; id: string }) {
  const base = `/v1/jobs/${encodeURIComponent(id)}`;
  // Live progress: polled while the job runs, and while a cancelled one's documents are still being made.
  const [running, setRunning] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const job = useLoad(
    async () => {
      const j = await api.get<JobDetail>(base);
      setRunning(j.finishedAt === null);
      return j;
    },
    [id],
    running ? 2000 : undefined,
  );
  const cancel = async () => {
    setError(null);
    try {
      await api.post(`${base}/cancel`);
      setRunning(true);
      job.reload();
    } catch (e) {
      setError(describe(e));
    }
  };
  return html`<section aria-labelledby="job-h">
    <h2 id="job-h">Job <span class="mono">${id}</span></h2>
    <p><a href="#/jobs">← all jobs</a></p>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${show(
      job,
      (j) => html`<${Progress} job=${j} />
        ${
          j.state === 'running' && j.collectionId == null
            ? html`<div class="row">
                <button type="button" class="danger" id="job-cancel" onClick=${cancel}>Cancel job</button>
                <span class="muted">Nothing more is fetched; the pages stored so far stay.</span>
              </div>`
            : null
        }`,
    )}
    <${PagesList} api=${api} base=${base} />
    <${Skipped} api=${api} base=${base} />
    <${Documents} api=${api} base=${base} />
  </section>`;
}

export function Progress({ job }: { job: JobDetail }) {
  const p = job.progress;
  const total = p.queued + p.leased + p.stored + p.skipped + p.failed;
  const answered = p.stored + p.skipped + p.failed;
  const reasons = (by: Record<string, number>) =>
    Object.entries(by)
      .sort((a, b) => b[1] - a[1])
      .map(([r, n]) => html`<li><span class="mono">${r}</span>: ${n}</li>`);
  return html`<div class="card">
    <h3>Progress</h3>
    <${Facts}
      items=${[
        ['State', html`<span class=${`state ${job.state}`} id="job-state">${job.state}</span>`],
        ['Seed', html`<span class="url">${job.seed}</span>`],
        ['Stored', html`<span id="job-stored">${p.stored}</span>`],
        ['Queued / leased', `${p.queued} / ${p.leased}`],
        ['Skipped', p.skipped],
        ['Failed', p.failed],
        ['Documents pending', p.documentsPending ?? 0],
        ['Finished', when(job.finishedAt)],
      ]}
    />
    <label for="job-progress">Pages answered</label>
    <progress id="job-progress" max=${Math.max(1, total)} value=${answered}>${answered} of ${total}</progress>
    <div class="cols">
      <div>
        <h4>Skip reasons</h4>
        ${p.skipped ? html`<ul id="skip-reasons">${reasons(p.skippedByReason)}</ul>` : html`<p class="muted">None.</p>`}
      </div>
      <div>
        <h4>Failures</h4>
        ${p.failed ? html`<ul id="fail-reasons">${reasons(p.failedByReason)}</ul>` : html`<p class="muted">None.</p>`}
      </div>
    </div>
  </div>`;
}

/** The job's stored pages, PAGE_SIZE at a time through the API's cursor; earlier cursors kept for Back. */
function PagesList({ api, base }: { api: Api; base: string }) {
  const [cursors, setCursors] = useState<string[]>(['']);
  const after = cursors[cursors.length - 1] ?? '';
  const at = cursors.length;
  // The answer carries the page it was asked for: while the next one loads, the shown rows, caption and
  // page number stay those of the page on screen, never a new number over old rows.
  const pages = useLoad(
    async () => ({
      ...(await api.get<{ pages: PageListing[]; next: string | null }>(
        `${base}/pages?limit=${PAGE_SIZE}&after=${encodeURIComponent(after)}`,
      )),
      at,
    }),
    [base, after],
  );
  return html`<div class="card">
    <h3>Pages</h3>
    ${show(
      pages,
      (d) => html`<${Table}
          caption=${`Stored pages ${(d.at - 1) * PAGE_SIZE + 1}–${(d.at - 1) * PAGE_SIZE + d.pages.length}`}
          rows=${d.pages}
          empty="No stored page yet."
          columns=${[
            { label: 'URL', cell: (p: PageListing) => html`<span class="url">${p.url}</span>` },
            { label: 'Status', cell: (p: PageListing) => p.status, num: true },
            { label: 'Bytes', cell: (p: PageListing) => p.bodyLength, num: true },
            { label: 'Leaf', cell: (p: PageListing) => p.leafIndex ?? '—', num: true },
            {
              label: 'Proof',
              cell: (p: PageListing) =>
                html`<a href=${`#/proofs/${p.captureId}`} aria-label=${`verify ${p.url}`}>verify</a>`,
            },
          ]}
        />
        <nav class="pager" aria-label="Pages of the list">
          <button type="button" disabled=${cursors.length < 2} onClick=${() => setCursors(cursors.slice(0, -1))}>
            Previous
          </button>
          <span id="pages-at">page ${d.at}</span>
          <button type="button" id="pages-next" disabled=${!d.next} onClick=${() => d.next && setCursors([...cursors, d.next])}>
            Next
          </button>
        </nav>`,
    )}
  </div>`;
}

function Skipped({ api, base }: { api: Api; base: string }) {
  const [after, setAfter] = useState<number[]>([0]);
  const at = after[after.length - 1] ?? 0;
  const skipped = useLoad(
    () =>
      api.get<{ skipped: SkipListing[]; next: number | null }>(
        `${base}/skipped?limit=${PAGE_SIZE}&after=${at}`,
      ),
    [base, at],
  );
  return html`<div class="card">
    <h3>Skipped and failed URLs</h3>
    ${show(
      skipped,
      (d) => html`<${Table}
          caption="Why each URL was not stored, with its evidence"
          rows=${d.skipped}
          empty="Every URL was stored."
          columns=${[
            { label: 'URL', cell: (s: SkipListing) => html`<span class="url">${s.url}</span>` },
            { label: 'State', cell: (s: SkipListing) => s.state },
            { label: 'Reason', cell: (s: SkipListing) => html`<span class="mono">${s.reason}</span>` },
            { label: 'Detail', cell: (s: SkipListing) => s.detail ?? '' },
            { label: 'Evidence', cell: (s: SkipListing) => s.evidence.kind },
          ]}
        />
        <nav class="pager" aria-label="Pages of skipped URLs">
          <button type="button" disabled=${after.length < 2} onClick=${() => setAfter(after.slice(0, -1))}>Previous</button>
          <button
            type="button"
            disabled=${d.skipped.length < PAGE_SIZE || d.next === null}
            onClick=${() => d.next !== null && setAfter([...after, d.next])}
          >
            Next
          </button>
        </nav>`,
    )}
  </div>`;
}

function Documents({ api, base }: { api: Api; base: string }) {
  const [after, setAfter] = useState<number[]>([0]);
  const at = after[after.length - 1] ?? 0;
  const docs = useLoad(
    () =>
      api.get<{ documents: (DocumentListing & { seq?: number })[]; next: number | null }>(
        `${base}/documents?limit=10&after=${at}`,
      ),
    [base, at],
  );
  return html`<div class="card">
    <h3>Documents</h3>
    ${show(
      docs,
      (d) => html`${d.documents.length ? null : html`<p class="muted">No document yet.</p>`}
        <ul class="docs">
          ${d.documents.map((doc) => html`<li><${DocPreview} doc=${doc} /></li>`)}
        </ul>
        <nav class="pager" aria-label="Pages of documents">
          <button type="button" disabled=${after.length < 2} onClick=${() => setAfter(after.slice(0, -1))}>Previous</button>
          <button type="button" disabled=${d.documents.length < 10 || d.next === null} onClick=${() => d.next !== null && setAfter([...after, d.next])}>
            Next
          </button>
        </nav>`,
    )}
  </div>`;
}

function DocPreview({ doc }: { doc: DocumentListing }) {
  // The extractor's fields, as text: a value of another shape is left out, never handed to the renderer.
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const f = doc.document as {
    title?: unknown;
    text?: unknown;
    markdown?: unknown;
    language?: unknown;
    pageType?: unknown;
  };
  const pageType = text((f.pageType as { type?: unknown } | null)?.type);
  return html`<details class="doc">
    <summary>
      <strong>${text(f.title) || '(untitled)'}</strong>
      <span class="muted"> ${text(f.language)} ${pageType} · leaf ${doc.leafIndex ?? '—'}</span>
    </summary>
    <pre class="preview" tabindex="0">${short(text(f.markdown) || text(f.text), 1500)}</pre>
    <p><a href=${`#/proofs/${doc.captureId}`}>verify its capture</a></p>
  </details>`;
}
