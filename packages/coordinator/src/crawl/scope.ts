import type { CrawlOptions } from '@sward/core';
import picomatch from 'picomatch';

/**
 * Which discovered URLs belong to a crawl: by default the seed's host name; `include` globs (matched
 * against the whole URL, `**` crossing slashes) widen or narrow that, `exclude` globs always win.
 */
export function crawlScope(opts: CrawlOptions): (url: string) => boolean {
  const seedHost = new URL(opts.seed).hostname;
  const pm = (globs: string[]) => (globs.length ? picomatch(globs, { dot: true, bash: true }) : null);
  const inc = pm(opts.include);
  const exc = pm(opts.exclude);
  return (url) => {
    if (exc?.(url)) return false;
    if (inc) return inc(url);
    return new URL(url).hostname === seedHost;
  };
}
