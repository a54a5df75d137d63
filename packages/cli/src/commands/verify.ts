import { resolve } from 'node:path';
import { type CheckLine, DEFAULT_WORKERS, POOL_MIN_ROWS, summaryLine, verifyBundleDir } from '@sward/sdk';
import type { Command } from 'commander';
import { collect, intOption } from '../options.js';

export function register(program: Command): void {
  program
    .command('verify <dir>')
    .description(
      'verify a crawl output folder offline: signatures, bodies, leaves, proofs, checkpoints, anchors',
    )
    .option(
      '--trusted-key <vkey>',
      'a log verifier key to trust (repeatable; default: the key in the bundle)',
      collect,
      [],
    )
    .option(
      '--workers <n>',
      `worker threads to check rows on, 0 = this thread (default: ${DEFAULT_WORKERS()} from ${POOL_MIN_ROWS} rows up, else 0)`,
      intOption,
    )
    .option('--json', 'print the report (checks, failures, counts) as JSON')
    .action(async (dir: string, o) => {
      const t0 = performance.now();
      const r = await verifyBundleDir(resolve(dir), o.trustedKey, { workers: o.workers });
      const secs = (performance.now() - t0) / 1000;
      const out = process.stdout;
      process.exitCode = r.failures.length === 0 ? 0 : 1;
      if (o.json) {
        out.write(`${JSON.stringify({ ok: r.failures.length === 0, seconds: secs, ...r }, null, 2)}\n`);
        return;
      }
      const threads =
        r.workers === 0 ? 'in-process' : `${r.workers} worker thread${r.workers === 1 ? '' : 's'}`;
      out.write(
        `rows: ${r.rows} (${r.rowsOk} verified) in ${secs.toFixed(2)} s, ${(r.rows / Math.max(secs, 1e-9)).toFixed(0)} rows/s (${threads})\n`,
      );
      for (const line of r.checks) out.write(`${formatCheck(line)}\n`);
      for (const f of r.failures.slice(0, 50))
        out.write(`FAIL ${f.row === null ? 'bundle' : `row ${f.row}`} [${f.check}]: ${f.message}\n`);
      if (r.failures.length > 50) out.write(`… and ${r.failures.length - 50} more failures\n`);
      out.write(`${summaryLine(r.checks, r.failures.length)}\n`);
    });
}

const STATUS: Record<CheckLine['status'], string> = {
  checked: 'checked',
  not_checked: 'not checked',
  failed: 'FAILED',
};

/** e.g. `signatures: checked (12 rows: each capture verifies under its node key)` */
export function formatCheck(l: CheckLine): string {
  return `${l.check}: ${STATUS[l.status]} (${l.detail})`;
}
