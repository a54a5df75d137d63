import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { exportPrivateKeyPem, generateIdentity, type Identity, identityFromPem } from '@sward/core/node-side';
import { NodeError } from './errors.js';

/** Loads the node's ed25519 key, creating it (mode 0600, exclusive create) on first run. */
export async function loadOrCreateIdentity(file: string): Promise<{ identity: Identity; created: boolean }> {
  let pem: string | undefined;
  try {
    pem = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new NodeError('KEY_FILE', `cannot read key file ${file}`, { cause: e });
  }
  if (pem !== undefined) {
    try {
      return { identity: identityFromPem(pem), created: false };
    } catch (cause) {
      throw new NodeError('KEY_FILE', `key file ${file} does not hold an ed25519 private key`, { cause });
    }
  }
  const identity = generateIdentity();
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    // 'wx' fails if another process created it meanwhile, so two first runs cannot swap identities.
    await writeFile(file, exportPrivateKeyPem(identity), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateIdentity(file);
    throw new NodeError('KEY_FILE', `cannot create key file ${file}`, { cause: e });
  }
  return { identity, created: true };
}
