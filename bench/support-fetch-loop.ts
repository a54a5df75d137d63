// The undici baseline loop, shared by the bench systems built on it (crawl-bench's undici and
// undici-linkedom, support-relay.ts): `concurrency` workers take the next URL in turn, fetch it on one dispatcher
// and read its body whole, then hand it to the system's own work for a page.
import type { Dispatcher } from 'undici';

export async function fetchEach(
  urls: readonly string[],
  concurrency: number,
  dispatcher: Dispatcher,
  onPage: (url: string, res: Pick<Dispatcher.ResponseData, 'statusCode' | 'headers'>, body: Buffer) => void,
): Promise<void> {
  const { request } = await import('undici');
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < urls.length; i = next++) {
      const url = urls[i] as string;
      const res = await request(url, { dispatcher });
      onPage(url, res, Buffer.from(await res.body.arrayBuffer()));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
