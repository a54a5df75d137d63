import { createHash } from 'node:crypto';
import type { FlagKind } from '@sward/core';
import { networkOf, normaliseIp } from '../store/network-key.js';
import type { RewardsPolicy } from './rewards-policy.js';

/** A node seen in one uptime slot at one address (rw_uptime with its address). */
export interface Presence {
  nodeId: string;
  operator: string;
  slot: number;
  ip: string;
}

/** A node session starting, from the address the coordinator saw (rw_node_sessions). */
export interface SessionStart {
  nodeId: string;
  operator: string;
  at: number;
  ip: string | null;
}

/** 'ip', 'network' and 'fingerprint' are kinds older versions raised; they stay readable. */
export type { FlagKind };

export interface SybilGroup {
  /** Stable for the same evidence: a re-scan finds the same key and does not raise the flag twice. */
  key: string;
  kind: FlagKind;
  members: { operator: string; nodeId: string }[];
  evidence: Record<string, unknown>;
}

export interface SybilEvidence {
  /** Length of the uptime slots `presence` counts in. */
  slotMs: number;
  presence: readonly Presence[];
  sessions: readonly SessionStart[];
  referredBy: ReadonlyMap<string, string | null>;
}

interface Link {
  /** Slots both operators spent behind one address. */
  sharedSlots: number;
  /** Session starts of both, in one network, within lockstepMs of each other. */
  lockstep: number;
}

/**
 * Farm signals that spare honest people (docs/REWARDS.md "Sybil signals"). Two operators are *linked*
 * when, over the scan window, either
 *  - they sat behind the same address for at least `minSharedMs`, and for at least
 *    `minSharedShare` of the slots the less-seen one was online at all (a farm's machines stay together;
 *    strangers behind a carrier-grade NAT are shuffled across its pool and meet only now and then); or
 *  - their nodes started sessions in the same network within `lockstepMs` of each other at least
 *    `minLockstepStarts` times (one script restarting a fleet; independent people restart independently).
 * A flag needs a linked group of at least `minClusterOperators` operators ('cluster'), or at least
 * `minTreeOperators` linked operators in one referral tree ('referral_tree', which also covers the
 * referrers above them, since referral rewards flow up). OS, versions and other fingerprints are not
 * evidence: honest people run the same release of the same system. Each flag says which rule fired and
 * with what numbers.
 */
export function detectSybils(e: SybilEvidence, policy: RewardsPolicy['sybil']): SybilGroup[] {
  const minSharedSlots = Math.ceil(policy.minSharedMs / e.slotMs);
  const links = new Map<string, Link>();
  const link = (a: string, b: string): Link => {
    const k = a < b ? `${a}\n${b}` : `${b}\n${a}`;
    let l = links.get(k);
    if (!l) {
      l = { sharedSlots: 0, lockstep: 0 };
      links.set(k, l);
    }
    return l;
  };

  // Co-presence at one address, counted once per operator pair and slot.
  const seenSlots = new Map<string, Set<number>>();
  const byAddressSlot = new Map<string, Set<string>>();
  const nodesOf = new Map<string, Set<string>>();
  const addressesOf = new Map<string, Set<string>>();
  for (const p of e.presence) {
    const ip = normaliseIp(p.ip);
    if (!ip) continue;
    addTo(seenSlots, p.operator, p.slot);
    addTo(byAddressSlot, `${p.slot} ${ip}`, p.operator);
    addTo(nodesOf, p.operator, p.nodeId);
    addTo(addressesOf, p.operator, ip);
  }
  for (const ops of byAddressSlot.values()) {
    if (ops.size < 2) continue;
    const list = [...ops];
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) link(list[i] as string, list[j] as string).sharedSlots++;
  }

  // Lockstep: session starts per network, swept in time order.
  const byNetwork = new Map<string, SessionStart[]>();
  for (const s of e.sessions) {
    const net = s.ip ? networkOf(s.ip) : null;
    if (!net) continue;
    addTo(nodesOf, s.operator, s.nodeId);
    const list = byNetwork.get(net) ?? [];
    list.push(s);
    byNetwork.set(net, list);
  }
  const coincidences = new Map<string, Set<number>>();
  for (const list of byNetwork.values()) {
    list.sort((a, b) => a.at - b.at);
    for (let i = 0; i < list.length; i++) {
      const a = list[i] as SessionStart;
      for (let j = i + 1; j < list.length; j++) {
        const b = list[j] as SessionStart;
        if (b.at - a.at > policy.lockstepMs) break;
        if (a.operator === b.operator) continue;
        const k = a.operator < b.operator ? `${a.operator}\n${b.operator}` : `${b.operator}\n${a.operator}`;
        // One restart of a fleet is one coincidence per pair, however many nodes each pair runs.
        addTo(coincidences, k, Math.floor(a.at / policy.lockstepMs));
      }
    }
  }
  for (const [k, events] of coincidences) {
    const [a, b] = k.split('\n') as [string, string];
    link(a, b).lockstep = events.size;
  }

  // Which links count, and the groups they join.
  const uf = new UnionFind();
  const strong: { a: string; b: string; why: ('address' | 'lockstep')[]; l: Link }[] = [];
  for (const [k, l] of links) {
    const [a, b] = k.split('\n') as [string, string];
    const seen = Math.min(seenSlots.get(a)?.size ?? 0, seenSlots.get(b)?.size ?? 0);
    const why: ('address' | 'lockstep')[] = [];
    if (l.sharedSlots >= minSharedSlots && l.sharedSlots >= policy.minSharedShare * seen) why.push('address');
    if (l.lockstep >= policy.minLockstepStarts) why.push('lockstep');
    if (why.length === 0) continue;
    uf.union(a, b);
    strong.push({ a, b, why, l });
  }
  const groups = new Map<string, string[]>();
  for (const op of uf.members()) addList(groups, uf.find(op), op);

  const rootOf = referralRoots(e.referredBy);
  const out: SybilGroup[] = [];
  for (const ops of groups.values()) {
    ops.sort();
    const inGroup = new Set(ops);
    const edges = strong.filter((s) => inGroup.has(s.a));
    const summary = {
      linksByAddress: edges.filter((s) => s.why.includes('address')).length,
      linksByLockstep: edges.filter((s) => s.why.includes('lockstep')).length,
      maxSharedSlots: Math.max(...edges.map((s) => s.l.sharedSlots)),
      maxLockstepStarts: Math.max(...edges.map((s) => s.l.lockstep)),
      addresses: uniq(ops.flatMap((o) => [...(addressesOf.get(o) ?? [])])).slice(0, 20),
    };
    const thresholds = {
      minSharedSlots,
      minSharedShare: policy.minSharedShare,
      lockstepMs: policy.lockstepMs,
      minLockstepStarts: policy.minLockstepStarts,
    };
    if (ops.length >= policy.minClusterOperators) {
      out.push({
        key: `cluster:${digest(ops)}`,
        kind: 'cluster',
        members: membersOf(ops, nodesOf),
        evidence: {
          reason: `${ops.length} operators linked by shared addresses or lockstep sessions (flag at ${policy.minClusterOperators})`,
          operators: ops,
          ...summary,
          thresholds: { ...thresholds, minClusterOperators: policy.minClusterOperators },
        },
      });
      continue;
    }
    // A smaller linked group inside one referral tree: the referrers above it earn from it.
    const byRoot = new Map<string, string[]>();
    for (const op of ops) addList(byRoot, rootOf(op), op);
    for (const [root, linked] of byRoot) {
      if (linked.length < policy.minTreeOperators) continue;
      const chain = uniq(linked.flatMap((op) => ancestors(op, e.referredBy)));
      const all = uniq([...linked, ...chain]);
      out.push({
        key: `referral_tree:${root}:${digest(all)}`,
        kind: 'referral_tree',
        members: membersOf(all, nodesOf),
        evidence: {
          reason: `${linked.length} linked operators in the referral tree of ${root} (flag at ${policy.minTreeOperators})`,
          root,
          linked,
          referrers: chain,
          ...summary,
          thresholds: { ...thresholds, minTreeOperators: policy.minTreeOperators },
        },
      });
    }
  }
  return out;
}

function membersOf(ops: readonly string[], nodesOf: ReadonlyMap<string, Set<string>>) {
  return ops.flatMap((operator) => {
    const nodes = [...(nodesOf.get(operator) ?? [])].sort();
    return nodes.length ? nodes.map((nodeId) => ({ operator, nodeId })) : [{ operator, nodeId: '' }];
  });
}

function referralRoots(referredBy: ReadonlyMap<string, string | null>): (op: string) => string {
  return (op) => {
    const up = ancestors(op, referredBy);
    return up.at(-1) ?? op;
  };
}

/** Referrers above `op`, nearest first; stops at a cycle (there should be none). */
function ancestors(op: string, referredBy: ReadonlyMap<string, string | null>): string[] {
  const out: string[] = [];
  const seen = new Set([op]);
  for (let up = referredBy.get(op); up && !seen.has(up); up = referredBy.get(up)) {
    out.push(up);
    seen.add(up);
  }
  return out;
}

class UnionFind {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    let root = x;
    for (let p = this.parent.get(root); p !== undefined && p !== root; p = this.parent.get(root)) root = p;
    if (!this.parent.has(x)) this.parent.set(x, x);
    for (let cur = x; cur !== root; ) {
      const next = this.parent.get(cur) as string;
      this.parent.set(cur, root);
      cur = next;
    }
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    // The smaller id becomes the root, so a group's representative does not depend on insertion order.
    const [lo, hi] = ra < rb ? [ra, rb] : [rb, ra];
    this.parent.set(hi, lo);
  }
  members(): string[] {
    return [...this.parent.keys()];
  }
}

function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const s = m.get(k);
  if (s) s.add(v);
  else m.set(k, new Set([v]));
}

function addList<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

const uniq = (xs: string[]): string[] => [...new Set(xs)].sort();
const digest = (xs: string[]): string =>
  createHash('sha256')
    .update([...xs].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
