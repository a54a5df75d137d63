// The sample site's HTML pages as a crawl stores them, for the extraction benches.
import { startSampleSite } from '@sward/testsites';

/** The site's HTML pages (at most `count`), breadth first from the home page. */
export async function fetchSamplePages(
  count: number,
): Promise<{ url: string; body: Buffer; type: string }[]> {
  const site = await startSampleSite({ pages: count, politeness: false, slowMs: 0 });
  const pages: { url: string; body: Buffer; type: string }[] = [];
  const seen = new Set(['/']);
  const queue = [`${site.url}/`];
  while (queue.length && pages.length < count) {
    const url = queue.shift() as string;
    const res = await fetch(url, { redirect: 'manual' }).catch(() => null);
    const type = res?.headers.get('content-type') ?? '';
    if (res?.status !== 200 || !type.includes('html')) continue;
    const body = Buffer.from(await res.arrayBuffer());
    pages.push({ url, body, type });
    for (const m of body.toString().matchAll(/href="([^"#]+)"/g)) {
      const u = URL.canParse(m[1] as string, url) ? new URL(m[1] as string, url) : null;
      if (u?.origin === site.url && !seen.has(u.pathname)) {
        seen.add(u.pathname);
        queue.push(u.href);
      }
    }
  }
  await site.close();
  return pages;
}
