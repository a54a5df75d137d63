import { html } from './ui.js';

export interface Bar {
  label: string;
  value: number;
}

/**
 * A bar chart as plain SVG. Hand-drawn rather than a chart library: the console draws two small charts
 * (earnings per epoch, freshness of a collection), and a few lines of SVG scale with the page, follow the
 * theme's colours through CSS and carry their figures as text for screen readers, with no extra bytes.
 */
export function BarChart({ title, bars, unit }: { title: string; bars: Bar[]; unit: string }) {
  const max = Math.max(1e-9, ...bars.map((b) => b.value));
  const w = 320;
  const h = 140;
  const gap = 6;
  const bw = bars.length ? (w - gap * (bars.length + 1)) / bars.length : 0;
  const summary = bars.map((b) => `${b.label}: ${fmt(b.value)} ${unit}`).join('; ');
  return html`<figure class="chart">
    <svg viewBox="0 0 ${w} ${h + 20}" role="img" aria-label=${`${title}. ${summary || 'no data'}`}>
      <line x1="0" y1=${h} x2=${w} y2=${h} class="axis" />
      ${bars.map((b, i) => {
        const bh = Math.max(1, (b.value / max) * (h - 16));
        const x = gap + i * (bw + gap);
        return html`<g>
          <rect x=${x} y=${h - bh} width=${bw} height=${bh} class="bar" />
          <text x=${x + bw / 2} y=${h - bh - 3} text-anchor="middle" class="value">${fmt(b.value)}</text>
          <text x=${x + bw / 2} y=${h + 14} text-anchor="middle" class="label">${b.label}</text>
        </g>`;
      })}
    </svg>
    <figcaption>${title} (${unit})</figcaption>
  </figure>`;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));
