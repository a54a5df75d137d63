import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  exportPrivateKeyPem,
  formatVerifierKey,
  generateIdentity,
  type Identity,
  identityFromPem,
  type NoteSigner,
  noteSignerFromIdentity,
} from '@sward/core';

/**
 * The log's signing key (ed25519 PEM), created on first start with mode 0600. Coordinators that share
 * one PostgreSQL database must share this file too, so that they sign the same checkpoints.
 */
export function loadLogKey(
  path: string,
  origin: string,
): {
  signer: NoteSigner;
  verifierKey: string;
  identity: Identity /** Hex of the ed25519 public key. */;
  keyId: string;
  /** This call wrote the key (the path had none): a start that is then refused removes it (forgetLogKey). */
  created: boolean;
} {
  let created = false;
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    // Written whole to a private name, then linked into place: link() is atomic and fails if the key
    // exists, so a coordinator starting at the same moment never reads a half-written key (with
    // `flag: 'wx'` it could read the file between its creation and the write).
    const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
    writeFileSync(tmp, exportPrivateKeyPem(generateIdentity()), { mode: 0o600 });
    try {
      linkSync(tmp, path);
      created = true;
    } catch (e) {
      // Another coordinator sharing this folder created it first: use theirs.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkSync(tmp);
    }
  }
  const identity = identityFromPem(readFileSync(path, 'utf8'));
  return {
    signer: noteSignerFromIdentity(origin, identity),
    verifierKey: formatVerifierKey(origin, Buffer.from(identity.id, 'hex')),
    // The network's secret for Web Bot Auth's delegated keys too (web-bot-auth/network-secret.ts).
    identity,
    keyId: identity.id,
    created,
  };
}

/**
 * Removes a log key this start wrote itself, when the start is refused because the database records another
 * key: nothing was signed with it, and left behind it would be read, and refused, at every later start.
 */
export function forgetLogKey(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
