import { Parser } from 'htmlparser2';
import LinkHeader from 'http-link-header';
import type { RobotsFile, RobotsLine } from './robots-groups.js';
import { RSL_MEDIA_TYPE } from './rsl-document.js';

/**
 * Where a page names its RSL licence (RSL 1.0 §4): `License:` lines in robots.txt (§4.4), an HTTP
 * `Link: <…>; rel="license"; type="application/rsl+xml"` (§4.5), and in HTML a `<link>` with the same
 * rel and type or an inline `<script type="application/rsl+xml">` (§4.6). Clients check all of them.
 */

export type RslReference =
  | { via: 'robots' | 'link-header' | 'html-link'; url: string }
  | { via: 'html-script'; xml: string };

function absolute(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

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

const isRslLicense = (rel: string | undefined, type: string | undefined) =>
  (rel ?? '').toLowerCase().split(/\s+/).includes('license') &&
  (type ?? '').split(';')[0]?.trim().toLowerCase() === RSL_MEDIA_TYPE;

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

/** §4.6: `<link rel="license" type="application/rsl+xml" href>` (resolved against the page) and inline scripts. */
export function htmlRslRefs(html: string, pageUrl: string): RslReference[] {
  const out: RslReference[] = [];
  let script: string | null = null;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'link' && isRslLicense(attrs.rel, attrs.type) && attrs.href) {
          try {
            const url = absolute(new URL(attrs.href, pageUrl).href);
            if (url) out.push({ via: 'html-link', url });
          } catch {
            // An href that is not a URL names no licence.
          }
        }
        if (name === 'script' && (attrs.type ?? '').trim().toLowerCase() === RSL_MEDIA_TYPE) script = '';
      },
      ontext(data) {
        if (script !== null) script += data;
      },
      onclosetag(name) {
        if (name === 'script' && script !== null) {
          out.push({ via: 'html-script', xml: script.trim() });
          script = null;
        }
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return out;
}
