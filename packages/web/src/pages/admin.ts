import type { ApiKeyInfo, Flag, TakedownInfo } from '@sward/core';
import type { AuditEntry } from '@sward/sdk';
import { useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { describe, html, short, show, Table, useLoad, when } from '../ui.js';

export function FlagsPage({ api }: { api: Api }) {
  const flags = useLoad(() => api.get<{ flags: Flag[] }>('/v1/rewards/flags'), []);
  const [error, setError] = useState<string | null>(null);
  const review = async (f: Flag, verdict: 'clear' | 'confirm') => {
    setError(null);
    try {
      await api.post(`/v1/rewards/flags/${encodeURIComponent(f.id)}/${verdict}`, {});
      flags.reload();
    } catch (e) {
      setError(describe(e));
    }
  };
  return html`<section aria-labelledby="flags-h">
    <h2 id="flags-h">Sybil flags</h2>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${show(
      flags,
      (d) => html`${d.flags.length ? null : html`<p class="muted">No flag raised.</p>`}
        <ul class="cards">
          ${d.flags.map(
            (f) => html`<li class="card flag">
              <h3>${f.kind} <span class=${`state ${f.status}`}>${f.status}</span></h3>
              <p class="muted">raised ${when(f.createdAt)} · ${f.members.length} members</p>
              <h4>Evidence</h4>
              <pre class="preview" tabindex="0">${JSON.stringify(f.evidence, null, 2)}</pre>
              <h4>Members</h4>
              <ul>${f.members.map((m) => html`<li class="mono">${short(m.operator, 20)} / ${short(m.nodeId, 16)}</li>`)}</ul>
              ${
                f.status === 'open'
                  ? html`<div class="row">
                      <button type="button" onClick=${() => review(f, 'clear')}>Clear</button>
                      <button type="button" class="danger" onClick=${() => review(f, 'confirm')}>Confirm</button>
                    </div>`
                  : html`<p>${f.note ?? ''}</p>`
              }
            </li>`,
          )}
        </ul>`,
    )}
  </section>`;
}

interface NodeListing {
  id: string;
  operator: string | null;
  createdAt: number;
  lastSeen: number | null;
  revokedAt: number | null;
  credibility: number;
}

export function NodesPage({ api }: { api: Api }) {
  const nodes = useLoad(() => api.get<{ nodes: NodeListing[] }>('/v1/admin/nodes'), [], 15_000);
  return html`<section aria-labelledby="nodes-h">
    <h2 id="nodes-h">Nodes</h2>
    ${show(
      nodes,
      (d) => html`<${Table}
        caption="Every registered node, last seen first"
        rows=${d.nodes}
        empty="No node has signed in."
        columns=${[
          { label: 'Node', cell: (n: NodeListing) => html`<span class="mono">${short(n.id, 16)}</span>` },
          {
            label: 'Operator',
            cell: (n: NodeListing) =>
              n.operator
                ? html`<a href=${`#/operators/${encodeURIComponent(n.operator)}`} class="mono">${short(n.operator, 16)}</a>`
                : '—',
          },
          { label: 'Last seen', cell: (n: NodeListing) => when(n.lastSeen) },
          { label: 'Credibility', cell: (n: NodeListing) => n.credibility.toFixed(3), num: true },
          { label: 'Revoked', cell: (n: NodeListing) => (n.revokedAt ? when(n.revokedAt) : 'no') },
        ]}
      />`,
    )}
  </section>`;
}

export function KeysPage({ api }: { api: Api }) {
  const keys = useLoad(() => api.get<{ keys: ApiKeyInfo[] }>('/v1/keys'), []);
  return html`<section aria-labelledby="keys-h">
    <h2 id="keys-h">API keys</h2>
    ${show(
      keys,
      (d) => html`<${Table}
        caption="Keys (secrets are never shown again)"
        rows=${d.keys}
        columns=${[
          { label: 'Id', cell: (k: ApiKeyInfo) => html`<span class="mono">${k.id}</span>` },
          { label: 'Name', cell: (k: ApiKeyInfo) => k.name },
          { label: 'Tenant', cell: (k: ApiKeyInfo) => k.tenant },
          { label: 'Role', cell: (k: ApiKeyInfo) => k.role },
          { label: 'Scopes', cell: (k: ApiKeyInfo) => k.scopes.join(', ') },
          { label: 'Last used', cell: (k: ApiKeyInfo) => when(k.lastUsedAt) },
          { label: 'Revoked', cell: (k: ApiKeyInfo) => (k.revokedAt ? when(k.revokedAt) : 'no') },
        ]}
      />`,
    )}
  </section>`;
}

export function AuditPage({ api }: { api: Api }) {
  const [after, setAfter] = useState<number[]>([0]);
  const at = after[after.length - 1] ?? 0;
  const audit = useLoad(
    () => api.get<{ entries: AuditEntry[]; next: number | null }>(`/v1/audit?limit=100&after=${at}`),
    [at],
  );
  return html`<section aria-labelledby="audit-h">
    <h2 id="audit-h">Audit log</h2>
    ${show(
      audit,
      (d) => html`<${Table}
          caption="Admin actions, oldest first"
          rows=${d.entries}
          empty="No admin action recorded."
          columns=${[
            { label: 'When', cell: (e: AuditEntry) => when(e.at) },
            { label: 'Actor', cell: (e: AuditEntry) => html`<span class="mono">${e.actor}</span>` },
            { label: 'Action', cell: (e: AuditEntry) => html`<span class="mono">${e.action}</span>` },
            {
              label: 'Target',
              cell: (e: AuditEntry) => html`<span class="mono">${short(e.target, 24)}</span>`,
            },
            {
              label: 'Detail',
              cell: (e: AuditEntry) => (e.detail ? short(JSON.stringify(e.detail), 80) : ''),
            },
          ]}
        />
        <nav class="pager" aria-label="Pages of the audit log">
          <button type="button" disabled=${after.length < 2} onClick=${() => setAfter(after.slice(0, -1))}>Previous</button>
          <button type="button" disabled=${d.next === null} onClick=${() => d.next !== null && setAfter([...after, d.next])}>Next</button>
        </nav>`,
    )}
  </section>`;
}

export function TakedownsPage({ api }: { api: Api }) {
  const list = useLoad(() => api.get<{ takedowns: TakedownInfo[] }>('/v1/takedowns'), []);
  const [kind, setKind] = useState<'url' | 'domain'>('url');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  return html`<section aria-labelledby="td-h">
    <h2 id="td-h">Takedowns</h2>
    <form
      class="card"
      onSubmit=${async (e: Event) => {
        e.preventDefault();
        setError(null);
        try {
          await api.post('/v1/takedowns', { kind, value, reason });
          setValue('');
          setReason('');
          list.reload();
        } catch (err) {
          setError(describe(err));
        }
      }}
    >
      <h3>File a takedown</h3>
      <label for="td-kind">Kind</label>
      <select id="td-kind" value=${kind} onChange=${(e: Event) => setKind((e.target as HTMLSelectElement).value as 'url')}>
        <option value="url">URL</option>
        <option value="domain">Domain</option>
      </select>
      <label for="td-value">URL or domain</label>
      <input id="td-value" value=${value} required onInput=${(e: Event) => setValue((e.target as HTMLInputElement).value)} />
      <label for="td-reason">Reason</label>
      <input id="td-reason" value=${reason} required onInput=${(e: Event) => setReason((e.target as HTMLInputElement).value)} />
      <button type="submit">File</button>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    </form>
    ${show(
      list,
      (d) => html`<${Table}
        caption="Takedowns in force"
        rows=${d.takedowns}
        empty="No takedown filed."
        columns=${[
          { label: 'Kind', cell: (t: TakedownInfo) => t.kind },
          { label: 'Value', cell: (t: TakedownInfo) => html`<span class="url">${t.value}</span>` },
          { label: 'Reason', cell: (t: TakedownInfo) => t.reason },
          { label: 'Filed', cell: (t: TakedownInfo) => when(t.createdAt) },
        ]}
      />`,
    )}
  </section>`;
}
