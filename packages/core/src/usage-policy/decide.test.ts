import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideUsage, type UsageDecision, type UsageSignals } from './decide.js';
import type { UsagePurpose } from './purpose.js';
import { parseRobotsUsage } from './robots-usage.js';
import { parseRslDocument } from './rsl-document.js';

const NS = 'xmlns="https://rslstandard.org/rsl"';
const rsl = (inner: string) => parseRslDocument(`<rsl ${NS}>${inner}</rsl>`);
const robots = (txt: string) => parseRobotsUsage(txt, 'SwardBot');

const PROHIBIT_INPUT = rsl(
  '<content url="/"><license><prohibits type="usage">ai-input</prohibits></license></content>',
);
const PAY_PER_CRAWL = rsl(
  '<content url="/"><license><permits type="usage">all</permits><payment type="crawl"><amount currency="EUR">0.002</amount></payment></license></content>',
);
const FREE_ALL = rsl('<content url="/"><license><permits type="usage">all</permits></license></content>');
const SERVER = rsl('<content url="/" server="https://ls.example.com"><license/></content>');
const CREDIT = rsl('<content url="/"><license><payment type="attribution"/></license></content>');

type Expect = Pick<UsageDecision, 'decision' | 'reason'> & Partial<UsageDecision>;
const cases: [name: string, purpose: UsagePurpose, url: string, signals: UsageSignals, expected: Expect][] = [
  [
    'nothing said: allowed',
    'train',
    'https://a.example/',
    {},
    { decision: 'allow', reason: 'no-signal', reasons: [] },
  ],
  [
    'robots Disallow refuses every purpose',
    'index',
    'https://a.example/',
    { robotsAllowed: false },
    { decision: 'skip', reason: 'robots:disallow' },
  ],
  [
    'TDMRep reservation refuses search too',
    'index',
    'https://a.example/',
    { tdmReserved: true },
    { decision: 'skip', reason: 'tdmrep:reserved' },
  ],
  [
    'noai refuses training',
    'train',
    'https://a.example/',
    { noai: true },
    { decision: 'skip', reason: 'noai' },
  ],
  [
    'noai refuses live-collection input',
    'input',
    'https://a.example/',
    { noai: true },
    { decision: 'skip', reason: 'noai' },
  ],
  [
    'noai leaves a search index alone',
    'index',
    'https://a.example/',
    { noai: true },
    { decision: 'allow', reason: 'no-signal' },
  ],
  [
    'Content-Usage header train-ai=n refuses train',
    'train',
    'https://a.example/',
    { contentUsageHeader: 'train-ai=n' },
    { decision: 'skip', reason: 'aipref:train-ai=n' },
  ],
  [
    '… and says nothing about index',
    'index',
    'https://a.example/',
    { contentUsageHeader: 'train-ai=n' },
    { decision: 'allow', reason: 'no-signal' },
  ],
  [
    'Content-Usage ai-use=n refuses input',
    'input',
    'https://a.example/',
    { contentUsageHeader: 'ai-use=n, search=y' },
    { decision: 'skip', reason: 'aipref:ai-use=n' },
  ],
  [
    'Content-Usage search=y grants index',
    'index',
    'https://a.example/',
    { contentUsageHeader: 'ai-use=n, search=y' },
    { decision: 'allow', reason: 'aipref:search=y' },
  ],
  [
    'an unparsable header is unknown, not a refusal',
    'train',
    'https://a.example/',
    { contentUsageHeader: 'TRAIN-AI=n' },
    { decision: 'allow', reason: 'no-signal' },
  ],
  [
    'Content Signals default policy: train refused …',
    'train',
    'https://a.example/p',
    { robots: robots('User-agent: *\nContent-Signal: search=yes, ai-train=no\nAllow: /\n') },
    { decision: 'skip', reason: 'content-signal:ai-train=no' },
  ],
  [
    '… while the same page is allowed for index',
    'index',
    'https://a.example/p',
    { robots: robots('User-agent: *\nContent-Signal: search=yes, ai-train=no\nAllow: /\n') },
    { decision: 'allow', reason: 'content-signal:search=yes' },
  ],
  [
    'a grant in one vocabulary never outweighs a refusal in another',
    'train',
    'https://a.example/',
    { contentUsageHeader: 'train-ai=y', robots: robots('User-agent: *\nContent-Signal: ai-train=no\n') },
    {
      decision: 'skip',
      reason: 'content-signal:ai-train=no',
      reasons: ['content-signal:ai-train=no', 'aipref:train-ai=y'],
    },
  ],
  [
    'precedence: AIPREF is reported before Content Signals, both are kept',
    'train',
    'https://a.example/',
    { contentUsageHeader: 'train-ai=n', contentSignalHeader: 'ai-train=no' },
    {
      decision: 'skip',
      reason: 'aipref:train-ai=n',
      reasons: ['aipref:train-ai=n', 'content-signal:ai-train=no'],
    },
  ],
  [
    'robots Content-Usage is scoped by path: /private/ refused …',
    'train',
    'https://a.example/private/x',
    { robots: robots('User-agent: *\nContent-Usage: train-ai=y\nContent-Usage: /private/ train-ai=n\n') },
    { decision: 'skip', reason: 'aipref:train-ai=n' },
  ],
  [
    '… elsewhere granted',
    'train',
    'https://a.example/public/x',
    { robots: robots('User-agent: *\nContent-Usage: train-ai=y\nContent-Usage: /private/ train-ai=n\n') },
    { decision: 'allow', reason: 'aipref:train-ai=y' },
  ],
  [
    'a header refusal holds even where robots.txt grants the path',
    'train',
    'https://a.example/public/x',
    { contentUsageHeader: 'train-ai=n', robots: robots('User-agent: *\nContent-Usage: train-ai=y\n') },
    { decision: 'skip', reason: 'aipref:train-ai=n' },
  ],
  [
    'RSL prohibits ai-input',
    'input',
    'https://a.example/',
    { rsl: [PROHIBIT_INPUT] },
    { decision: 'skip', reason: 'rsl:prohibits ai-input' },
  ],
  [
    'RSL prohibiting ai-input leaves train alone',
    'train',
    'https://a.example/',
    { rsl: [PROHIBIT_INPUT] },
    { decision: 'allow', reason: 'rsl:permits ai-train' },
  ],
  [
    'RSL pay per crawl: pay with the price',
    'train',
    'https://a.example/',
    { rsl: [PAY_PER_CRAWL], contentUsageHeader: 'train-ai=y' },
    {
      decision: 'pay',
      reason: 'rsl:payment crawl',
      reasons: ['rsl:payment crawl', 'aipref:train-ai=y'],
      price: { type: 'crawl', amount: { value: '0.002', currency: 'EUR' } },
    },
  ],
  [
    'a refusal beats a price',
    'train',
    'https://a.example/',
    { rsl: [PAY_PER_CRAWL], contentSignalHeader: 'ai-train=no' },
    { decision: 'skip', reason: 'content-signal:ai-train=no' },
  ],
  [
    'a second, free RSL licence cannot undo a prohibiting one (most restrictive across documents)',
    'input',
    'https://a.example/',
    { rsl: [FREE_ALL, PROHIBIT_INPUT] },
    { decision: 'skip', reason: 'rsl:prohibits ai-input' },
  ],
  [
    'a free licence cannot undercut a priced one',
    'index',
    'https://a.example/',
    { rsl: [FREE_ALL, PAY_PER_CRAWL] },
    { decision: 'pay', reason: 'rsl:payment crawl' },
  ],
  [
    'an RSL licence server asks for a token even when free',
    'index',
    'https://a.example/',
    { rsl: [SERVER] },
    {
      decision: 'pay',
      reason: 'rsl:license-server',
      price: { type: 'free', server: 'https://ls.example.com' },
    },
  ],
  [
    'attribution is an allow with a duty',
    'train',
    'https://a.example/',
    { rsl: [CREDIT] },
    { decision: 'allow', reason: 'rsl:permits ai-train', obligations: ['attribution'] },
  ],
  [
    'an RSL licence for another site says nothing here',
    'train',
    'https://b.example/',
    {
      rsl: [
        rsl(
          '<content url="https://a.example/*"><license><prohibits type="usage">all</prohibits></license></content>',
        ),
      ],
    },
    { decision: 'allow', reason: 'no-signal' },
  ],
];

for (const [name, purpose, url, signals, expected] of cases) {
  test(`decideUsage(${purpose}): ${name}`, () => {
    const got = decideUsage(purpose, url, signals);
    for (const [key, value] of Object.entries(expected)) {
      assert.deepEqual(got[key as keyof UsageDecision], value, `${key} of ${JSON.stringify(got)}`);
    }
  });
}

test('every purpose gets its own decision for one page', () => {
  const signals: UsageSignals = {
    robots: robots('User-agent: *\nContent-Signal: search=yes, ai-input=yes, ai-train=no\n'),
    rsl: [
      rsl(
        '<content url="/"><license><permits type="usage">search ai-input ai-index</permits></license></content>',
      ),
    ],
  };
  const got = Object.fromEntries(
    (['train', 'input', 'index'] as const).map((p) => [
      p,
      decideUsage(p, 'https://a.example/x', signals).decision,
    ]),
  );
  assert.deepEqual(got, { train: 'skip', input: 'allow', index: 'allow' });
});
