import type { DatasetBuildParams, DatasetReport, ManifestFile } from '@sward/core';

/** What the card, croissant.json and the provenance record say of one build. */
export interface DatasetStats {
  id: string;
  name: string;
  params: DatasetBuildParams;
  report: DatasetReport;
  /** Kept rows by language code and by source domain. */
  languages: Record<string, number>;
  domains: Record<string, number>;
  /** Earliest and latest capture time of the kept rows (ISO), null when there are none. */
  fetchedFrom: string | null;
  fetchedTo: string | null;
  shards: ManifestFile[];
  /** The coordinator's log origin: who issues the dataset and signs its manifest. */
  issuer: string;
  createdAt: string;
}

/** Hugging Face size bucket for a row count. */
export function sizeCategory(n: number): string {
  const buckets: [number, string][] = [
    [1e3, 'n<1K'],
    [1e4, '1K<n<10K'],
    [1e5, '10K<n<100K'],
    [1e6, '100K<n<1M'],
    [1e7, '1M<n<10M'],
    [1e8, '10M<n<100M'],
  ];
  return buckets.find(([max]) => n < max)?.[1] ?? '100M<n<1B';
}

/** Entries sorted by count, most first, then by key: one build has one text. */
export const byCount = (r: Record<string, number>) =>
  Object.entries(r).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));

/** The dataset's one licence when every row has the same SPDX-like id, else null (the mix is per row). */
export function singleLicense(licenses: Record<string, number>): string | null {
  const keys = Object.keys(licenses);
  return keys.length === 1 && /^[A-Za-z0-9][A-Za-z0-9.+-]*$/.test(keys[0] as string)
    ? (keys[0] as string)
    : null;
}
