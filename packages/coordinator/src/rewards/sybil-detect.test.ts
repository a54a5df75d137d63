import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultRewardsPolicy } from './rewards-policy.js';
import { detectSybils, type NodeFacts } from './sybil-detect.js';

const rules = defaultRewardsPolicy.sybil;
const node = (
  nodeId: string,
  operator: string,
  ip: string | null,
  fingerprint: string | null = nodeId,
): NodeFacts => ({
  nodeId,
  operator,
  ip,
  fingerprint,
});

test('honest neighbours are not flagged: two nodes per address and distinct fingerprints are fine', () => {
  const nodes = [
    node('a1', 'a', '198.51.100.1'),
    node('a2', 'a', '198.51.100.1'),
    node('b1', 'b', '198.51.100.2'),
  ];
  assert.deepEqual(detectSybils(nodes, new Map(), rules), []);
});

test('many nodes behind one address or /24, and one fingerprint across operators, are flagged with evidence', () => {
  const nodes = Array.from({ length: 6 }, (_, i) => node(`f${i}`, `farm${i}`, `203.0.113.${i % 2}`, 'same'));
  const groups = detectSybils(nodes, new Map(), rules);
  const kinds = groups.map((g) => g.kind).sort();
  assert.deepEqual(kinds, ['fingerprint', 'ip', 'ip', 'network']);
  const net = groups.find((g) => g.kind === 'network');
  assert.deepEqual(net?.evidence, {
    network: '203.0.113.0/24',
    nodes: 6,
    count: 6,
    limit: rules.maxNodesPerNetwork,
    operators: ['farm0', 'farm1', 'farm2', 'farm3', 'farm4', 'farm5'],
  });
  // Same evidence, same key: a re-scan does not raise a second flag.
  assert.deepEqual(
    detectSybils(nodes, new Map(), rules).map((g) => g.key),
    groups.map((g) => g.key),
  );
});

test('a referral tree whose members share an address is flagged whole, even under the thresholds', () => {
  const nodes = [
    node('r', 'root', '192.0.2.1'),
    node('k1', 'kid1', '198.51.100.7'),
    node('k2', 'kid2', '198.51.100.7'),
    node('x', 'stranger', '198.51.100.7'),
  ];
  const referredBy = new Map([
    ['root', null],
    ['kid1', 'root'],
    ['kid2', 'kid1'],
    ['stranger', null],
  ]);
  const groups = detectSybils(nodes, referredBy, rules);
  const tree = groups.find((g) => g.kind === 'referral_tree');
  assert.deepEqual(tree?.evidence.members, ['kid1', 'kid2', 'root']);
  assert.ok(!tree?.members.some((m) => m.operator === 'stranger'));
  assert.ok(
    groups.some((g) => g.kind === 'ip'),
    '3 nodes behind one address',
  );
});
