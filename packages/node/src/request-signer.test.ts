import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { ed25519Jwk, jwkThumbprint } from '@sward/core/node-side';
import type { SigningKeyResponse } from './protocol.js';
import { RequestSigner } from './request-signer.js';

const url = new URL('http://site.example/');

function key(notBefore: number, useFrom: number, notAfter: number): SigningKeyResponse {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' }) as { x: string; d: string };
  return {
    keyid: jwkThumbprint(ed25519Jwk(privateKey)),
    jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d },
    notBefore: new Date(notBefore).toISOString(),
    useFrom: new Date(useFrom).toISOString(),
    notAfter: new Date(notAfter).toISOString(),
    signatureAgent: 'https://coordinator.example',
  };
}

const keyidOf = (h: { 'signature-input': string }) => /keyid="([^"]+)"/.exec(h['signature-input'])?.[1];
const expiresOf = (h: { 'signature-input': string }) =>
  Number(/expires=(\d+)/.exec(h['signature-input'])?.[1]);

test('the next key is used only from its useFrom, and no signature outlives the current key', () => {
  const t = Date.now();
  const signer = new RequestSigner();
  assert.ok(signer.needsRenewal(t), 'no key yet');
  const k1 = key(t, t, t + 600_000);
  signer.use(k1);
  assert.ok(!signer.needsRenewal(t + 299_000));
  assert.ok(signer.needsRenewal(t + 300_000), 'half-life');
  const k2 = key(t + 300_000, t + 360_000, t + 900_000);
  signer.use(k2);
  assert.ok(!signer.needsRenewal(t + 310_000), 'the next key is waiting');
  const before = signer.headers(url, t + 359_000);
  assert.equal(
    keyidOf(before),
    k1.keyid,
    'still the old key: the new one may not be in every cached directory',
  );
  assert.ok(expiresOf(before) <= Math.floor((t + 600_000) / 1000), 'capped at the old key notAfter');
  assert.ok(expiresOf(before) - Math.floor((t + 359_000) / 1000) <= 300);
  assert.equal(keyidOf(signer.headers(url, t + 360_000)), k2.keyid);
});

test('a key whose keyid is not its thumbprint is refused; an expired key signs nothing', () => {
  const t = Date.now();
  const signer = new RequestSigner();
  assert.throws(
    () => signer.use({ ...key(t, t, t + 60_000), keyid: 'someone-elses-keyid' }),
    /not the key's thumbprint/,
  );
  signer.use(key(t - 120_000, t - 120_000, t - 1000));
  assert.throws(() => signer.headers(url, t), /not sending an unsigned request/);
});

test('every request gets a nonce of its own, 64 random bytes, across refills of the nonce pool', () => {
  const t = Date.now();
  const signer = new RequestSigner();
  signer.use(key(t, t, t + 600_000));
  const nonces = Array.from({ length: 300 }, () => {
    const n = /nonce="([^"]+)"/.exec(signer.headers(url, t)['signature-input'])?.[1] ?? '';
    assert.equal(Buffer.from(n, 'base64').length, 64, `a 64-byte nonce: ${n}`);
    return n;
  });
  assert.equal(new Set(nonces).size, nonces.length, 'no nonce is used twice');
});
