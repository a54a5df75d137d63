import { headerSaysNoAi as coreHeaderSaysNoAi } from '@sward/core';
import { ROBOTS_AGENT } from './user-agent.js';

/**
 * `noai` (and `noimageai` for images) in an X-Robots-Tag header or a robots meta tag is a publisher's
 * opt-out from AI use. The header rule lives in core, where `sward verify` checks skip evidence with it.
 */
export function headerSaysNoAi(xRobotsTag: string | undefined): boolean {
  return coreHeaderSaysNoAi(xRobotsTag, ROBOTS_AGENT);
}

/** Robots meta values that apply to us: `<meta name="robots">` and `<meta name="SwardBot">`. */
export function metaSaysNoAi(metaRobots: readonly { name: string; content: string }[]): boolean {
  return metaRobots.some(
    (m) =>
      (m.name.toLowerCase() === 'robots' || m.name.toLowerCase() === ROBOTS_AGENT.toLowerCase()) &&
      m.content.split(/[,\s]+/).some((d) => d.toLowerCase() === 'noai'),
  );
}
