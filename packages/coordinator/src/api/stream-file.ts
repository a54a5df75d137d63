import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { Context } from 'hono';

/** A file on disk as the answer, streamed (dataset shards are ~256 MB), with its length. */
export function streamFile(c: Context, abs: string): Response {
  const body = Readable.toWeb(createReadStream(abs)) as ReadableStream<Uint8Array>;
  return c.body(body, 200, {
    'content-type': 'application/octet-stream',
    'content-length': String(statSync(abs).size),
  });
}
