import { DATASET_COLUMNS } from '@sward/core';
import { CROISSANT_CONFORMS_TO, CROISSANT_CONTEXT } from '../output/croissant-context.js';
import { byCount, type DatasetStats } from './dataset-stats.js';

const PARQUET = 'application/x-parquet';
const SHARDS = 'parquet-shards';

const dataType = (column: string) =>
  column === 'leaf_index' ? 'sc:Integer' : column === 'fetched_at' ? 'sc:DateTime' : 'sc:Text';

/**
 * croissant.json (Croissant 1.1): the dataset, its licence(s), creator and date; every shard as a
 * FileObject with its SHA-256 and the shards as a FileSet; one RecordSet whose fields are the Parquet
 * columns, each with its data type and source column; and the Responsible AI fields that apply to a crawl.
 */
export function croissant(s: DatasetStats): Record<string, unknown> {
  const licenses = byCount(s.report.licenses).map(([l]) => l);
  return {
    '@context': CROISSANT_CONTEXT,
    '@type': 'sc:Dataset',
    conformsTo: CROISSANT_CONFORMS_TO,
    name: s.name,
    description: `Web pages crawled by a Sward network for ${s.params.purpose}, each row bound to a node-signed capture in a Merkle log.`,
    version: '1.0.0',
    license: licenses.length === 1 ? licenses[0] : licenses,
    creator: { '@type': 'sc:Organization', name: s.issuer },
    datePublished: s.createdAt,
    keywords: ['web crawl', 'provenance', s.params.purpose],
    isLiveDataset: false,
    distribution: [
      ...s.shards.map((f) => ({
        '@type': 'cr:FileObject',
        '@id': f.path,
        name: f.path,
        contentUrl: f.path,
        contentSize: `${f.size} B`,
        encodingFormat: PARQUET,
        sha256: f.sha256,
      })),
      {
        '@type': 'cr:FileSet',
        '@id': SHARDS,
        name: SHARDS,
        encodingFormat: PARQUET,
        includes: 'data/train-*.parquet',
      },
    ],
    recordSet: [
      {
        '@type': 'cr:RecordSet',
        '@id': 'default',
        name: 'default',
        key: { '@id': 'default/capture_id' },
        field: DATASET_COLUMNS.map((c) => ({
          '@type': 'cr:Field',
          '@id': `default/${c}`,
          name: c,
          dataType: dataType(c),
          source: { fileSet: { '@id': SHARDS }, extract: { column: c } },
        })),
      },
    ],
    'rai:dataCollection': `Public web pages fetched by Sward nodes for jobs declaring the purpose "${s.params.purpose}", each fetch signed by its node and logged; text and markdown extracted by the coordinator.`,
    'rai:dataCollectionType': ['Web Scraping'],
    'rai:dataCollectionTimeframe': [s.fetchedFrom, s.fetchedTo].filter((x) => x !== null),
    'rai:dataPreprocessingProtocol': [
      'main-text extraction to text and markdown',
      `language filter: ${s.params.lang?.length ? s.params.lang.join(', ') : 'none'}`,
      `quality preset: ${s.params.quality}`,
      `near-duplicate removal, MinHash Jaccard threshold ${s.params.dedup}`,
      `rows not allowed for ${s.params.purpose} by their rights receipt removed (excluded.jsonl)`,
    ],
    'rai:personalSensitiveInformation':
      'Email addresses, phone numbers, IP addresses and card numbers are redacted at extraction unless the crawl job asked to keep them.',
    'rai:dataUseCases': [
      s.params.purpose === 'train' ? 'model training' : 'model input (retrieval, grounding)',
    ],
    'rai:dataLimitations':
      'Only pages reachable from the crawl seeds and allowed by the publishers for this purpose; web text may be inaccurate or biased.',
    'rai:dataReleaseMaintenancePlan':
      'A snapshot; pages taken down after this build are left out of later builds, not removed from this one.',
  };
}
