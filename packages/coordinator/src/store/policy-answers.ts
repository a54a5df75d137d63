import { canonicalJson } from '@sward/core';
import { marks } from './multi-row.js';
import { apart } from './network-key.js';
import type { SqlExecutor } from './sql-driver.js';

/**
 * A policy file's answer (robots.txt, tdmrep.json, an RSL licence) waiting for a node of another operator to
 * confirm it, one per operator that answered. Whether it opens or closes the origin, one node's word is never the
 * site's: a node that lies "404" (no opt-out) would make every node crawl a site that opted out, one that lies
 * "503" would shut a site.
 */
export interface PendingAnswer {
  nodeId: string;
  operator: string;
  /**
   * The answering node's witness network when it answered (network-key.ts; null or absent: unknown). Two
   * operators' answers from one network confirm nothing: one person can hold two operator accounts behind one
   * connection far more cheaply than two connections.
   */
  network?: string | null;
  /** What the answer said, e.g. "robots.txt answered 503, closing the origin" or "TIMEOUT: …". */
  verdict: string;
  /** When this operator first answered (a later answer of the same operator does not move it). */
  at: number;
  /** What applying it would set: two operators' answers with the same effect confirm each other. */
  effect: string;
  /** How restrictive: CLOSES (the whole origin), TEXT (a policy text: limits, reserves or licenses), NONE. */
  rank: number;
}

/** Who answers a policy file: the node's operator (its own id when it names none) and its witness network. */
export interface Witness {
  operator: string;
  network: string | null;
}

/** Whether two answers come from independent witnesses: other operators, not in one known network. */
export const independent = (a: Witness, b: Pick<PendingAnswer, 'operator' | 'network'>): boolean =>
  a.operator !== b.operator && apart(a.network, b.network);

/** PendingAnswer.rank: a policy file that says nothing (absent, or no answer: read as absence). */
export const NONE = 0;
/** PendingAnswer.rank: a policy text that the site serves (robots.txt rules, a TDM reservation, a licence). */
export const TEXT = 1;
/** PendingAnswer.rank: an answer that closes the whole origin (effect CLOSES_EFFECT). */
export const CLOSES = 2;
export const CLOSES_EFFECT = 'closes';

/**
 * The answers waiting on a policy file's row (its `detail`), oldest first. Reads the older form too, one closing
 * answer (`{"closing": …}`), which rows written before opening answers waited may still hold.
 */
export function parsePendingAnswers(detail: string | null): PendingAnswer[] {
  if (!detail?.startsWith('{"closing"') && !detail?.startsWith('{"pending"')) return [];
  try {
    const d = JSON.parse(detail) as { closing?: PendingAnswer; pending?: PendingAnswer[] };
    const list = d.pending ?? (d.closing ? [{ ...d.closing, effect: CLOSES_EFFECT, rank: CLOSES }] : []);
    return list.filter((a) => a && typeof a.operator === 'string' && typeof a.at === 'number');
  } catch {
    return [];
  }
}

export const pendingDetail = (answers: readonly PendingAnswer[]) => JSON.stringify({ pending: answers });

/** When the last operator joined the answers waiting: policyConfirmMs counts from there. */
export const lastJoined = (answers: readonly PendingAnswer[]) => Math.max(...answers.map((a) => a.at));

/**
 * Whether a node of `operator` may be given a policy file with these answers waiting: a node of an operator that
 * answered is not, within policyConfirmMs of the last operator joining (its word is in already); past it, only
 * when its own answer is at least as restrictive as every other operator's (a less restrictive one can no longer
 * win, so asking it again would only hold the file from the node whose answer stands).
 */
export function mayAnswer(
  answers: readonly PendingAnswer[],
  operator: string,
  now: number,
  confirmMs: number,
): boolean {
  const mine = answers.find((a) => a.operator === operator);
  if (!mine) return true;
  if (now - lastJoined(answers) < confirmMs) return false;
  return answers.every((a) => a.operator === operator || mine.rank >= a.rank);
}

/**
 * How long ago a node must have been heard from (nodes.last_seen) to count as up: nodeTimeoutMs, and at least a
 * minute (a node's heartbeat interval). A job's wait ("no node was seen") and a policy answer's confirmation read it.
 */
export const seenWithinMs = (nodeTimeoutMs: number) => Math.max(nodeTimeoutMs, 60_000);

/**
 * Whether a node of an operator other than the witness's (or every witness's), and not in its network (where both
 * are known), could confirm its answer on a policy file or try a page it failed: not revoked,
 * logged in (a session not expired: a node that stopped logged out), heard from within seenWithinMs (on the wall
 * clock, as nodes.last_seen), and not refusing the file by its operator's rules (url_refusals in force at `now`:
 * it will not fetch it, so waiting for its word would only hold the origin until policyConfirmMs; a deny list or
 * inactive hours on another operator's node held every new origin 10 minutes). A node without an operator is its
 * own operator.
 */
export async function otherOperatorActive(
  tx: SqlExecutor,
  witness: Witness | readonly Witness[],
  file: { urlId: number; now: number },
  nodeTimeoutMs: number,
): Promise<boolean> {
  // apart from every one of several witnesses (a page's failers): none of their operators, none of their networks
  const all = Array.isArray(witness) ? (witness as readonly Witness[]) : [witness as Witness];
  const operators = [...new Set(all.map((w) => w.operator))];
  const networks = [...new Set(all.flatMap((w) => (w.network ? [w.network] : [])))];
  const wall = Date.now();
  const r = await tx.get<{ id: string }>(
    `SELECT n.id FROM nodes n WHERE n.revoked_at IS NULL AND n.last_seen >= ?
       AND (CASE WHEN n.operator IS NULL OR n.operator = '' THEN n.id ELSE n.operator END) NOT IN (${marks(operators.length)})
       ${networks.length ? `AND (n.last_network IS NULL OR n.last_network NOT IN (${marks(networks.length)}))` : ''}
       AND EXISTS (SELECT 1 FROM sessions s WHERE s.node_id = n.id AND s.expires_at >= ?)
       AND NOT EXISTS (SELECT 1 FROM url_refusals r WHERE r.url_id = ? AND r.expires_at > ?
         AND r.node_id IN (n.id, 'op:' || COALESCE(NULLIF(n.operator, ''), n.id), 'net:' || n.last_network))
     LIMIT 1`,
    // an unknown network is apart from every node's
    [wall - seenWithinMs(nodeTimeoutMs), ...operators, ...networks, wall, file.urlId, file.now],
  );
  return r !== undefined;
}

/**
 * The part of a policy file's text two answers must share to agree (their `text:` effect): a robots.txt without its
 * comments, blank lines and the spacing and case of its field names (RFC 9309: none of them changes a rule), so a
 * file stamped with the time it was served still agrees with itself; a tdmrep.json as canonical JSON when it
 * parses; any other text as served.
 */
export function agreeingText(kind: string, text: string): string {
  if (kind === 'robots')
    return text
      .split(/\r\n|\r|\n/)
      .map((line) => {
        const rule = line.replace(/#.*$/, '').trim();
        const colon = rule.indexOf(':');
        return colon < 0
          ? rule
          : `${rule.slice(0, colon).trim().toLowerCase()}:${rule.slice(colon + 1).trim()}`;
      })
      .filter((line) => line !== '')
      .join('\n');
  if (kind === 'tdmrep') {
    try {
      return canonicalJson(JSON.parse(text));
    } catch {
      return text;
    }
  }
  return text;
}
