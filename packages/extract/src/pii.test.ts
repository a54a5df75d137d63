import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactPii } from './pii.js';

test('emails, phones and IPs become typed placeholders and are counted', () => {
  const r = redactPii(
    'Write to jane.doe+news@example.co.uk or call +1 (555) 123-4567, 555-123-4567 or 020 7946 0958. ' +
      'Server 192.168.1.10 and 2001:db8::8a2e:370:7334.',
  );
  assert.equal(r.text, 'Write to [EMAIL] or call [PHONE], [PHONE] or [PHONE]. Server [IP] and [IP].');
  assert.deepEqual(r.counts, { email: 1, phone: 3, ip: 2 });
});

test('dates, times, years, prices, versions and ISBNs are left alone', () => {
  const s =
    'On 2019-11-20 at 12:30:45, in 2019 2020, price 1,234.56, version 1.2.3, ISBN 978-3-16-148410-0, 1990-2000';
  const r = redactPii(s);
  assert.equal(r.text, s);
  assert.deepEqual(r.counts, { email: 0, phone: 0, ip: 0 });
});
