import type { TaskType } from './task-types.js';

export interface ExportStats {
  name: string;
  license: string;
  taskType: TaskType;
  items: number;
  itemsLabelled: number;
  preferenceRows: number;
  ratingRows: number;
  labels: number;
  labelsDropped: number;
  labellers: number;
  labellersFlagged: number;
  overlap: number;
  goldItems: number;
  alphaAll: number | null;
  alphaAccepted: number | null;
  meanConfidence: number | null;
}

const FILE_TEXT = {
  preferences:
    '`item_id`, `prompt`, `chosen`, `rejected` (the TRL preference layout, with the item each row came from).',
  ratings: '`item_id`, `prompt`, `response`, `score`, `confidence`.',
  annotations:
    "`item_id`, `labeller` (a per-project pseudonym), `answer`, `ms`, `kept`, `gold_item`: every answer as given, flagged labellers' ones with `kept` false.",
} as const;

/** Hugging Face size bucket for a row count. */
export function sizeCategory(n: number): string {
  const buckets: [number, string][] = [
    [1e3, 'n<1K'],
    [1e4, '1K<n<10K'],
    [1e5, '10K<n<100K'],
    [1e6, '100K<n<1M'],
    [1e7, '1M<n<10M'],
  ];
  return buckets.find(([max]) => n < max)?.[1] ?? 'n>10M';
}

/**
 * README.md with YAML metadata as the Hugging Face Hub reads it (license, size_categories, configs)
 * plus this project's numbers. Strings are written as JSON strings, which YAML reads as double-quoted.
 */
export function datasetCard(
  s: ExportStats,
  tables: readonly ('preferences' | 'ratings' | 'annotations')[],
): string {
  const q = (x: string) => JSON.stringify(x);
  const num = (x: number | null) =>
    x === null || !Number.isFinite(x) ? 'null' : String(Math.round(x * 10_000) / 10_000);
  const dropped = s.labels ? s.labelsDropped / s.labels : 0;
  const configs = tables.map((t) => [t, `${t}.parquet`]);
  const yaml = [
    '---',
    `license: ${q(s.license)}`,
    `pretty_name: ${q(s.name)}`,
    'size_categories:',
    `  - ${q(sizeCategory(Math.max(s.preferenceRows, s.ratingRows)))}`,
    'tags:',
    '  - "rlhf"',
    '  - "human-feedback"',
    `  - ${q(s.taskType)}`,
    'configs:',
    ...configs.flatMap(([name, file], i) => [
      `  - config_name: ${q(name as string)}`,
      ...(i === 0 ? ['    default: true'] : []),
      '    data_files:',
      `      - split: "train"`,
      `        path: ${q(file as string)}`,
    ]),
    `task_type: ${q(s.taskType)}`,
    `items: ${s.items}`,
    `items_labelled: ${s.itemsLabelled}`,
    `gold_items: ${s.goldItems}`,
    `overlap: ${s.overlap}`,
    `num_labellers: ${s.labellers}`,
    `labellers_flagged: ${s.labellersFlagged}`,
    `labels: ${s.labels}`,
    `labels_dropped_as_spam: ${s.labelsDropped}`,
    `spam_dropped_share: ${num(dropped)}`,
    'agreement:',
    `  krippendorff_alpha_nominal_all_labels: ${num(s.alphaAll)}`,
    `  krippendorff_alpha_nominal_accepted_labels: ${num(s.alphaAccepted)}`,
    `  mean_confidence: ${num(s.meanConfidence)}`,
    '---',
  ];
  const body = [
    '',
    `# ${s.name}`,
    '',
    `Human ${s.taskType} labels collected on a Sward labelling project: ${s.items} items, ${s.overlap} labels per item,`,
    `${s.goldItems} gold items with known answers interleaved to check the labellers.`,
    '',
    '## Files',
    '',
    ...tables.map((t) => `- \`${t}.jsonl\` / \`${t}.parquet\`: ${FILE_TEXT[t]}`),
    '- `croissant.json`: Croissant 1.1 metadata (files with their SHA-256, fields, Responsible AI fields).',
    '',
    '## How labels were aggregated',
    '',
    'Answers were combined with Dawid–Skene, gold items fixed to their known answers. `confidence` is the',
    'posterior probability of the exported answer. Labellers flagged as spammers or bots (answers faster',
    'than reading time, always the same answer, accuracy near or below chance, failed gold items) had all',
    `their labels dropped: ${s.labellersFlagged} of ${s.labellers + s.labellersFlagged} labellers,`,
    `${s.labelsDropped} of ${s.labels} labels (${num(dropped * 100)}%).`,
    `Krippendorff's alpha (nominal) is ${num(s.alphaAll)} over all labels and ${num(s.alphaAccepted)} over the kept ones.`,
    '',
  ];
  return `${[...yaml, ...body].join('\n')}`;
}
