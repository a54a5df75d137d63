import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { CoreError } from './errors.js';
import { signWebhook, verifyWebhook } from './webhook-signature.js';

const secret = 'whsec_test-secret';
const body = '{"event":"collection.refreshed","changed":["https://example.org/a"]}';
const t = 1_700_000_000;

function code(err: unknown): string {
  assert.ok(err instanceof CoreError, `expected CoreError, got ${String(err)}`);
  return err.code;
}

test('the header is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  assert.equal(signWebhook(secret, body, t), `t=${t},v1=${expected}`);
});

test('a good signature verifies, from a string or the raw bytes', () => {
  const header = signWebhook(secret, body, t);
  assert.equal(verifyWebhook(secret, body, header, { nowSec: t }), true);
  assert.equal(verifyWebhook(secret, Buffer.from(body), header, { nowSec: t + 299 }), true);
  assert.equal(verifyWebhook(secret, body, header, { nowSec: t - 299 }), true);
});

test('extra v1 entries (secret rotation) and unknown schemes are accepted', () => {
  const good = signWebhook(secret, body, t).split(',v1=')[1];
  const other = signWebhook('whsec_old', body, t).split(',v1=')[1];
  const header = `t=${t}, v0=abc, v1=${other}, v1=${good}`;
  assert.equal(verifyWebhook(secret, body, header, { nowSec: t }), true);
});

test('a tampered body is a signature mismatch', () => {
  const header = signWebhook(secret, body, t);
  assert.throws(
    () => verifyWebhook(secret, body.replace('/a', '/b'), header, { nowSec: t }),
    (e) => code(e) === 'BAD_SIGNATURE',
  );
});

test('a wrong secret is a signature mismatch', () => {
  const header = signWebhook(secret, body, t);
  assert.throws(
    () => verifyWebhook('whsec_other', body, header, { nowSec: t }),
    (e) => code(e) === 'BAD_SIGNATURE' && /does not match/.test((e as Error).message),
  );
});

test('a changed timestamp is a signature mismatch', () => {
  const header = signWebhook(secret, body, t).replace(`t=${t}`, `t=${t + 1}`);
  assert.throws(
    () => verifyWebhook(secret, body, header, { nowSec: t }),
    (e) => code(e) === 'BAD_SIGNATURE',
  );
});

test('a timestamp outside the tolerance is refused, old or future', () => {
  const header = signWebhook(secret, body, t);
  assert.throws(
    () => verifyWebhook(secret, body, header, { nowSec: t + 301 }),
    (e) => code(e) === 'OUT_OF_RANGE' && /outside the 300 s tolerance/.test((e as Error).message),
  );
  assert.throws(
    () => verifyWebhook(secret, body, header, { nowSec: t - 301 }),
    (e) => code(e) === 'OUT_OF_RANGE',
  );
  assert.throws(
    () => verifyWebhook(secret, body, header, { nowSec: t + 61, toleranceSec: 60 }),
    (e) => code(e) === 'OUT_OF_RANGE',
  );
});

test('malformed headers are refused before any MAC is computed', () => {
  const v1 = 'a'.repeat(64);
  for (const header of [
    '',
    'garbage',
    `v1=${v1}`,
    `t=${t}`,
    `t=,v1=${v1}`,
    `t=-5,v1=${v1}`,
    `t=12.5,v1=${v1}`,
    `t=${t},t=${t},v1=${v1}`,
    `t=${t},v1=xyz`,
    `t=${t},v1=${'a'.repeat(63)}`,
    `t=${t},=${v1}`,
  ]) {
    assert.throws(
      () => verifyWebhook(secret, body, header, { nowSec: t }),
      (e) => code(e) === 'INVALID_SCHEMA',
      `header ${JSON.stringify(header)}`,
    );
  }
});

test('signing refuses a bad timestamp or an empty secret', () => {
  assert.throws(
    () => signWebhook(secret, body, -1),
    (e) => code(e) === 'OUT_OF_RANGE',
  );
  assert.throws(
    () => signWebhook(secret, body, 1.5),
    (e) => code(e) === 'OUT_OF_RANGE',
  );
  assert.throws(
    () => signWebhook('', body, t),
    (e) => code(e) === 'BAD_KEY',
  );
  assert.throws(
    () => verifyWebhook('', body, signWebhook(secret, body, t), { nowSec: t }),
    (e) => code(e) === 'BAD_KEY',
  );
});
