import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnchorRef } from '@sward/core';
import { CLAIM_LEAF_FORMAT, type ClaimProof } from './payout-claim.js';

export interface PayoutTable {
  epoch: number;
  startsAt: number;
  endsAt: number;
  closedAt: number;
  policyVersion: number;
  /** Merkle root (hex) over the claims in index order. */
  root: string;
  size: number;
  total: number;
  anchor: AnchorRef | null;
  claims: ClaimProof[];
}

const csvCell = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/**
 * epoch-<n>.json (everything, one claim proof per account: hand an account its entry and it can check
 * it offline) and epoch-<n>.csv (epoch,root,size,index,account,amount,proof with proof hashes joined by ':').
 */
export async function writePayoutFiles(dir: string, t: PayoutTable): Promise<{ json: string; csv: string }> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, `epoch-${t.epoch}.json`);
  const csv = join(dir, `epoch-${t.epoch}.csv`);
  await writeFile(json, `${JSON.stringify({ leafFormat: CLAIM_LEAF_FORMAT, ...t })}\n`);
  const lines = ['epoch,root,size,index,account,amount,proof'];
  for (const c of t.claims)
    lines.push([t.epoch, t.root, t.size, c.index, csvCell(c.account), c.amount, c.proof.join(':')].join(','));
  await writeFile(csv, `${lines.join('\n')}\n`);
  return { json, csv };
}
