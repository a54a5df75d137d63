import * as nodeCrypto from 'node:crypto';

// crypto.hash (Node >= 20.12) skips the Hash object createHash builds; fall back on older 20.x.
const oneShot = (
  nodeCrypto as { hash?: (alg: string, data: Uint8Array | string, enc: 'buffer' | 'hex') => Buffer | string }
).hash;

export function sha256(data: Uint8Array | string): Buffer {
  if (oneShot) return oneShot('sha256', data, 'buffer') as Buffer;
  return nodeCrypto.createHash('sha256').update(data).digest();
}

export function sha256Hex(data: Uint8Array | string): string {
  if (oneShot) return oneShot('sha256', data, 'hex') as string;
  return nodeCrypto.createHash('sha256').update(data).digest('hex');
}
