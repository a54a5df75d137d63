import { openStore } from '../open-store.js';
import type { Store } from '../store/store.js';
import type { RewardsPolicy } from './rewards-policy.js';
import { RewardsService } from './rewards-service.js';

/** Tests only (not exported from index.ts): a store plus a RewardsService on a clock the test moves. */
export interface RewardsWorld {
  store: Store;
  rewards: RewardsService;
  clock: { now: number };
  node(id: string, operator: string, o?: { ip?: string; fingerprint?: string }): Promise<void>;
  /** Heartbeats from `ip` in every uptime slot of the `hours` before the clock (sybil evidence). */
  online(nodeIds: readonly string[], ip: string, hours: number): Promise<void>;
}

export async function rewardsWorld(location: string, policy?: RewardsPolicy, start = Date.UTC(2026, 0, 5)) {
  const store = await openStore(location);
  const clock = { now: start };
  const rewards = new RewardsService(store.db, { ...(policy ? { policy } : {}), now: () => clock.now });
  const world: RewardsWorld = {
    store,
    rewards,
    clock,
    async node(id, operator, o = {}) {
      await store.auth.upsertNode({ id, operator, ...o });
      await rewards.onNodeSession({ nodeId: id, operator });
    },
    async online(nodeIds, ip, hours) {
      const slotMs = rewards.policy.availability.slotMs;
      for (const id of nodeIds)
        for (let at = clock.now - hours * 3600_000; at < clock.now; at += slotMs)
          await rewards.onHeartbeat(id, at, ip);
    },
  };
  return world;
}
