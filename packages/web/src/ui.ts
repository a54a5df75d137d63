import htmModule from 'htm/mini';
import { type ComponentChildren, h, type VNode } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.js';

/**
 * Tagged templates for preact. htm/mini rather than htm/preact: it builds fresh vnodes on every call
 * instead of handing out one cached vnode for a static template, which preact does not expect to see
 * mounted in several places at once (a "Loading…" line shows in four boxes of the job page together).
 */
export const html = (htmModule as unknown as { bind: typeof bindHtm }).bind(h);
declare function bindHtm(h: unknown): (strings: TemplateStringsArray, ...values: unknown[]) => VNode;

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  reload: () => void;
}

/** Runs `load` when `deps` change (and on reload); `everyMs` polls it, for live figures. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], everyMs?: number): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(undefined);
      },
      (e: unknown) => live && setError(describe(e)),
    );
    const timer = everyMs ? setTimeout(() => live && setTick((t) => t + 1), everyMs) : undefined;
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { data, error, reload };
}

export function describe(e: unknown): string {
  if (e instanceof ApiError) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/** A loaded value's error, a loading line, or the value's view. */
export function show<T>(l: Loaded<T>, view: (d: T) => ComponentChildren) {
  if (l.error && l.data === undefined) return html`<p class="error" role="alert">${l.error}</p>`;
  if (l.data === undefined) return html`<p class="muted" aria-live="polite">Loading…</p>`;
  return html`${l.error ? html`<p class="error" role="alert">${l.error}</p>` : null}${view(l.data)}`;
}

export interface Column<T> {
  label: string;
  cell: (row: T) => ComponentChildren;
  /** Numbers align right. */
  num?: boolean;
}

export function Table<T>({
  caption,
  rows,
  columns,
  empty = 'Nothing yet.',
}: {
  caption: string;
  rows: readonly T[];
  columns: Column<T>[];
  empty?: string;
}) {
  if (!rows.length) return html`<p class="muted">${empty}</p>`;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${caption}>
    <table>
      <caption>${caption}</caption>
      <thead>
        <tr>${columns.map((c) => html`<th scope="col" class=${c.num ? 'num' : ''}>${c.label}</th>`)}</tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr>${columns.map((c) => html`<td class=${c.num ? 'num' : ''}>${c.cell(r)}</td>`)}</tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export const when = (ms: number | string | null | undefined): string =>
  ms === null || ms === undefined ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

export const points = (micro: number): string => (micro / 1_000_000).toFixed(2);

export const short = (s: string, n = 12): string => (s.length > n ? `${s.slice(0, n)}…` : s);

export const duration = (ms: number | null | undefined): string => {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
};

/** A definition list of label/value pairs. */
export function Facts({ items }: { items: [string, ComponentChildren][] }) {
  return html`<dl class="facts">
    ${items.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}
  </dl>`;
}
