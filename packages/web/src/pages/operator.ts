import type { OperatorFetch, OperatorFetches, OperatorStatus, ReferralNode, ReferralTree } from '@sward/core';
import { useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { BarChart } from '../chart.js';
import { Facts, html, points, short, show, Table, useLoad, when } from '../ui.js';

/** A node's own operator (node session sign-in): its status as GET /v1/rewards/node/status gives it. */
export function MyOperatorPage({ api }: { api: Api }) {
  const s = useLoad(() => api.get<OperatorStatus>('/v1/rewards/node/status'), [], 30_000);
  return html`<section aria-labelledby="op-h">
    <h2 id="op-h">My nodes and earnings</h2>
    ${show(s, (st) => html`<${OperatorView} status=${st} />`)}
    <${RecentFetches} api=${api} />
    <${Referrals} api=${api} />
  </section>`;
}

const FETCHES_PAGE = 25;

/** What went through this operator's connection, newest first, a page at a time (the server's cursor). */
function RecentFetches({ api }: { api: Api }) {
  const [cursors, setCursors] = useState<(number | null)[]>([null]);
  const before = cursors[cursors.length - 1] ?? null;
  const at = cursors.length;
  const f = useLoad(
    async () => ({
      ...(await api.get<OperatorFetches>(
        `/v1/rewards/node/fetches?limit=${FETCHES_PAGE}${before === null ? '' : `&before=${before}`}`,
      )),
      at,
    }),
    [before],
  );
  return html`<div class="card" id="op-fetches">
    <h3>Recent fetches</h3>
    ${show(
      f,
      (d) => html`<${Table}
          caption=${`Fetches by this operator's nodes, page ${d.at}`}
          rows=${d.fetches}
          empty="No fetch yet."
          columns=${[
            { label: 'When', cell: (x: OperatorFetch) => when(x.fetchedAt) },
            { label: 'URL', cell: (x: OperatorFetch) => html`<span class="url">${x.finalUrl}</span>` },
            {
              label: 'Node',
              cell: (x: OperatorFetch) => html`<span class="mono">${short(x.nodeId, 10)}</span>`,
            },
            { label: 'Status', cell: (x: OperatorFetch) => x.status, num: true },
            {
              label: 'Outcome',
              cell: (x: OperatorFetch) => `${x.outcome}${x.reason ? ` (${x.reason})` : ''}`,
            },
            { label: 'Bytes', cell: (x: OperatorFetch) => x.bytes, num: true },
            {
              label: 'Points',
              cell: (x: OperatorFetch) =>
                x.points === null ? '—' : `${points(x.points)}${x.clawedBack ? ' (clawed back)' : ''}`,
              num: true,
            },
          ]}
        />
        <nav class="pager" aria-label="Pages of the fetches">
          <button type="button" disabled=${cursors.length < 2} onClick=${() => setCursors(cursors.slice(0, -1))}>
            Newer
          </button>
          <span id="fetches-at">page ${d.at}</span>
          <button type="button" id="fetches-next" disabled=${d.next === null} onClick=${() => d.next !== null && setCursors([...cursors, d.next])}>
            Older
          </button>
        </nav>`,
    )}
  </div>`;
}

/** Who this operator brought in, and who those brought in: nested lists, a screen reader's tree. */
function Referrals({ api }: { api: Api }) {
  const t = useLoad(() => api.get<ReferralTree>('/v1/rewards/node/referrals'), []);
  return html`<div class="card" id="op-referrals">
    <h3>Referral tree</h3>
    ${show(
      t,
      (d) => html`<p class="muted">
          Referral points reach ${d.levels} level${d.levels === 1 ? '' : 's'} down. Your code:
          <span class="mono">${d.referralCode ?? '—'}</span>
        </p>
        ${
          d.referred.length
            ? html`<ul class="tree" aria-label="Operators you referred">${d.referred.map((n) => html`<${ReferralItem} node=${n} />`)}</ul>`
            : html`<p class="muted">Nobody has joined with your code yet.</p>`
        }
        ${d.truncated ? html`<p class="muted">Only the first operators of each level are shown.</p>` : null}`,
    )}
  </div>`;
}

function ReferralItem({ node }: { node: ReferralNode }) {
  return html`<li data-operator=${node.operator}>
    <span class="mono">${node.name ?? short(node.operator, 16)}</span>
    <span class="muted"> · level ${node.level} · earned </span><span class="earned">${points(node.earned)}</span>
    ${node.held ? html`<span class="muted"> · held ${points(node.held)}</span>` : null}
    ${node.referred.length ? html`<ul>${node.referred.map((n) => html`<${ReferralItem} node=${n} />`)}</ul>` : null}
  </li>`;
}

/** The network's admin looks up any operator (rewards:admin). */
export function OperatorsPage({ api, operator }: { api: Api; operator?: string }) {
  const [name, setName] = useState(operator ?? '');
  const s = useLoad(
    () =>
      operator
        ? api.get<OperatorStatus>(`/v1/rewards/operators/${encodeURIComponent(operator)}/status`)
        : Promise.resolve(null),
    [operator],
  );
  return html`<section aria-labelledby="ops-h">
    <h2 id="ops-h">Operators</h2>
    <form
      class="card"
      onSubmit=${(e: Event) => {
        e.preventDefault();
        location.hash = `#/operators/${encodeURIComponent(name.trim())}`;
      }}
    >
      <label for="op-name">Operator (its key, or a node id)</label>
      <div class="row">
        <input id="op-name" class="mono" value=${name} required onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} />
        <button type="submit" id="op-go">Show</button>
      </div>
    </form>
    ${operator ? show(s, (st) => (st ? html`<${OperatorView} status=${st} />` : null)) : null}
  </section>`;
}

function OperatorView({ status }: { status: OperatorStatus }) {
  const bars = status.epochs.slice(-12).map((e) => ({
    label: `#${e.epoch}`,
    value: (e.workPoints + e.availabilityPoints + e.referral.level1 + e.referral.level2) / 1e6,
  }));
  return html`<div class="card">
      <h3>Operator <span class="mono">${short(status.operator, 24)}</span></h3>
      <${Facts}
        items=${[
          [
            'Pending (work / referral / held)',
            `${points(status.pending.work)} / ${points(status.pending.referral)} / ${points(status.pending.held)}`,
          ],
          ['Settled', html`<span id="op-settled">${points(status.settled)}</span>`],
          ['Referral code', status.referralCode ?? '—'],
          [
            'Referred by',
            status.referredBy ? html`<span class="mono">${short(status.referredBy, 24)}</span>` : '—',
          ],
          ['Open flags', status.flags.filter((f) => f.status === 'open').length],
        ]}
      />
      <${BarChart} title="Earnings per epoch" unit="points" bars=${bars} />
    </div>
    <div class="card">
      <h3>Nodes and credibility</h3>
      <${Table}
        caption="This operator's nodes"
        rows=${status.nodes}
        empty="No node yet."
        columns=${[
          {
            label: 'Node',
            cell: (n: OperatorStatus['nodes'][number]) =>
              html`<span class="mono">${short(n.nodeId, 16)}</span>`,
          },
          {
            label: 'Credibility',
            cell: (n: OperatorStatus['nodes'][number]) => n.credibility.toFixed(3),
            num: true,
          },
          {
            label: 'Pay multiplier',
            cell: (n: OperatorStatus['nodes'][number]) => `${(n.multiplierBps / 100).toFixed(0)} %`,
            num: true,
          },
          {
            label: 'Reasons',
            cell: (n: OperatorStatus['nodes'][number]) =>
              n.reasons.length
                ? html`<ul class="reasons">${n.reasons.map((r) => html`<li>${r}</li>`)}</ul>`
                : 'none',
          },
        ]}
      />
    </div>
    <div class="card">
      <h3>Epochs</h3>
      <${Table}
        caption="Work per epoch"
        rows=${status.epochs.slice(-12).reverse()}
        columns=${[
          {
            label: 'Epoch',
            cell: (e: OperatorStatus['epochs'][number]) => `${e.epoch}${e.closed ? '' : ' (open)'}`,
          },
          { label: 'Pages', cell: (e: OperatorStatus['epochs'][number]) => e.pagesStored, num: true },
          { label: 'Bytes', cell: (e: OperatorStatus['epochs'][number]) => e.bytesServed, num: true },
          {
            label: 'Accepted',
            cell: (e: OperatorStatus['epochs'][number]) =>
              e.acceptanceRate === null ? '—' : `${(e.acceptanceRate * 100).toFixed(0)} %`,
            num: true,
          },
          { label: 'Paid out', cell: (e: OperatorStatus['epochs'][number]) => points(e.paidOut), num: true },
        ]}
      />
    </div>`;
}
