import type { RewardsPolicy } from '@sward/coordinator';
import { rewardsWorld } from '../../packages/coordinator/src/rewards/testing-world.js';
import { prng } from '../../packages/testsites/src/prng.js';

/**
 * Issue 13 point 4, simulated in process on SQLite through the real rewards engine (sessions, uptime
 * with addresses, captures, daily scans, epoch close). One week, one-hour slots, seed 13.
 *
 * Honest: 1,000 operators, one node each. 70% report the very same platform fingerprint (it is not
 * evidence any more). 10% sit behind one of 5 carrier-grade NATs whose 8 public addresses (one /24)
 * are shared by ~20 of them and re-assigned at every reconnect; 20 households have two operators
 * behind one address who restart together (one referred the other); the rest have home addresses in
 * 20 ISP ranges (30% get a new one daily) or their own IPv6 /64. 60% are always on, 40% online 8-14
 * hours a day; each reconnects on its own clock. 30% were referred by an unrelated earlier operator.
 *
 * Farms (all captures verified, 1 a day per node, online all the time, referral trees inside):
 *  0: 20 nodes / 20 operators behind 2 addresses, restarted together daily;
 *  1: 50 nodes / 25 operators, an IPv6 address each in one /64, restarted together every 12 h;
 *  2: 100 nodes / 100 operators behind 4 addresses of one /24, restarting at random times;
 *  3: 200 nodes / 100 operators, an address each in one /24, restarted together daily (8 s spread).
 */
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const DAYS = 7;

interface SimNode {
  id: string;
  operator: string;
  farm: number | null;
  fingerprint: string;
  /** Session starts (ms from the epoch's start) with the address seen. */
  sessions: { at: number; ip: string }[];
  /** Online slots (hours from the epoch's start) with the address seen. */
  online: { hour: number; ip: string }[];
  capturesPerDay: number[];
  bytes: number;
}

function world(seed: number) {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const nodes: SimNode[] = [];
  const referredBy = new Map<string, string>();
  const SAME_PLATFORM = 'linux-x64-node20.18-sward0.1.0';

  // ---- honest operators ----
  const households = new Set<number>();
  for (let i = 0; i < 1000; i += 50) households.add(i);
  for (let i = 0; i < 1000; i++) {
    const operator = `h${i}`;
    const partner = households.has(i - 1) ? i - 1 : null; // i is the second member of a household
    const r = rnd();
    const kind = partner !== null ? 'household' : r < 0.1 ? 'cgnat' : r < 0.85 ? 'v4' : 'v6';
    const carrier = int(5);
    const isp = int(20);
    const rotating = rnd() < 0.3;
    let home = `${10 + isp}.${int(256)}.${int(256)}.${1 + int(254)}`;
    if (kind === 'v6') home = `2001:db8:${i.toString(16)}:${int(65536).toString(16)}::${1 + int(9)}`;
    const alwaysOn = rnd() < 0.6;
    const startMs = int(DAY); // this operator's own reconnect time of day
    const firstHour = 6 + int(5);
    const length = 8 + int(7);
    const n: SimNode = {
      id: `${operator}-n0`,
      operator,
      farm: null,
      fingerprint: rnd() < 0.7 ? SAME_PLATFORM : `platform-${int(40)}`,
      sessions: [],
      online: [],
      capturesPerDay: Array.from({ length: DAYS }, () => 1 + int(4)),
      bytes: 50_000 + int(450_000),
    };
    const prev = partner !== null ? nodes[nodes.length - 1] : undefined;
    if (prev) {
      // A household: the partner's address, online hours and router reboots.
      n.sessions = prev.sessions.map((s) => ({ at: s.at + 1500, ip: s.ip }));
      n.online = prev.online.map((o) => ({ ...o }));
      referredBy.set(operator, prev.operator);
      nodes.push(n);
      continue;
    }
    let addr = kind === 'cgnat' ? `100.${64 + carrier}.0.${int(8)}` : home;
    const newAddress = () => {
      if (kind === 'cgnat') addr = `100.${64 + carrier}.0.${int(8)}`;
      else if (kind === 'v4' && rotating) addr = `${10 + isp}.${int(256)}.${int(256)}.${1 + int(254)}`;
    };
    for (let d = 0; d < DAYS; d++) {
      if (alwaysOn) {
        // Session renewal at its own time each day; now and then a reboot at a random moment.
        const renew = d * DAY + startMs;
        const reboot = rnd() < 0.15 ? d * DAY + int(DAY) : null;
        for (const at of [renew, reboot].filter((x): x is number => x !== null).sort((a, b) => a - b)) {
          newAddress();
          n.sessions.push({ at, ip: addr });
        }
      } else {
        const at = d * DAY + (firstHour * HOUR + int(HOUR)) - HOUR / 2;
        newAddress();
        n.sessions.push({ at, ip: addr });
      }
    }
    // Online hours, each at the address of the latest session started before it.
    for (let h = 0; h < DAYS * 24; h++) {
      const hourOfDay = h % 24;
      if (!alwaysOn && (hourOfDay < firstHour || hourOfDay >= firstHour + length)) continue;
      const last = [...n.sessions].reverse().find((s) => s.at <= h * HOUR + HOUR / 2) ?? n.sessions[0];
      if (last) n.online.push({ hour: h, ip: last.ip });
    }
    nodes.push(n);
    if (i >= 10 && rnd() < 0.3 && !households.has(i)) {
      let j = int(i);
      if (households.has(j) || households.has(j - 1)) j = (j + 2) % i;
      referredBy.set(operator, `h${j}`);
    }
  }

  // ---- farms ----
  const farms = [
    { nodes: 20, operators: 20, addresses: 2, v6: false, restartEveryH: 24, spreadMs: 5000, lockstep: true },
    { nodes: 50, operators: 25, addresses: 0, v6: true, restartEveryH: 12, spreadMs: 3000, lockstep: true },
    { nodes: 100, operators: 100, addresses: 4, v6: false, restartEveryH: 24, spreadMs: 0, lockstep: false },
    {
      nodes: 200,
      operators: 100,
      addresses: 0,
      v6: false,
      restartEveryH: 24,
      spreadMs: 8000,
      lockstep: true,
    },
  ];
  for (const [f, farm] of farms.entries()) {
    const base = int(DAY);
    for (let k = 0; k < farm.nodes; k++) {
      const operator = `f${f}-${k % farm.operators}`;
      const ip = farm.v6
        ? `2001:db8:ffff:${f}::${(k + 1).toString(16)}`
        : farm.addresses
          ? `198.51.${100 + f}.${1 + (k % farm.addresses)}`
          : `198.51.${100 + f}.${1 + k}`;
      const n: SimNode = {
        id: `${operator}-n${Math.floor(k / farm.operators)}`,
        operator,
        farm: f,
        fingerprint: `platform-${int(40)}`,
        sessions: [],
        online: Array.from({ length: DAYS * 24 }, (_, hour) => ({ hour, ip })),
        capturesPerDay: Array(DAYS).fill(1),
        bytes: 100_000,
      };
      for (let t = 0; t < DAYS * 24; t += farm.restartEveryH) {
        const at = farm.lockstep
          ? t * HOUR + base + int(farm.spreadMs)
          : t * HOUR + int(farm.restartEveryH * HOUR);
        if (at < DAYS * DAY) n.sessions.push({ at, ip });
      }
      nodes.push(n);
    }
    for (let k = 1; k < farm.operators; k++) referredBy.set(`f${f}-${k}`, `f${f}-${(k - 1) >> 1}`);
  }
  return { nodes, referredBy, farms };
}

/** Tests and bench only (not exported from index.ts): one simulated week, its flags and payouts. */
export async function simulateSybilWeek(policy: RewardsPolicy, seed = 13) {
  const epoch = Math.floor(Date.UTC(2026, 0, 5) / policy.epochMs) + 1;
  const t0 = epoch * policy.epochMs;
  const w = await rewardsWorld(':memory:', policy, t0);
  const { nodes, referredBy, farms } = world(seed);
  for (const n of nodes)
    await w.store.auth.upsertNode({ id: n.id, operator: n.operator, fingerprint: n.fingerprint });
  for (const n of nodes) await w.rewards.referrals.ensure(n.operator);
  // Parents before children, so every referrer exists and has its code.
  const depth = (op: string): number => (referredBy.has(op) ? 1 + depth(referredBy.get(op) as string) : 0);
  for (const [op, by] of [...referredBy].sort((a, b) => depth(a[0]) - depth(b[0])))
    await w.rewards.referrals.refer(op, (await w.rewards.referrals.get(by))?.referralCode as string);

  let seq = 0;
  const work = new Map<string, number>(); // 'honest' or 'farm<i>'
  const group = (n: SimNode) => (n.farm === null ? 'honest' : `farm${n.farm}`);
  for (let d = 0; d < DAYS; d++) {
    const from = d * DAY;
    const to = from + DAY;
    for (const n of nodes) {
      for (const s of n.sessions)
        if (s.at >= from && s.at < to)
          await w.rewards.onNodeSession({ nodeId: n.id, operator: n.operator, ip: s.ip, at: t0 + s.at });
      for (const o of n.online)
        if (o.hour * HOUR >= from && o.hour * HOUR < to)
          await w.rewards.onHeartbeat(n.id, t0 + o.hour * HOUR, o.ip);
    }
    // The network's administrator scans once a day (sward admin flags scan).
    w.clock.now = t0 + from + 23 * HOUR;
    await w.rewards.scanSybils();
    w.clock.now = t0 + from + 23 * HOUR + 30 * 60_000;
    for (const n of nodes)
      for (let c = 0; c < (n.capturesPerDay[d] ?? 0); c++) {
        const r = await w.rewards.onCaptureAccepted({ captureId: `c${seq++}`, nodeId: n.id, bytes: n.bytes });
        work.set(group(n), (work.get(group(n)) ?? 0) + r.workPoints);
      }
  }
  w.clock.now = (epoch + 1) * policy.epochMs;
  const { table } = await w.rewards.closeEpoch(epoch);

  const open = await w.store.db.all<{ operator: string }>(
    `SELECT DISTINCT m.operator FROM rw_flag_members m JOIN rw_flags f ON f.id = m.flag_id WHERE f.status = 'open'`,
  );
  const flagged = new Set(open.map((r) => r.operator));
  const kinds = (await w.rewards.flags.list()).map((f) => f.kind);
  const paid = new Map<string, number>();
  const groupOfOperator = new Map(nodes.map((n) => [n.operator, group(n)]));
  for (const c of table.claims) {
    const m = /^(?:op|ref):(.*)$/.exec(c.account);
    const g = m ? groupOfOperator.get(decodeURIComponent(m[1] as string)) : undefined;
    if (g) paid.set(g, (paid.get(g) ?? 0) + c.amount);
  }
  await w.store.close();

  const totalWork = [...work.values()].reduce((s, x) => s + x, 0);
  const honestOps = new Set(nodes.filter((n) => n.farm === null).map((n) => n.operator));
  const falseFlags = [...honestOps].filter((op) => flagged.has(op));
  return {
    honestOperators: honestOps.size,
    falseFlags,
    kinds,
    farms: farms.map((_, f) => {
      const fn = nodes.filter((n) => n.farm === f);
      return {
        nodes: fn.length,
        flaggedNodes: fn.filter((n) => flagged.has(n.operator)).length,
        workShare: (work.get(`farm${f}`) ?? 0) / totalWork,
        pointsShare: (paid.get(`farm${f}`) ?? 0) / table.total,
      };
    }),
  };
}

/** simulateSybilWeek for each policy in turn: one worker thread's work (rewards-sybil-simulation.test.ts). */
export async function simulateSybilWeeks(policies: RewardsPolicy[], seed = 13) {
  const weeks = [];
  for (const policy of policies) weeks.push(await simulateSybilWeek(policy, seed));
  return weeks;
}
