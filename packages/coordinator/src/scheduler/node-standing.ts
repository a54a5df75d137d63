import { CoordinatorError } from '../errors.js';
import type { NodeStanding } from '../store/auth-store.js';

/**
 * Why a node may take no work now, or null: the one definition POST /v1/nodes/lease and a capture batch's
 * lease ask share, checked by the route before it waits and by the claim in its own transaction. A node
 * with no row is refused like a revoked one (a session can outlive its node's row: nothing vouches for it).
 * `bar`: the spot-check credibility below which a node gets no work until reviewed.
 */
export function workRefusal(nodeId: string, standing: NodeStanding, bar: number): CoordinatorError | null {
  if (standing == null || standing.revokedAt != null)
    return new CoordinatorError('NODE_REVOKED', `node ${nodeId} may not take work`);
  if (standing.credibility < bar)
    return new CoordinatorError(
      'NODE_DISTRUSTED',
      `node ${nodeId} failed spot checks (credibility ${standing.credibility.toFixed(3)} < ${bar}); it gets no work until reviewed`,
    );
  return null;
}
