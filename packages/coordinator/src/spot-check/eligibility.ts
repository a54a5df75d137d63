import { apart, witnessNetwork } from '../store/network-key.js';
import type { SqlExecutor } from '../store/sql-driver.js';
import type { SpotCheckTask } from './task.js';

interface NodeFacts {
  operator: string | null;
  ip: string | null;
}

/**
 * Whether `nodeId` may check a capture: not a node already involved, not run by the same operator,
 * and, where both networks are known, not from the same network.
 */
export async function mayCheck(
  tx: SqlExecutor,
  nodeId: string,
  task: SpotCheckTask,
  cache: Map<string, NodeFacts>,
): Promise<boolean> {
  if (task.exclude.includes(nodeId)) return false;
  const facts = async (id: string): Promise<NodeFacts> => {
    let f = cache.get(id);
    if (!f) {
      const r = await tx.get<{ operator: string | null; last_ip: string | null }>(
        'SELECT operator, last_ip FROM nodes WHERE id = ?',
        [id],
      );
      f = { operator: r?.operator ?? null, ip: r?.last_ip ?? null };
      cache.set(id, f);
    }
    return f;
  };
  const me = await facts(nodeId);
  for (const other of task.exclude) {
    const o = await facts(other);
    if (me.operator && o.operator && me.operator === o.operator) return false;
    if (!apart(witnessNetwork(me.ip), witnessNetwork(o.ip))) return false;
  }
  return true;
}
