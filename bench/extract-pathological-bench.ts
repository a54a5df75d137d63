// Pathological pages (issue 18 point 6): CPU time of one extract() on each, full size. The test suite runs
// smaller versions of the same shapes (extract-bad-input.test.ts) without timing them.
//   node --import tsx bench/extract-pathological-bench.ts
import { extract } from '@sward/extract';

const PAGES: Record<string, () => string> = {
  'deep nesting (100k divs)': () =>
    `<html><body>${'<div>'.repeat(100_000)}deep text${'</div>'.repeat(100_000)}</body></html>`,
  'huge table (20k rows x 10 cells, 6 MB)': () =>
    `<html><body><table>${Array.from({ length: 20_000 }, (_, r) => `<tr>${Array.from({ length: 10 }, (_, c) => `<td>r${r}c${c} 555-123-${String(r % 10_000).padStart(4, '0')}</td>`).join('')}</tr>`).join('')}</table></body></html>`,
  'huge table (5k rows x 10 cells, 1.5 MB)': () =>
    `<html><body><table>${Array.from({ length: 5_000 }, (_, r) => `<tr>${Array.from({ length: 10 }, (_, c) => `<td>r${r}c${c} 555-123-${String(r).padStart(4, '0')}</td>`).join('')}</tr>`).join('')}</table></body></html>`,
  'equal rows, each six boxes deep (20k rows)': () =>
    `<html><body>${'<section>'.repeat(150)}${Array.from({ length: 20_000 }, (_, r) => `${'<div>'.repeat(6)}<p>Row ${r} says the same thing, with commas, as every other row here.</p>${'</div>'.repeat(6)}`).join('')}${'</section>'.repeat(150)}</body></html>`,
  'megabyte attributes (3 x 1 MB)': () =>
    `<html><body><div data-x="${'a'.repeat(1_000_000)}" class="${'post '.repeat(200_000)}"><p style="${'x:y;'.repeat(250_000)}">The text, with a paragraph long enough to count as the article, and commas, and words.</p></div></body></html>`,
  'PII-dense text (1 MB)': () =>
    `<html><body><article><p>${'1.2.3.4 4111 1111 1111 1111 +1 (555) 123-4567 a@b.io '.repeat(20_000)}</p></article></body></html>`,
};

console.log('| page | input | CPU ms | warnings |');
console.log('|---|---|---|---|');
for (const [name, make] of Object.entries(PAGES)) {
  const html = make();
  const c0 = process.cpuUsage();
  const d = extract(html);
  const c = process.cpuUsage(c0);
  console.log(
    `| ${name} | ${(html.length / 1e6).toFixed(1)} MB | ${((c.user + c.system) / 1000).toFixed(0)} | ${d.warnings.join(', ')} |`,
  );
}
