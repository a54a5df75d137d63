/**
 * `noai` in an X-Robots-Tag header is a publisher's opt-out from AI use. Values may be scoped to a bot
 * ("SwardBot: noai") or global; `agent` is the product token scoped values must name to apply.
 */
export function headerSaysNoAi(xRobotsTag: string | undefined, agent: string): boolean {
  if (!xRobotsTag) return false;
  for (const part of xRobotsTag.split(/,(?=\s*[A-Za-z-]+\s*:)|\n/)) {
    const m = /^\s*([A-Za-z0-9_-]+)\s*:\s*(.*)$/.exec(part);
    const scope = m && !/^(noai|noindex|none|unavailable_after)$/i.test(m[1] ?? '') ? m[1] : null;
    const directives = scope ? (m?.[2] ?? '') : part;
    if (scope && scope.toLowerCase() !== agent.toLowerCase()) continue;
    if (directives.split(/[,\s]+/).some((d) => d.toLowerCase() === 'noai')) return true;
  }
  return false;
}

/** The product token robots.txt groups and scoped X-Robots-Tag values are matched against (RFC 9309 §2.2.1). */
export const ROBOTS_AGENT = 'SwardBot';
