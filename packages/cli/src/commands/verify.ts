import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CheckLine } from '@sward/sdk';
import { DEFAULT_WORKERS, POOL_MIN_ROWS } from '@sward/sdk/verify-defaults';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { collect, intOption, writeJson } from '../options.js';

export function register(program: Command): void {
  program
    .command('verify <dir>')
    .description(
      'verify a crawl output folder offline: signed manifest, signatures, bodies, leaves, proofs, checkpoints, anchors, skip evidence',
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
    .option('--rederive', 're-extract every document from its stored body and require byte-identical rows')
    .option(
      '--rpc <url>',
      'a Solana JSON-RPC URL: confirm each Solana anchor on chain (without it: "anchors on chain: not checked")',
    )
    .option('--json', 'print the report (rows, checkpoints, every failure) as JSON')
    .action(async (dir: string, o) => {
      const isDir = statSync(dir, { throwIfNoEntry: false })?.isDirectory();
      if (isDir === undefined) throw new CliError('INPUT', `${dir}: no such folder`);
      if (!isDir) throw new CliError('INPUT', `${dir} is a file; sward verify takes a crawl output folder`);
      if (o.rpc !== undefined && !/^https?:\/\/[^\s]+$/.test(o.rpc))
        throw new CliError('USAGE', '--rpc: expected an http(s) URL');
      if (o.trustedKey.length) {
        // a malformed key is the command line's mistake, not the bundle's: said once, before any check
        const { parseVerifierKey } = await import('@sward/core');
        for (const k of o.trustedKey as string[])
          try {
            parseVerifierKey(k);
          } catch (e) {
            throw new CliError(
              'USAGE',
              `--trusted-key ${k}: ${(e as Error).message} (give the key the coordinator's GET /v1/log/key answers)`,
            );
          }
      }
      const { summaryLine, verifyBundleDir } = await import('@sward/sdk');
      const t0 = performance.now();
      const rederive = o.rederive ? (await import('../rederive.js')).rederiveDocuments : undefined;
      const r = await verifyBundleDir(resolve(dir), o.trustedKey, {
        workers: o.workers,
        ...(rederive ? { rederive } : {}),
        ...(o.rpc ? { rpcUrl: o.rpc } : {}),
      });
      const secs = (performance.now() - t0) / 1000;
      const failed = () => new CliError('FAILED', `${r.failures.length} problem(s) in ${dir}`);
      if (o.json) {
        writeJson({ ok: r.failures.length === 0, seconds: secs, ...r });
        if (r.failures.length) throw failed();
        return;
      }
      const out = process.stdout;
      const threads =
        r.workers === 0 ? 'in-process' : `${r.workers} worker thread${r.workers === 1 ? '' : 's'}`;
      out.write(
        `rows: ${r.rows} (${r.rowsOk} verified) in ${secs.toFixed(2)} s, ${(r.rows / Math.max(secs, 1e-9)).toFixed(0)} rows/s (${threads}${rederive ? ', re-extraction included' : ''})\n`,
      );
      for (const line of r.checks) out.write(`${formatCheck(line)}\n`);
      for (const f of r.failures.slice(0, 50))
        out.write(`FAIL ${f.row === null ? 'bundle' : `row ${f.row}`} [${f.check}]: ${f.message}\n`);
      if (r.failures.length > 50) out.write(`… and ${r.failures.length - 50} more failures\n`);
      out.write(`${summaryLine(r.checks, r.failures.length)}\n`);
      if (r.failures.length) throw failed();
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
