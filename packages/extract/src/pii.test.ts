import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { extract } from './extract.js';
import { findPii, luhn, PII_PLACEHOLDER, redactPii } from './pii.js';

test('emails, phones and IPs become typed placeholders and are counted', () => {
  const r = redactPii(
    'Write to jane.doe+news@example.co.uk or call +1 (555) 123-4567, 555-123-4567 or 020 7946 0958. ' +
      'Server 192.168.1.10 and 2001:db8::8a2e:370:7334.',
  );
  assert.equal(r.text, 'Write to [EMAIL] or call [PHONE], [PHONE] or [PHONE]. Server [IP] and [IP].');
  assert.deepEqual(r.counts, { email: 1, phone: 3, ip: 2, card: 0 });
});

test('dates, times, years, prices, versions and ISBNs are left alone', () => {
  const s =
    'On 2019-11-20 at 12:30:45, in 2019 2020, price 1,234.56, version 1.2.3, ISBN 978-3-16-148410-0, 1990-2000';
  const r = redactPii(s);
  assert.equal(r.text, s);
  assert.deepEqual(r.counts, { email: 0, phone: 0, ip: 0, card: 0 });
});

test('addresses next to punctuation are caught: before a full stop, a comma, in brackets and quotes', () => {
  const r = redactPii('It came from 10.0.0.1. Then (10.0.0.2), "10.0.0.3"; and 10.0.0.4, mail me at a@b.io.');
  assert.equal(r.text, 'It came from [IP]. Then ([IP]), "[IP]"; and [IP], mail me at [EMAIL].');
  // but a version-like run of five numbers is not an address
  assert.equal(redactPii('release 1.2.3.4.5 is out').text, 'release 1.2.3.4.5 is out');
});

test('URLs and Markdown link targets stay intact, the link text around them is still redacted', () => {
  const md =
    'See [the server 127.0.0.1](http://127.0.0.1:8080/a) and <https://[2001:db8::1]/x>, ' +
    'http://10.1.2.3/path?ip=10.1.2.4 or www.example.com/u/+14155550123, [mail](mailto:jo@example.com).';
  const r = redactPii(md);
  assert.equal(
    r.text,
    'See [the server [IP]](http://127.0.0.1:8080/a) and <https://[2001:db8::1]/x>, ' +
      'http://10.1.2.3/path?ip=10.1.2.4 or www.example.com/u/+14155550123, [mail](mailto:jo@example.com).',
  );
  assert.deepEqual(r.counts, { email: 0, phone: 0, ip: 1, card: 0 });
});

test('a list of number ranges is no phone number; phones with hyphens still are', () => {
  // arXiv's listing pages print "101-150 151-200" as page links (wcxb-dev 2916); it came out as [PHONE]
  const r = redactPii(
    'Showing 1-50 51-100 101-150 151-200; also 101-150 151-200. Call 415-555-0123 or 020 7946-0958.',
  );
  assert.equal(r.text, 'Showing 1-50 51-100 101-150 151-200; also 101-150 151-200. Call [PHONE] or [PHONE].');
  assert.equal(r.counts.phone, 2);
});

test('phones in E.164 and national formats; Luhn-valid card numbers only', () => {
  const r = redactPii('Call +14155550123, +44 20 7946 0958, (020) 7946 0958 or 06 12 34 56 78.');
  assert.equal(r.text, 'Call [PHONE], [PHONE], [PHONE] or [PHONE].');
  assert.ok(luhn('4111111111111111'));
  assert.ok(!luhn('4111111111111112'));
  const c = redactPii(
    'Card 4111 1111 1111 1111, 4111-1111-1111-1111 or 5500005555555559; not 4111 1111 1111 1112.',
  );
  assert.equal(c.text, 'Card [CARD], [CARD] or [CARD]; not 4111 1111 1111 1112.');
  assert.equal(c.counts.card, 3);
  assert.equal(c.counts.phone, 0, 'the failed card is not taken for a phone number either');
});

test('each kind can be kept or redacted; the document counts per kind', () => {
  const s = 'Mail a@b.io, call +44 20 7946 0958, host 10.0.0.1, card 4111111111111111.';
  assert.equal(
    redactPii(s, undefined, { email: false }).text,
    'Mail a@b.io, call [PHONE], host [IP], card [CARD].',
  );
  assert.equal(
    redactPii(s, undefined, { phone: false, card: false }).text,
    'Mail [EMAIL], call +44 20 7946 0958, host [IP], card 4111111111111111.',
  );
  assert.equal(redactPii(s, undefined, false).text, s);
  const html = `<html><body><article><p>${s} ${'Some more words in this paragraph, for the extractor. '.repeat(6)}</p></article></body></html>`;
  const d = extract(html, { redactPii: { ip: false } });
  assert.deepEqual(d.pii, { email: 1, phone: 1, ip: 0, card: 1 });
  assert.ok(d.text.includes('host 10.0.0.1,') && d.text.includes('[CARD]'), d.text);
  assert.ok(d.markdown.includes('host 10.0.0.1,') && !d.markdown.includes('a@b.io'), d.markdown);
});

// Pieces that look like PII, like near-PII, like URLs, and plain text with punctuation, glued at random.
const piece = fc.oneof(
  fc.constantFrom(
    'a@b.io',
    'jane.doe+x@example.co.uk',
    '10.0.0.1',
    '192.168.1.300',
    '2001:db8::1',
    '+14155550123',
    '+44 20 7946 0958',
    '(020) 7946 0958',
    '4111 1111 1111 1111',
    '4111111111111112',
    'http://127.0.0.1:8080/a',
    '[x](https://h.example/10.0.0.1)',
    'www.example.com/+14155550123',
    '2019-11-20',
    '1.2.3',
    '12:30:45',
    '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
    'fe80:0:0:0:200:f8ff:fe21:67cf',
    '1:2:3:4:5:6:7:8',
    'a:b:c:d',
  ),
  fc.string({
    unit: fc.constantFrom(
      ' ',
      '.',
      ',',
      '(',
      ')',
      '[',
      ']',
      ':',
      '-',
      '+',
      '@',
      'a',
      'Z',
      '1',
      '9',
      '0',
      '\n',
    ),
  }),
);

test('property: redaction changes nothing outside the spans it reports, and no span touches a URL', () => {
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 12 }),
      fc.constantFrom(undefined, { email: false }, { phone: false, ip: false }),
      (parts, opt) => {
        const text = parts.join(' ');
        const r = redactPii(text, undefined, opt);
        // rebuild from the reported spans: everything between them is the input's own text, byte for byte
        let rebuilt = '';
        let at = 0;
        for (const s of r.spans) {
          assert.ok(s.start >= at && s.end > s.start, 'spans are ordered and do not overlap');
          rebuilt += text.slice(at, s.start) + PII_PLACEHOLDER[s.kind];
          at = s.end;
        }
        assert.equal(r.text, rebuilt + text.slice(at));
        assert.deepEqual(r.spans, findPii(text, opt));
        const urls = [
          ...text.matchAll(/\b(?:https?|ftp):\/\/[^\s<>"'`\]]+|\bwww\.[^\s<>"'`\]]+|\]\([^)\s]*\)/g),
        ];
        for (const u of urls)
          for (const s of r.spans)
            assert.ok(s.end <= u.index || s.start >= u.index + u[0].length, `span inside ${u[0]}`);
        const total = Object.values(r.counts).reduce((a, b) => a + b, 0);
        assert.equal(total, r.spans.length);
      },
    ),
    { numRuns: 2000, seed: 18 },
  );
});

test('an IPv6 address in its full eight-group form is found where the text holds no "::", "@" or "+"', () => {
  assert.equal(
    redactPii('Hosts 2001:0db8:85a3:0000:0000:8a2e:0370:7334 and fe80:0:0:0:200:f8ff:fe21:67cf answer.').text,
    'Hosts [IP] and [IP] answer.',
  );
  // seven colons in the text, never in one run of hex digits and colons: nothing to find
  assert.deepEqual(findPii('At 10:30, 11:30 and 12:30: a, b: c, d: e, f: done'), []);
});

test('property: the spans are those found when every cheap pre-test passes', () => {
  // the detectors skip a text that holds no "@" (email), no "+" (E.164), no "::" and no run of hex digits
  // with seven colons (IPv6); a tail holding all of those, after a space, changes no span before it
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 12 }),
      fc.constantFrom(undefined, { email: false }, { phone: false, ip: false }),
      (parts, opt) => {
        const text = parts.join(parts.length % 2 ? ' ' : '');
        const tail = ' :: @ + 0:0:0:0:0:0:0:x';
        const withTail = findPii(text + tail, opt).filter((s) => s.end <= text.length);
        assert.deepEqual(findPii(text, opt), withTail);
      },
    ),
    { numRuns: 2000, seed: 14 },
  );
});
