/**
 * The extension lines of robots.txt that rule how fetched content may be used: `Content-Usage`
 * (draft-ietf-aipref-attach-05 §3), `Content-Signal` (contentsignals.org) and `License` (RSL 1.0 §4.4).
 * Allow/Disallow stay with robots-parser in the coordinator; this only groups lines as RFC 9309 §2.2
 * does, so a line applies to the same crawlers its group names.
 */

/** RFC 9309 §2.5: crawlers must parse at least 500 KiB; anything after that is not read. */
export const ROBOTS_PARSE_LIMIT = 500 * 1024;

export interface RobotsLine {
  /** Lower-cased field name, e.g. `content-usage`. */
  key: string;
  /** The value up to a `#` comment, spaces around it removed. */
  value: string;
}

interface Group {
  agents: string[];
  lines: RobotsLine[];
}

export interface RobotsFile {
  groups: Group[];
  /** Lines before the first `User-agent`, which RSL 1.0 §4.4 calls global. */
  global: RobotsLine[];
}

export function parseRobotsLines(text: string): RobotsFile {
  const groups: Group[] = [];
  const global: RobotsLine[] = [];
  let current: Group | null = null;
  let inAgents = false;
  for (const raw of text.slice(0, ROBOTS_PARSE_LIMIT).split(/\r\n|\r|\n/)) {
    const line = raw.replace(/#.*$/, '');
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'user-agent') {
      // Consecutive User-agent lines share one group (RFC 9309 §2.2.1).
      if (!current || !inAgents) {
        current = { agents: [], lines: [] };
        groups.push(current);
      }
      current.agents.push(value.toLowerCase());
      inAgents = true;
      continue;
    }
    inAgents = false;
    (current ? current.lines : global).push({ key, value });
  }
  return { groups, global };
}

/**
 * The lines of every group naming `productToken` (case-insensitive), merged; else those of every `*`
 * group (RFC 9309 §2.2.1). Empty when no group applies.
 */
export function linesForAgent(file: RobotsFile, productToken: string): RobotsLine[] {
  const token = productToken.toLowerCase();
  const named = file.groups.filter((g) => g.agents.includes(token));
  const chosen = named.length > 0 ? named : file.groups.filter((g) => g.agents.includes('*'));
  return chosen.flatMap((g) => g.lines);
}
