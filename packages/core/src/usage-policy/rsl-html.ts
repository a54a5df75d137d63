import { Parser } from 'htmlparser2';
import type { RslReference } from './rsl-discovery.js';
import { RSL_MEDIA_TYPE } from './rsl-document.js';
import { absolute, isRslLicense } from './rsl-link.js';

// `@sward/core/rsl-html`, not in the usage-policy index: htmlparser2 (~80 modules) then loads only where HTML
// is read (the coordinator's ingest, at its first HTML page), not with everything that imports the policies.

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
