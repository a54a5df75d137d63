import { ROBOTS_AGENT } from './user-agent.js';

/**
 * `noai` (and `noimageai` for images) in an X-Robots-Tag header or a robots meta tag is a publisher's
 * opt-out from AI use. Header values may be scoped to a bot ("SwardBot: noai") or global.
 */
export function headerSaysNoAi(xRobotsTag: string | undefined): boolean {
  if (!xRobotsTag) return false;
  for (const part of xRobotsTag.split(/,(?=\s*[A-Za-z-]+\s*:)|\n/)) {
    const m = /^\s*([A-Za-z0-9_-]+)\s*:\s*(.*)$/.exec(part);
    const scope = m && !/^(noai|noindex|none|unavailable_after)$/i.test(m[1] ?? '') ? m[1] : null;
    const directives = scope ? (m?.[2] ?? '') : part;
    if (scope && scope.toLowerCase() !== ROBOTS_AGENT.toLowerCase()) continue;
    if (directives.split(/[,\s]+/).some((d) => d.toLowerCase() === 'noai')) return true;
  }
  return false;
}

/** Robots meta values that apply to us: `<meta name="robots">` and `<meta name="SwardBot">`. */
export function metaSaysNoAi(metaRobots: readonly { name: string; content: string }[]): boolean {
  return metaRobots.some(
    (m) =>
      (m.name.toLowerCase() === 'robots' || m.name.toLowerCase() === ROBOTS_AGENT.toLowerCase()) &&
      m.content.split(/[,\s]+/).some((d) => d.toLowerCase() === 'noai'),
  );
}
