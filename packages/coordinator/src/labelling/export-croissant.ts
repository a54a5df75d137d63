import { createHash } from 'node:crypto';
import { CROISSANT_CONFORMS_TO, CROISSANT_CONTEXT } from '../output/croissant-context.js';
import type { ExportStats } from './dataset-card.js';
import type { ColumnType, ExportFiles, ExportTable } from './export-files.js';

const PARQUET = 'application/x-parquet';
const DATA_TYPE: Record<ColumnType, string> = {
  STRING: 'sc:Text',
  DOUBLE: 'sc:Float',
  INT32: 'sc:Integer',
  BOOLEAN: 'sc:Boolean',
};

/**
 * croissant.json (Croissant 1.1) for a labelling export: each Parquet file as a FileObject with its SHA-256,
 * one RecordSet per table whose fields are its columns, and the Responsible AI fields about annotation
 * (protocol, platform, analysis, annotations per item, how spam was handled).
 */
export function labellingCroissant(
  s: ExportStats & { createdAt: number; rubric: string | null },
  tables: readonly ExportTable[],
  files: ExportFiles,
): Record<string, unknown> {
  const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  return {
    '@context': CROISSANT_CONTEXT,
    '@type': 'sc:Dataset',
    conformsTo: CROISSANT_CONFORMS_TO,
    name: s.name,
    description: `Human ${s.taskType} labels from a Sward labelling project, aggregated with Dawid–Skene after spam and bot filtering; the raw annotations are included.`,
    version: '1.0.0',
    license: s.license,
    creator: { '@type': 'sc:Organization', name: 'Sward labelling marketplace' },
    datePublished: new Date(s.createdAt).toISOString(),
    keywords: ['rlhf', 'human feedback', s.taskType],
    isLiveDataset: false,
    distribution: tables.map((t) => {
      const path = `${t.name}.parquet`;
      const bytes = files.get(path);
      if (!bytes) throw new Error(`croissant: ${path} is not among the export's files`);
      return {
        '@type': 'cr:FileObject',
        '@id': path,
        name: path,
        contentUrl: path,
        contentSize: `${bytes.byteLength} B`,
        encodingFormat: PARQUET,
        sha256: sha256(bytes),
      };
    }),
    recordSet: tables.map((t) => ({
      '@type': 'cr:RecordSet',
      '@id': t.name,
      name: t.name,
      field: t.columns.map(([c, type]) => ({
        '@type': 'cr:Field',
        '@id': `${t.name}/${c}`,
        name: c,
        dataType: DATA_TYPE[type],
        source: { fileObject: { '@id': `${t.name}.parquet` }, extract: { column: c } },
      })),
    })),
    'rai:dataCollection': `Prompts and responses supplied by the project owner; ${s.items} items, ${s.goldItems} of them gold items with known answers interleaved to check the labellers.`,
    'rai:dataCollectionType': ['Crowdsourced annotation'],
    'rai:dataAnnotationProtocol': s.rubric ?? `${s.taskType} task without a written rubric`,
    'rai:dataAnnotationPlatform': ['Sward labelling marketplace (web task page)'],
    'rai:annotationsPerItem': String(s.overlap),
    'rai:dataAnnotationAnalysis': [
      'Dawid–Skene aggregation with gold items fixed to their known answers',
      `Krippendorff's alpha (nominal): ${s.alphaAll ?? 'n/a'} over all labels, ${s.alphaAccepted ?? 'n/a'} over kept labels`,
      `${s.labellersFlagged} labellers flagged as spammers or bots and their ${s.labelsDropped} labels left out of the aggregate (kept = false in annotations)`,
    ],
    'rai:annotatorDemographics': ['not collected'],
    'rai:personalSensitiveInformation':
      'Labellers appear only under a per-project pseudonym; prompts and responses are as the project owner supplied them.',
    'rai:dataUseCases': ['preference tuning (DPO, reward models) and evaluation'],
  };
}
