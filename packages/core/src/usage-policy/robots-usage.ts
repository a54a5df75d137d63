import { type ContentSignalRule, contentSignalRules } from './content-signals.js';
import { type ContentUsageRule, contentUsageRules } from './content-usage-rules.js';
import { linesForAgent, parseRobotsLines } from './robots-groups.js';
import { type RslReference, robotsLicenseRefs } from './rsl-discovery.js';

/** Everything robots.txt says about use (not access) for one crawler, read from the group RFC 9309 picks. */
export interface RobotsUsage {
  contentUsage: ContentUsageRule[];
  contentSignals: ContentSignalRule[];
  licenses: RslReference[];
}

export function parseRobotsUsage(robotsTxt: string, productToken: string): RobotsUsage {
  const file = parseRobotsLines(robotsTxt);
  const lines = linesForAgent(file, productToken);
  return {
    contentUsage: contentUsageRules(lines),
    contentSignals: contentSignalRules(lines),
    licenses: robotsLicenseRefs(file, lines),
  };
}
