import type { JobInfo } from '@sward/sdk';
import type { CrawlOutputSummary } from './crawl-output.js';

/** The end-of-crawl report: what was stored, what was skipped and why, failures, who fetched, where it went. */
export function formatCrawlSummary(
  job: JobInfo,
  out: CrawlOutputSummary,
  elapsedMs: number,
  nodeNames = new Map<string, string>(),
): string {
  const p = job.progress;
  const end = job.state === 'cancelled' ? 'was cancelled; its output written' : 'finished';
  const lines = [`Crawl ${job.id} of ${job.seed} ${end} in ${(elapsedMs / 1000).toFixed(1)} s`];
  // The coordinator's own clock: pages captured, then documents made off the capture path.
  const secs = (t: number | null | undefined) =>
    t == null ? 'n/a' : `${((t - job.createdAt) / 1000).toFixed(1)} s`;
  lines.push(`  captured:       ${secs(job.capturedAt)} after the job started`);
  lines.push(`  documents ready: ${secs(job.finishedAt)} after the job started`);
  lines.push(`  pages stored:   ${out.pages}`);
  // Archive reuse (--max-age): pages taken from captures the network already had, and those fetched now.
  if (job.options.maxAge !== undefined || p?.fromArchive)
    lines.push(
      `    from the archive     ${p?.fromArchive ?? 0}`,
      `    fetched              ${p?.fetched ?? 0}`,
    );
  lines.push(`  pages skipped:  ${out.skipped}`);
  for (const [reason, n] of Object.entries(p?.skippedByReason ?? {}).sort())
    lines.push(`    ${reason.padEnd(20)} ${n}`);
  if (job.spend)
    lines.push(
      `  paid:           USD ${job.spend.spent}${job.spend.budget === null ? '' : ` of a USD ${job.spend.budget} budget`}`,
    );
  lines.push(`  failures:       ${out.failed}`);
  for (const [reason, n] of Object.entries(p?.failedByReason ?? {}).sort())
    lines.push(`    ${reason.padEnd(20)} ${n}`);
  lines.push('  pages per node:');
  for (const [node, n] of Object.entries(p?.pagesByNode ?? {}).sort(([a], [b]) =>
    (nodeNames.get(a) ?? a).localeCompare(nodeNames.get(b) ?? b),
  )) {
    lines.push(`    ${(nodeNames.get(node) ?? `${node.slice(0, 12)}…`).padEnd(20)} ${n}`);
  }
  lines.push(`  documents kept: ${out.documents}`);
  lines.push(`    dropped by quality     ${out.dropped.quality}`);
  lines.push(`    dropped as duplicates  ${out.dropped.duplicate}`);
  lines.push(`    dropped by language    ${out.dropped.language}`);
  lines.push(
    `  output:         ${out.dir}/pages.jsonl, documents.jsonl, skipped.jsonl, compliance.json, bodies.pack, provenance/${out.warc ? `, ${out.warc}` : ''}`,
  );
  return lines.join('\n');
}
