import { byCount, type DatasetStats, singleLicense, sizeCategory } from './dataset-stats.js';

/** `sward dataset build`'s opt-out promise, stated in every card. */
const OPT_OUT =
  'Pages are fetched only where robots.txt (RFC 9309), AIPREF Content-Usage, Content Signals, RSL licences, ' +
  'TDMRep and noai allow them for the purpose the job declared; a publisher may ask for a takedown, and ' +
  'pages taken down are left out of every later build (docs/PUBLISHERS.md).';

/**
 * README.md with YAML metadata as the Hugging Face Hub reads it: license (or `other` with the per-row mix),
 * language, size_categories, task_categories, configs with data_files, plus the source domains and the
 * opt-out policy. Every value is a JSON scalar or flow list, which YAML reads as the same value.
 */
export function datasetCard(s: DatasetStats): string {
  const q = (x: string) => JSON.stringify(x);
  const list = (xs: string[]) => `[${xs.map(q).join(', ')}]`;
  const one = singleLicense(s.report.licenses);
  const langs = byCount(s.languages)
    .map(([l]) => l)
    .filter((l) => /^[a-z]{2,3}$/.test(l));
  const domains = byCount(s.domains).map(([d]) => d);
  const yaml = [
    '---',
    `pretty_name: ${q(s.name)}`,
    `license: ${q(one ? one.toLowerCase() : 'other')}`,
    ...(one ? [] : [`license_name: ${q('per-row')}`, `license_details: ${q('see the Licences section')}`]),
    ...(langs.length ? [`language: ${list(langs)}`] : []),
    `size_categories: ${list([sizeCategory(s.report.rows)])}`,
    `task_categories: ${list(s.params.purpose === 'train' ? ['text-generation'] : ['text-retrieval'])}`,
    `tags: ${list(['sward', 'web-crawl', 'provenance', `purpose-${s.params.purpose}`])}`,
    'configs:',
    '  - config_name: "default"',
    '    data_files:',
    '      - split: "train"',
    '        path: "data/train-*.parquet"',
    `source_domains: ${list(domains)}`,
    `opt_out_policy: ${q(OPT_OUT)}`,
    `sward_build: ${q(s.id)}`,
    '---',
  ];
  const pct = (n: number) => (s.report.rows ? `${Math.round((n / s.report.rows) * 1000) / 10} %` : '0 %');
  const ex = s.report.excluded;
  const body = [
    '',
    `# ${s.name}`,
    '',
    `Web pages crawled by a Sward network and kept for **${s.params.purpose}**: ${s.report.rows} rows in`,
    `${s.report.shards} Parquet shard(s), captured ${s.fetchedFrom ?? '-'} to ${s.fetchedTo ?? '-'} from`,
    `${domains.length} domain(s). Every row is bound to a node-signed capture in Sward's Merkle log: run`,
    '`sward verify .` in this folder to check each row against its capture, inclusion proof and checkpoint.',
    '',
    '## Columns',
    '',
    '`text`, `markdown`, `url`, `final_url`, `domain`, `title`, `language`, `fetched_at`, `license`,',
    '`allowed_purposes` (the purposes the rights receipt allowed at capture time), `usage_reasons` (each',
    "purpose's decision and reason), `capture_id`, `body_sha256`, `leaf_index` (the capture's log leaf).",
    '',
    '## Licences',
    '',
    'Each row carries the licence and the allowed purposes in force when it was captured, read from the',
    "rights receipt in its log leaf (RSL licences, TDMRep, AIPREF Content-Usage, Content Signals). A row's",
    "`license` is `unspecified` when the site stated none: the page's own copyright terms then apply.",
    '',
    '| licence | rows | share |',
    '|---|---|---|',
    ...byCount(s.report.licenses).map(([l, n]) => `| ${l.replace(/\|/g, '\\|')} | ${n} | ${pct(n)} |`),
    '',
    `Left out: ${ex.purpose ?? 0} not allowed for ${s.params.purpose}, ${ex.language ?? 0} by language,`,
    `${ex.quality ?? 0} by the \`${s.params.quality}\` quality preset, ${ex.duplicate ?? 0} near-duplicates`,
    `(threshold ${s.params.dedup}), ${ex['no-document'] ?? 0} without a document; each in \`excluded.jsonl\` with why.`,
    '',
    '## Opt-out',
    '',
    OPT_OUT,
    '',
    '## Provenance',
    '',
    '`croissant.json` (Croissant 1.1 with RAI fields), `provenance/dta-provenance.json` (the Data & Trust',
    'Alliance provenance standard), `pages.jsonl` + `bodies.pack` + `provenance/checkpoints.json` (the proof',
    'bundle), `provenance/manifest.note` (the log key signs every file of this folder).',
    '',
  ];
  return [...yaml, ...body].join('\n');
}
