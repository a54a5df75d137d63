import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crawlRequestSchema } from './crawl-wire.js';
import { asksForLicense, decimalMicros, formatPrice, microsDecimal, parsePrice } from './pay-per-crawl.js';

test('prices read as Cloudflare writes them ("USD 0.01"), as whole micros, and nothing else', () => {
  assert.deepEqual(parsePrice('USD 0.01'), { currency: 'USD', micros: 10_000 });
  assert.deepEqual(parsePrice(' USD 1 '), { currency: 'USD', micros: 1_000_000 });
  assert.deepEqual(parsePrice('EUR 0.000001'), { currency: 'EUR', micros: 1 });
  for (const bad of [
    '0.01',
    'usd 0.01',
    'USD -1',
    'USD 1e-2',
    'USD 0.0000001',
    'USD',
    'USD 0.01 x',
    '',
    null,
  ])
    assert.equal(parsePrice(bad), null, String(bad));
  assert.equal(formatPrice({ currency: 'USD', micros: 15_000 }), 'USD 0.015');
  assert.equal(formatPrice({ currency: 'USD', micros: 0 }), 'USD 0');
  for (const m of [0, 1, 10_000, 1_000_000, 123_456_789]) assert.equal(decimalMicros(microsDecimal(m)), m);
  // no float ever rounds an amount: 0.1 + 0.2 is 300000 micros exactly
  assert.equal((decimalMicros('0.1') ?? 0) + (decimalMicros('0.2') ?? 0), decimalMicros('0.3'));
});

test('a 401 asks for a licence only when its challenge is the License scheme', () => {
  assert.ok(asksForLicense('License realm="x"'));
  assert.ok(asksForLicense('Bearer realm="a", License'));
  assert.ok(!asksForLicense('Bearer realm="License"'));
  assert.ok(!asksForLicense('Licensed'));
  assert.ok(!asksForLicense(null));
});

test('crawl requests: amounts are decimal strings, a budget needs a ceiling, tokens name an origin', () => {
  const ok = crawlRequestSchema.parse({
    seed: 'https://a.example/',
    maxPrice: '0.01',
    budget: '2',
    licenseTokens: [{ origin: 'https://a.example', token: 'abc.def' }],
  });
  assert.equal(ok.budget, '2');
  const issue = (body: unknown) => crawlRequestSchema.safeParse(body).error?.issues[0]?.path.join('.');
  assert.equal(issue({ seed: 'https://a.example/', budget: '1' }), 'budget');
  assert.equal(issue({ seed: 'https://a.example/', maxPrice: 0.01 }), 'maxPrice');
  assert.equal(issue({ seed: 'https://a.example/', maxPrice: '1.0000001' }), 'maxPrice');
  assert.equal(
    issue({ seed: 'https://a.example/', licenseTokens: [{ origin: 'https://a.example/x', token: 't' }] }),
    'licenseTokens.0.origin',
  );
  assert.equal(
    issue({ seed: 'https://a.example/', licenseTokens: [{ origin: 'https://a.example', token: 'a b' }] }),
    'licenseTokens.0.token',
  );
});
