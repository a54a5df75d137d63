import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreError } from './errors.js';
import {
  generateIdentity,
  publicKeyFromHex,
  publicKeyFromRaw,
  signBytes,
  verifyBytes,
  verifyBytesAsync,
} from './identity.js';

test('public keys are parsed once per id and still checked', () => {
  const id = generateIdentity();
  const a = publicKeyFromHex(id.id);
  assert.equal(publicKeyFromHex(id.id), a, 'the second lookup reuses the parsed key');
  assert.equal(publicKeyFromRaw(Buffer.from(id.id, 'hex')), a, 'raw and hex share the cache');
  assert.ok(a.equals(id.publicKey));
  assert.throws(() => publicKeyFromHex(id.id.toUpperCase()), CoreError);
  assert.throws(() => publicKeyFromHex('zz'), CoreError);
  assert.throws(() => publicKeyFromRaw(new Uint8Array(31)), CoreError);
});

test('verifyBytes with a cached key accepts good and rejects bad signatures', () => {
  const a = generateIdentity();
  const b = generateIdentity();
  const data = Buffer.from('hello');
  const sig = signBytes(a, data);
  for (let i = 0; i < 3; i++) assert.equal(verifyBytes(a.id, data, sig), true);
  assert.equal(verifyBytes(b.id, data, sig), false, 'another key, also cached, does not verify it');
  assert.equal(verifyBytes(a.id, Buffer.from('hellO'), sig), false);
});

test("verifyBytesAsync gives verifyBytes's answer, off the calling thread, for good, forged and malformed input", async () => {
  const a = generateIdentity();
  const b = generateIdentity();
  const data = Buffer.from('{"capture":"x"}');
  const sig = signBytes(a, data);
  const flipped = Buffer.from(sig, 'base64');
  flipped[10] = (flipped[10] as number) ^ 1;
  const cases: [string, Uint8Array, string][] = [
    [a.id, data, sig],
    [b.id, data, sig], // an impostor naming another node's id
    [a.id, Buffer.from('{"capture":"y"}'), sig], // the bytes changed after signing
    [a.id, data, flipped.toString('base64')], // one bit of the signature
    [a.id, data, sig.slice(0, 40)], // too short to be an ed25519 signature
    [a.id, data, ''],
  ];
  for (const [id, bytes, s] of cases) {
    const pending = verifyBytesAsync(id, bytes, s);
    assert.ok(pending instanceof Promise);
    assert.equal(await pending, verifyBytes(id, bytes, s), `${id.slice(0, 8)} ${s.slice(0, 8)}`);
  }
  assert.equal(await verifyBytesAsync(a.id, data, sig), true);
  assert.equal(await verifyBytesAsync(b.id, data, sig), false);
  // a malformed id is refused by name, as verifyBytes refuses it
  assert.throws(() => verifyBytesAsync('not-hex', data, sig), CoreError);
});
