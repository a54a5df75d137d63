import type { Readable } from 'node:stream';
import { NodeError } from './errors.js';

export interface BodyLimits {
  readonly maxBytes: number;
  /** Counts bytes against the operator's cap as they arrive; false stops the read with CAP_REACHED. */
  readonly onBytes?: (n: number) => boolean;
}

/** Reads a response body, stopping as soon as it passes maxBytes or the byte cap. */
export async function readBody(body: Readable, url: string, limits: BodyLimits): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      total += buf.length;
      const withinCap = limits.onBytes ? limits.onBytes(buf.length) : true;
      if (total > limits.maxBytes)
        throw new NodeError('TOO_LARGE', `body of ${url} is over ${limits.maxBytes} bytes`);
      if (!withinCap) throw new NodeError('CAP_REACHED', `byte cap reached while reading ${url}`);
      chunks.push(buf);
    }
  } catch (err) {
    body.destroy();
    throw err;
  }
  return Buffer.concat(chunks, total);
}

/** Reads and drops a body (a redirect's), still counting its bytes and bounding its size. */
export async function discardBody(body: Readable, url: string, limits: BodyLimits): Promise<void> {
  await readBody(body, url, limits);
}
