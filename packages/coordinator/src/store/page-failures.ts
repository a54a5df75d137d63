import { type FrontierStore, witnessKeys } from './frontier-store.js';
import { independent, otherOperatorActive, type Witness } from './policy-answers.js';
import type { SqlExecutor } from './sql-driver.js';

/** At this many tries a page fails whoever failed it: a page one operator keeps failing must end somewhere. */
export const FAILURE_TRIES_FACTOR = 2;

/**
 * A node's failure to fetch a page or feed (no HTTP answer, its guard's or size limit's refusal, or a lease it let
 * lapse) is its word, not the site's, as a policy answer is. The page goes back for another node (the reporter is
 * kept off it for a lease length when a node of another operator could take it, or when it let the lease lapse;
 * the next try waits its backoff),
 * and fails for good at maxAttempts tries only when
 * its failures so far come from independent witnesses (policy-answers.ts independent: another operator, not in
 * one known network), or when no node of another operator outside the reporter's network is active to try it (a
 * network of one operator fails it as it always did). Past maxAttempts on one witness's word, only nodes apart
 * from every failer are offered it for policyConfirmMs; at FAILURE_TRIES_FACTOR x maxAttempts tries it fails
 * whoever failed it. Before, one node's TOO_LARGE or BLOCKED_ADDRESS failed a page at once, and one operator's
 * nodes taking turns with TIMEOUT failed it in three reports: any page, chosen, kept out of a job's output.
 */
export async function pageFailed(
  frontier: FrontierStore,
  tx: SqlExecutor,
  row: { id: number; attempts: number },
  nodeId: string,
  failure: { code: string; detail: string; backoff: boolean; lapsed?: boolean },
  now: number,
): Promise<'retry' | 'failed'> {
  const { config } = frontier;
  const me = await frontier.witnessOf(tx, nodeId);
  await tx.run(
    'INSERT INTO url_failures (url_id, node_id, operator, network, code, at) VALUES (?, ?, ?, ?, ?, ?)',
    [row.id, nodeId, me.operator, me.network, failure.code, now],
  );
  // Its tries are the failures reported (this one included), not its attempts: a page's attempts also count
  // its waits for an RSL licence (ingest.ts), and a page that waited so failed on the next node's word alone.
  const reports = await tx.all<Witness>('SELECT operator, network FROM url_failures WHERE url_id = ?', [
    row.id,
  ]);
  const tries = reports.length;
  // whether a node apart from every failer (this reporter included) is there to try it (one in a failer's
  // network is kept off it, and would be no independent witness): otherwise the reporter tries again, and at
  // maxAttempts it fails
  const others = await otherOperatorActive(tx, reports, { urlId: row.id, now }, config.nodeTimeoutMs);
  let decided = tries >= FAILURE_TRIES_FACTOR * config.maxAttempts;
  let failers: Witness[] = [];
  if (!decided && tries >= config.maxAttempts) {
    failers = [...new Map(reports.map((w) => [`${w.operator}\n${w.network ?? ''}`, w])).values()];
    decided = !others || failers.some((a, i) => failers.slice(i + 1).some((b) => independent(a, b)));
  }
  const outcome = await frontier.retryOrFail(
    tx,
    row.id,
    row.attempts + 1,
    failure.code,
    failure.detail,
    now,
    null,
    failure.backoff,
    decided,
  );
  if (outcome !== 'retry') return outcome;
  // a node that let a lease lapse may still be hung: kept off a lease length even when it is the only one
  if (others || failure.lapsed)
    await frontier.keepAway(tx, row.id, nodeId, now, failure.code, config.leaseMs);
  // Its attempts spent on one witness's word: for policyConfirmMs only nodes apart from every failer (another
  // operator, another network) may try it; a new node of a failer's operator or network is kept off too (keys
  // `op:` and `net:`, FrontierStore's NOT_REFUSED_BY). Then, if none came, the failers may try again, toward the cap.
  for (const key of new Set(failers.flatMap(witnessKeys)))
    await frontier.keepAway(tx, row.id, key, now, failure.code, config.policyConfirmMs);
  return outcome;
}
