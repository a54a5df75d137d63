import { createHash } from 'node:crypto';
import { networkOf, normaliseIp } from './network-key.js';
import type { RewardsPolicy } from './rewards-policy.js';

export interface NodeFacts {
  nodeId: string;
  operator: string;
  ip: string | null;
  fingerprint: string | null;
}

export type FlagKind = 'ip' | 'network' | 'fingerprint' | 'referral_tree';

export interface SybilGroup {
  /** Stable for the same evidence: a re-scan finds the same key and does not raise the flag twice. */
  key: string;
  kind: FlagKind;
  members: { operator: string; nodeId: string }[];
  evidence: Record<string, unknown>;
}

/**
 * Farm signals over the node registry (pure). Nodes of one operator are linked, so a signal on one
 * node covers the operator. Flags: more than N nodes behind one address, one /24 (IPv6 /64), or one
 * fingerprint; and whole referral trees where two different members share an address, network or
 * fingerprint (even under the thresholds: a tree of sock-puppets needs only a few).
 */
export function detectSybils(
  nodes: readonly NodeFacts[],
  referredBy: ReadonlyMap<string, string | null>,
  policy: RewardsPolicy['sybil'],
): SybilGroup[] {
  const out: SybilGroup[] = [];
  const shared: { kind: FlagKind; value: string; nodes: NodeFacts[] }[] = [];
  const keyed: [FlagKind, (n: NodeFacts) => string | null, number][] = [
    ['ip', (n) => (n.ip ? normaliseIp(n.ip) : null), policy.maxNodesPerIp],
    ['network', (n) => (n.ip ? networkOf(n.ip) : null), policy.maxNodesPerNetwork],
    ['fingerprint', (n) => n.fingerprint, policy.maxNodesPerFingerprint],
  ];
  for (const [kind, keyOf, max] of keyed) {
    for (const [value, group] of groupBy(nodes, keyOf)) {
      if (group.length < 2) continue;
      shared.push({ kind, value, nodes: group });
      // Identical fingerprints count operators: one operator's nodes are linked anyway and may share a config.
      const count = kind === 'fingerprint' ? uniq(group.map((n) => n.operator)).length : group.length;
      if (count > max)
        out.push(
          makeGroup(kind, value, group, {
            [kind]: value,
            nodes: group.length,
            count,
            limit: max,
            operators: uniq(group.map((n) => n.operator)),
          }),
        );
    }
  }
  // Referral trees: members of one tree sharing anything among different operators.
  const rootOf = (op: string): string => {
    const seen = new Set<string>();
    let cur = op;
    for (let up = referredBy.get(cur); up && !seen.has(up); up = referredBy.get(cur)) {
      seen.add(cur);
      cur = up;
    }
    return cur;
  };
  const treeEvidence = new Map<string, { kind: FlagKind; value: string; operators: string[] }[]>();
  for (const s of shared) {
    const byRoot = new Map<string, Set<string>>();
    for (const n of s.nodes) {
      const root = rootOf(n.operator);
      if (!byRoot.has(root)) byRoot.set(root, new Set());
      byRoot.get(root)?.add(n.operator);
    }
    for (const [root, ops] of byRoot) {
      if (ops.size < 2) continue;
      const list = treeEvidence.get(root) ?? [];
      list.push({ kind: s.kind, value: s.value, operators: [...ops].sort() });
      treeEvidence.set(root, list);
    }
  }
  for (const [root, evidence] of treeEvidence) {
    const members = [...referredBy.keys(), root].filter((op) => rootOf(op) === root);
    const treeNodes = nodes.filter((n) => members.includes(n.operator));
    const memberOps = uniq(members);
    out.push({
      key: `referral_tree:${root}:${digest(memberOps)}`,
      kind: 'referral_tree',
      members: [
        ...treeNodes.map((n) => ({ operator: n.operator, nodeId: n.nodeId })),
        ...memberOps
          .filter((op) => !treeNodes.some((n) => n.operator === op))
          .map((operator) => ({ operator, nodeId: '' })),
      ],
      evidence: { root, members: memberOps, shared: evidence },
    });
  }
  return out;
}

function makeGroup(
  kind: FlagKind,
  value: string,
  group: NodeFacts[],
  evidence: Record<string, unknown>,
): SybilGroup {
  const members = group.map((n) => ({ operator: n.operator, nodeId: n.nodeId }));
  return { key: `${kind}:${value}:${digest(members.map((m) => m.nodeId))}`, kind, members, evidence };
}

function groupBy(
  nodes: readonly NodeFacts[],
  keyOf: (n: NodeFacts) => string | null,
): Map<string, NodeFacts[]> {
  const m = new Map<string, NodeFacts[]>();
  for (const n of nodes) {
    const k = keyOf(n);
    if (!k) continue;
    const list = m.get(k) ?? [];
    list.push(n);
    m.set(k, list);
  }
  return m;
}

const uniq = (xs: string[]): string[] => [...new Set(xs)].sort();
const digest = (xs: string[]): string =>
  createHash('sha256')
    .update([...xs].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
