import LinkHeader from 'http-link-header';
import type { RobotsFile, RobotsLine } from './robots-groups.js';
import { absolute, isRslLicense } from './rsl-link.js';

/**
 * Where a page names its RSL licence (RSL 1.0 §4): `License:` lines in robots.txt (§4.4), an HTTP
 * `Link: <…>; rel="license"; type="application/rsl+xml"` (§4.5), and in HTML a `<link>` with the same
 * rel and type or an inline `<script type="application/rsl+xml">` (§4.6, rsl-html.ts). Clients check all of them.
 */

export type RslReference =
  | { via: 'robots' | 'link-header' | 'html-link'; url: string }
  | { via: 'html-script'; xml: string };

/**
 * §4.4: `License` lines in the group chosen for the crawler win; without any, the global ones
 * (before the first User-agent) apply. Values that are not absolute http(s) URLs are ignored.
 */
export function robotsLicenseRefs(file: RobotsFile, groupLines: readonly RobotsLine[]): RslReference[] {
  const pick = (lines: readonly RobotsLine[]) =>
    lines
      .filter((l) => l.key === 'license')
      .flatMap((l) => {
        const url = absolute(l.value);
        return url ? [{ via: 'robots' as const, url }] : [];
      });
  const own = pick(groupLines);
  return own.length > 0 ? own : pick(file.global);
}

/** §4.5: the target must be absolute; a header that does not parse as RFC 8288 yields nothing. */
export function linkHeaderRefs(value: string | undefined): RslReference[] {
  if (!value) return [];
  let refs: ReturnType<typeof LinkHeader.parse>['refs'];
  try {
    refs = LinkHeader.parse(value).refs;
  } catch {
    return [];
  }
  return refs.flatMap((r) => {
    const url = isRslLicense(r.rel, r.type) ? absolute(r.uri) : null;
    return url ? [{ via: 'link-header' as const, url }] : [];
  });
}
