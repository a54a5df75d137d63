// Pathological pages (issue 18 point 6): CPU time of one extract() on each, full size. The test suite runs
// smaller versions of the same shapes (extract-bad-input.test.ts, extract-linear-work.test.ts) without
// timing them. With --base, the same pages also go through another tree's extractor in the same process,
// turn about, so a before/after pair shares the machine's load; --page adds real pages (.html or .html.gz).
//   node --import tsx bench/extract-pathological-bench.ts [--base DIR/packages/extract/src] [--reps 3] [--page FILE]...
//   (a base tree: git archive <commit> packages/extract/src | tar -x -C bench/out/base)
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { extract } from '@sward/extract';

const PAGES: Record<string, () => string> = {
  'deep nesting (100k divs)': () =>
    `<html><body>${'<div>'.repeat(100_000)}deep text${'</div>'.repeat(100_000)}</body></html>`,
  'huge table (20k rows x 10 cells, 6 MB: cut to 4 MiB)': () =>
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

const argv = process.argv.slice(2);
const opt = (k: string) =>
  argv.flatMap((a, i) => (a === `--${k}` && argv[i + 1] ? [argv[i + 1] as string] : []));
for (const f of opt('page')) {
  PAGES[basename(f)] = () => {
    const b = readFileSync(f);
    return (f.endsWith('.gz') ? gunzipSync(b) : b).toString('utf8');
  };
}
const reps = Number(opt('reps')[0] ?? '1');
const baseDir = opt('base')[0];
type Extract = (html: string) => { warnings: string[] };
const base: Extract | null = baseDir
  ? ((await import(pathToFileURL(resolve(baseDir, 'extract.ts')).href)) as { extract: Extract }).extract
  : null;

const cpuMs = (f: () => void) => {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
// the libraries loaded lazily (turndown, Readability on linkedom) are loaded before anything is timed
for (const x of [extract, base])
  x?.('<html><body><p>A short page, with commas, that asks for a second opinion.</p></body></html>');

console.log(
  base
    ? '| page | input | base CPU ms | this tree CPU ms | warnings |'
    : '| page | input | CPU ms | warnings |',
);
console.log(base ? '|---|---|---|---|---|' : '|---|---|---|---|');
for (const [name, make] of Object.entries(PAGES)) {
  const html = make();
  let warnings: string[] = [];
  let mine = Infinity;
  let theirs = Infinity;
  // turn about, fastest of `reps`: both see the same load
  for (let i = 0; i < reps; i++) {
    if (base)
      theirs = Math.min(
        theirs,
        cpuMs(() => base(html)),
      );
    mine = Math.min(
      mine,
      cpuMs(() => {
        warnings = extract(html).warnings;
      }),
    );
  }
  const mb = `${(html.length / 1e6).toFixed(1)} MB`;
  console.log(
    base
      ? `| ${name} | ${mb} | ${theirs.toFixed(0)} | ${mine.toFixed(0)} | ${warnings.join(', ')} |`
      : `| ${name} | ${mb} | ${mine.toFixed(0)} | ${warnings.join(', ')} |`,
  );
}
