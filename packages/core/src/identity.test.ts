import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreError } from './errors.js';
import { generateIdentity, publicKeyFromHex, publicKeyFromRaw, signBytes, verifyBytes } from './identity.js';

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
