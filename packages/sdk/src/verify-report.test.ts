import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CheckLine, reportLines, summaryLine } from './verify-report.js';

const byCheck = (lines: CheckLine[]) => Object.fromEntries(lines.map((l) => [l.check, l]));
const fileAnchor = { anchor: { kind: 'file' } };

test('rows that stopped at an earlier check are counted out of the later lines, not claimed', () => {
  const lines = byCheck(
    reportLines({
      rows: 10,
      failures: [
        { row: 2, check: 'format', message: 'not JSON' },
        { row: 3, check: 'signature', message: 'bad signature' },
      ],
      checkpoints: { checkpoints: [fileAnchor], consistency: [] },
      trustedFromBundle: false,
      uncovered: [],
    }),
  );
  assert.equal(lines.rows?.status, 'failed');
  assert.equal(lines.signatures?.status, 'failed');
  assert.equal(
    lines.signatures?.detail,
    '1 of 9 rows failed (1 more stopped at an earlier check); first: row 3: bad signature',
  );
  assert.equal(lines.records?.status, 'checked');
  assert.match(lines.records?.detail ?? '', /^8 of 10 rows \(2 stopped at an earlier check\): /);
  assert.equal(lines['consistency proofs']?.status, 'not_checked', 'one checkpoint: no proof to check');
  assert.equal(lines['log key']?.status, 'checked');
});

test('Solana anchors are not claimed as checked on chain; unknown files are listed', () => {
  const lines = reportLines({
    rows: 1,
    failures: [],
    checkpoints: { checkpoints: [{ anchor: { kind: 'solana' } }, fileAnchor], consistency: [] },
    consistency: { pairs: 1, passed: 1 },
    trustedFromBundle: true,
    uncovered: ['notes.txt', 'skipped.jsonl'],
  });
  const l = byCheck(lines);
  assert.equal(l.anchors?.status, 'checked');
  assert.match(l.anchors?.detail ?? '', /1 solana: .*checked offline; 1 file: /);
  assert.equal(l['anchors on chain']?.status, 'not_checked');
  assert.equal(l['log key']?.status, 'not_checked');
  assert.deepEqual(
    [l['notes.txt']?.status, l['notes.txt']?.detail, l['skipped.jsonl']?.status],
    ['not_checked', 'not a file verify knows', 'not_checked'],
  );
  const summary = summaryLine(lines, 0);
  assert.match(
    summary,
    /^OK: \d+ checks passed; not checked: anchors on chain, log key, notes\.txt, skipped\.jsonl$/,
  );
});

test('an empty bundle checks nothing and says so', () => {
  const lines = reportLines({
    rows: 0,
    failures: [],
    checkpoints: { checkpoints: [fileAnchor], consistency: [] },
    trustedFromBundle: false,
    uncovered: [],
  });
  const l = byCheck(lines);
  for (const check of ['rows', 'signatures', 'records', 'bodies', 'log order', 'inclusion proofs'])
    assert.equal(l[check]?.status, 'not_checked', check);
  assert.doesNotMatch(summaryLine(lines, 0), /all/);
  assert.equal(summaryLine(lines, 2), `FAILED: 2 problems (0 of ${lines.length} checks failed)`);
});

test('file anchors whose chain the bundle does not carry are not checked link by link, even when others are', () => {
  const input = {
    rows: 1,
    failures: [],
    checkpoints: { checkpoints: [fileAnchor, fileAnchor, fileAnchor], consistency: [] },
    trustedFromBundle: false,
    uncovered: [],
  };
  const chain = (notShipped: number) =>
    byCheck(
      reportLines({
        ...input,
        anchorChains: { fileRefs: 3, inChain: 3 - notShipped, notShipped, entries: 4, chains: 1 },
      }),
    )['anchor chain'];
  assert.equal(chain(0)?.status, 'checked');
  assert.equal(
    chain(0)?.detail,
    '4 signed entries in 1 chain link one to the next and hold all 3 file anchors',
  );
  assert.equal(chain(1)?.status, 'not_checked');
  assert.match(
    chain(1)?.detail ?? '',
    /hold 2 of 3 file anchors; the chain of the other 1 is not in the bundle/,
  );
  assert.equal(chain(3)?.status, 'not_checked');
  const failed = byCheck(
    reportLines({
      ...input,
      failures: [{ row: null, check: 'anchor chain', message: 'anchor chain 1 (c): entry 2: bad link' }],
      anchorChains: { fileRefs: 3, inChain: 3, notShipped: 0, entries: 4, chains: 1 },
    }),
  )['anchor chain'];
  assert.equal(failed?.status, 'failed');
  // --rpc given: the on-chain line reports what the lookups found.
  const solana = {
    ...input,
    checkpoints: { checkpoints: [{ anchor: { kind: 'solana' } }], consistency: [] },
  };
  assert.equal(
    byCheck(reportLines({ ...solana, onChain: { checked: 1 } }))['anchors on chain']?.status,
    'checked',
  );
  const miss = byCheck(
    reportLines({
      ...solana,
      onChain: { checked: 1 },
      failures: [{ row: null, check: 'anchor on chain', message: 'checkpoint 3: not on chain' }],
    }),
  )['anchors on chain'];
  assert.equal(miss?.status, 'failed');
  assert.match(miss?.detail ?? '', /not on chain/);
});
