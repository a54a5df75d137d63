import robotsParserModule from 'robots-parser';
import { ROBOTS_AGENT } from '../noai-header.js';

// robots-parser is CommonJS with a default-export typing; this cast gives it a callable type under NodeNext.
const robotsParser = robotsParserModule as unknown as (
  url: string,
  txt: string,
) => {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
  getSitemaps(): string[];
};

/** What the coordinator learned from fetching /robots.txt, stored per origin. */
export type RobotsState = 'unknown' | 'fetched' | 'allow-all' | 'disallow-all';

export interface RobotsVerdict {
  allowed: boolean;
  crawlDelayMs: number;
}

/**
 * RFC 9309 §2.3.1: a 4xx robots.txt means no restrictions; 5xx or an unreachable server means
 * "complete disallow". Redirects were already followed by the node.
 */
export function robotsStateFromStatus(status: number | null): RobotsState {
  if (status === null || status >= 500) return 'disallow-all';
  if (status >= 400) return 'allow-all';
  if (status >= 200 && status < 300) return 'fetched';
  return 'disallow-all';
}

const cache = new Map<string, ReturnType<typeof robotsParser>>();

/** Parsed robots.txt objects are cached by origin and text, so a claim loop parses each file once. */
export function robotsVerdict(
  origin: string,
  state: RobotsState,
  txt: string | null,
  url: string,
): RobotsVerdict {
  if (state === 'allow-all') return { allowed: true, crawlDelayMs: 0 };
  if (state !== 'fetched' || txt === null) return { allowed: false, crawlDelayMs: 0 };
  const key = `${origin}\n${txt}`;
  let parser = cache.get(key);
  if (!parser) {
    if (cache.size > 10_000) cache.clear();
    parser = robotsParser(`${origin}/robots.txt`, txt);
    cache.set(key, parser);
  }
  const allowed = parser.isAllowed(url, ROBOTS_AGENT) !== false;
  const delay = parser.getCrawlDelay(ROBOTS_AGENT);
  // As written: a delay longer than the coordinator will wait skips the host (crawl_delay_too_long), it is
  // never shortened.
  return {
    allowed,
    crawlDelayMs: delay !== undefined && Number.isFinite(delay) && delay > 0 ? delay * 1000 : 0,
  };
}
