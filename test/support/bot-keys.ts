import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningCoordinator } from '@sward/coordinator';
import { derivedEd25519Key, identityFromPem } from '@sward/core';

/**
 * A Web Bot Auth key the coordinator really delegated (a node must have asked for one), with its private
 * half derived as the coordinator derives it from the log key in `dataDir`: to sign requests by hand.
 */
export async function listedBotKey(c: RunningCoordinator, dataDir: string) {
  const logKey = identityFromPem(readFileSync(join(dataDir, 'log.key'), 'utf8'));
  const secret = Buffer.from(logKey.privateKey.export({ format: 'jwk' }).d as string, 'base64url');
  const row = (await c.store.botKeys.listValid(Date.now())).at(-1);
  assert.ok(row, 'a delegated key is listed');
  // A signature never outlives its key (the node caps `expires` the same way).
  const expires = Math.floor(row.notAfter / 1000);
  return { keyid: row.keyid, privateKey: derivedEd25519Key(secret, row.id), expires };
}
