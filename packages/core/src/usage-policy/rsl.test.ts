import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreError } from '../errors.js';
import { parseRobotsUsage } from './robots-usage.js';
import { linkHeaderRefs } from './rsl-discovery.js';
import { parseRslDocument } from './rsl-document.js';
import { htmlRslRefs } from './rsl-html.js';
import { rslVerdict } from './rsl-terms.js';

// RSL 1.0 (RSL-SPEC-1.0, Recommendation). Only the start of rslstandard.org/rsl (element table,
// <content url/server>) was readable in the search corpus; the examples marked "via summary" are
// quoted from a section-by-section summary of the specification, not from the page itself.

const NS = 'xmlns="https://rslstandard.org/rsl"';
const commercial = { userClass: 'commercial' };
const at = (xml: string, url: string, purpose: 'train' | 'input' | 'index') =>
  rslVerdict(parseRslDocument(xml), url, purpose, commercial);

test('§3.1.2 (via summary): site-wide "all" plus /articles/ prohibiting ai-train', () => {
  const xml = `<rsl ${NS}>
    <content url="/"><license><permits type="usage">all</permits></license></content>
    <content url="/articles/"><license><prohibits type="usage">ai-train</prohibits></license></content>
  </rsl>`;
  assert.deepEqual(at(xml, 'https://example.com/articles/1', 'train'), {
    outcome: 'skip',
    reason: 'rsl:prohibits ai-train',
  });
  assert.equal(at(xml, 'https://example.com/articles/1', 'index').outcome, 'allow');
  assert.equal(at(xml, 'https://example.com/about', 'train').outcome, 'allow');
});

test('§1.1 (via summary) "Search only, no AI use": prohibits ai-all refuses train and input, allows index', () => {
  const xml = `<rsl ${NS}><content url="/"><license><prohibits type="usage">ai-all</prohibits></license></content></rsl>`;
  assert.deepEqual(at(xml, 'https://example.com/x', 'train'), {
    outcome: 'skip',
    reason: 'rsl:prohibits ai-train',
  });
  assert.deepEqual(at(xml, 'https://example.com/x', 'input'), {
    outcome: 'skip',
    reason: 'rsl:prohibits ai-input',
  });
  assert.equal(at(xml, 'https://example.com/x', 'index').outcome, 'allow');
});

test('§1.1 (via summary) pay per crawl with <standard> and <amount currency="USD">0.015</amount>', () => {
  const xml = `<rsl ${NS}><content url="/"><license>
      <permits type="usage">ai-all</permits>
      <payment type="crawl"><standard>https://example.com/pay-per-crawl</standard><amount currency="USD">0.015</amount></payment>
    </license></content></rsl>`;
  const doc = parseRslDocument(xml);
  assert.deepEqual(doc.contents[0]?.licenses[0]?.payment, {
    type: 'crawl',
    amount: { value: '0.015', currency: 'USD' },
    standard: 'https://example.com/pay-per-crawl',
  });
  assert.deepEqual(at(xml, 'https://example.com/x', 'train'), {
    outcome: 'pay',
    reason: 'rsl:payment crawl',
    offers: [
      {
        type: 'crawl',
        amount: { value: '0.015', currency: 'USD' },
        standard: 'https://example.com/pay-per-crawl',
      },
    ],
  });
  // "ai-all" does not cover "search": a search index is not licensed by this document.
  assert.deepEqual(at(xml, 'https://example.com/x', 'index'), {
    outcome: 'skip',
    reason: 'rsl:not-permitted search',
  });
});

test('§1.1 (via summary) attribution under CC BY 4.0 allows with the duty to credit', () => {
  const xml = `<rsl ${NS}><content url="/"><license><payment type="attribution"><standard>https://creativecommons.org/licenses/by/4.0/</standard></payment></license></content></rsl>`;
  assert.deepEqual(at(xml, 'https://example.com/', 'train'), {
    outcome: 'allow',
    reason: 'rsl:permits ai-train',
    obligations: ['attribution'],
  });
});

test('<content server>: "clients must obtain a license for this asset, even if the license is free"', () => {
  const xml = `<rsl ${NS}><content url="/" server="https://licensing.example.com"><license><payment type="free"/></license></content></rsl>`;
  assert.deepEqual(at(xml, 'https://example.com/a', 'index'), {
    outcome: 'pay',
    reason: 'rsl:license-server',
    offers: [{ type: 'free', server: 'https://licensing.example.com' }],
  });
});

test('<content url>: "a full URL, or a path ... with * and $"; another origin is not covered', () => {
  const xml = `<rsl ${NS}>
    <content url="https://example.com/premium/*"><license><prohibits type="usage">all</prohibits></license></content>
    <content url="/*.pdf$"><license><prohibits type="usage">ai-train</prohibits></license></content>
  </rsl>`;
  assert.equal(at(xml, 'https://example.com/premium/a', 'index').outcome, 'skip');
  assert.equal(at(xml, 'https://other.example/premium/a', 'index').outcome, 'silent');
  assert.equal(at(xml, 'https://example.com/doc.pdf', 'train').outcome, 'skip');
  assert.equal(at(xml, 'https://example.com/doc.pdf.html', 'train').outcome, 'silent');
});

test('input needs both ai-input and ai-index; permitting one is not enough (Sward mapping)', () => {
  const xml = `<rsl ${NS}><content url="/"><license><permits type="usage">ai-input search</permits></license></content></rsl>`;
  assert.deepEqual(at(xml, 'https://example.com/', 'input'), {
    outcome: 'skip',
    reason: 'rsl:not-permitted ai-index',
  });
});

test('§3.1.1 (via summary): permitted by one licence and prohibited by another is not licensed', () => {
  const xml = `<rsl ${NS}><content url="/">
    <license><permits type="usage">ai-train</permits></license>
    <license><prohibits type="usage">ai-train</prohibits><payment type="crawl"/></license>
  </content></rsl>`;
  assert.equal(at(xml, 'https://example.com/', 'train').outcome, 'skip');
});

test('user and geo classes: a licence for non-commercial or EU use grants nothing to an unknown commercial client', () => {
  const xml = `<rsl ${NS}><content url="/">
    <license><permits type="user">non-commercial education</permits></license>
    <license><permits type="geo">EU</permits><payment type="free"/></license>
  </content></rsl>`;
  assert.deepEqual(at(xml, 'https://example.com/', 'train'), {
    outcome: 'skip',
    reason: 'rsl:not-permitted ai-train',
  });
  const doc = parseRslDocument(xml);
  assert.equal(
    rslVerdict(doc, 'https://example.com/', 'train', { userClass: 'commercial', country: 'EU' }).outcome,
    'allow',
  );
  assert.equal(rslVerdict(doc, 'https://example.com/', 'train', { userClass: 'education' }).outcome, 'allow');
});

test('a prefixed root (RSS/embedded form, §4.7) parses; lists separated by commas (0.9 habit) are still read', () => {
  const xml = `<rsl:rsl xmlns:rsl="https://rslstandard.org/rsl"><rsl:content url="/"><rsl:license><rsl:prohibits type="usage">ai-input, ai-train</rsl:prohibits></rsl:license></rsl:content></rsl:rsl>`;
  assert.equal(at(xml, 'https://example.com/', 'train').outcome, 'skip');
  assert.equal(at(xml, 'https://example.com/', 'input').outcome, 'skip');
});

test('max-age (§3.2) defaults to 30 days', () => {
  assert.equal(parseRslDocument(`<rsl ${NS}><content url="/"><license/></content></rsl>`).maxAgeDays, 30);
  assert.equal(
    parseRslDocument(`<rsl ${NS} max-age="7"><content url="/"><license/></content></rsl>`).maxAgeDays,
    7,
  );
});

test('malformed documents throw a CoreError naming the problem', () => {
  const cases: [xml: string, message: RegExp][] = [
    ['<rsl', /not well-formed XML: .*\(line 1, column \d+\)/],
    ['not xml at all', /not well-formed XML/],
    [`<license ${NS}/>`, /root element is <license>, not <rsl>/],
    [
      '<rsl xmlns="https://example.com/other"><content url="/"><license/></content></rsl>',
      /namespace is "https:\/\/example.com\/other"/,
    ],
    ['<rsl><content url="/"><license/></content></rsl>', /namespace is ""/],
    [`<rsl ${NS}></rsl>`, /no <content> element/],
    [`<rsl ${NS}><content><license/></content></rsl>`, /without the required url attribute/],
    [`<rsl ${NS}><content url="/"/></rsl>`, /has no <license>/],
    [`<rsl ${NS} max-age="soon"><content url="/"><license/></content></rsl>`, /max-age "soon"/],
    [
      `<rsl ${NS}><content url="/"><license><payment type="crawl"><amount>1</amount></payment></license></content></rsl>`,
      /ISO 4217/,
    ],
    [
      `<rsl ${NS}><content url="/"><license><payment type="crawl"><amount currency="USD">1e9</amount></payment></license></content></rsl>`,
      /"1e9" is not a decimal/,
    ],
  ];
  for (const [xml, message] of cases) {
    assert.throws(
      () => parseRslDocument(xml),
      (err: unknown) =>
        err instanceof CoreError && err.code === 'BAD_POLICY_DOCUMENT' && message.test(err.message),
      xml,
    );
  }
});

test('an entity expansion bomb is not expanded', () => {
  const lol = `<?xml version="1.0"?><!DOCTYPE rsl [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]><rsl ${NS}><content url="/"><license><permits type="usage">&f;</permits></license></content></rsl>`;
  // fast-xml-parser leaves nested DOCTYPE entities unexpanded (and caps expansion); either way no
  // token grows to the 10^6 characters the bomb asks for.
  let size = 0;
  try {
    size = JSON.stringify(parseRslDocument(lol)).length;
  } catch (err) {
    assert.ok(err instanceof CoreError);
  }
  assert.ok(size < 1000, `parsed document is ${size} characters`);
});

// §4.4 robots.txt example (via summary).
const RSL_ROBOTS = `License: https://example.com/global-license.xml

User-agent: ExampleBot
Allow: /
License: https://example.com/examplebot-license.xml

User-agent: *
Allow: /
License: https://example.com/default-license.xml
`;

test("§4.4: License lines of the crawler's group win over global ones", () => {
  assert.deepEqual(parseRobotsUsage(RSL_ROBOTS, 'ExampleBot').licenses, [
    { via: 'robots', url: 'https://example.com/examplebot-license.xml' },
  ]);
  assert.deepEqual(parseRobotsUsage(RSL_ROBOTS, 'SwardBot').licenses, [
    { via: 'robots', url: 'https://example.com/default-license.xml' },
  ]);
  assert.deepEqual(
    parseRobotsUsage('License: https://example.com/l.xml\nUser-agent: *\nAllow: /\n', 'SwardBot').licenses,
    [{ via: 'robots', url: 'https://example.com/l.xml' }],
  );
  assert.deepEqual(
    parseRobotsUsage('User-agent: *\nLicense: /relative.xml\nLicense: javascript:alert(1)\n', 'SwardBot')
      .licenses,
    [],
  );
});

test('§4.5: Link: <https://example.com/license.xml>; rel="license"; type="application/rsl+xml"', () => {
  assert.deepEqual(
    linkHeaderRefs('<https://example.com/license.xml>; rel="license"; type="application/rsl+xml"'),
    [{ via: 'link-header', url: 'https://example.com/license.xml' }],
  );
  // Other licences, relative targets and a header that is not RFC 8288 name no RSL licence.
  assert.deepEqual(linkHeaderRefs('<https://creativecommons.org/licenses/by/4.0/>; rel="license"'), []);
  assert.deepEqual(linkHeaderRefs('</license.xml>; rel="license"; type="application/rsl+xml"'), []);
  assert.deepEqual(linkHeaderRefs('garbage <<<'), []);
  assert.deepEqual(linkHeaderRefs(undefined), []);
});

test('§4.6: HTML <link rel="license" type="application/rsl+xml"> and inline <script type="application/rsl+xml">', () => {
  const html = `<html><head>
    <link rel="license" type="application/rsl+xml" href="/license.xml">
    <link rel="license" href="https://creativecommons.org/licenses/by/4.0/">
    <script type="application/rsl+xml"><rsl ${NS}><content url=""><license><prohibits type="usage">ai-train</prohibits></license></content></rsl></script>
    <script>var x = "<rsl>";</script>
  </head><body></body></html>`;
  const refs = htmlRslRefs(html, 'https://example.com/articles/1');
  assert.deepEqual(refs[0], { via: 'html-link', url: 'https://example.com/license.xml' });
  assert.equal(refs.length, 2);
  const inline = refs[1];
  assert.equal(inline?.via, 'html-script');
  // "url=''" means the scope of the association: the page that carries the script.
  const doc = parseRslDocument(inline?.via === 'html-script' ? inline.xml : '');
  assert.equal(rslVerdict(doc, 'https://example.com/articles/1', 'train', commercial).outcome, 'skip');
});
