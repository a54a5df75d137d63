import type { IncomingHttpHeaders } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * hono's bodyLimit, deciding from the socket's headers when they can: hono's own first asks for
 * `c.req.raw.body`, which makes @hono/node-server build a web Request and a ReadableStream over the socket
 * for every request with a body, so the body is then read through web streams instead of its buffered
 * fast path (a node's capture batch and lease request each paid it: the coordinator's main thread is what a
 * crawl's pages/s follow). HTTP/1.1 reads no more than Content-Length and a request with neither it nor
 * Transfer-Encoding has no body, so Content-Length alone decides; a chunked body (or a request that did not
 * come through a socket: `app.request()`) goes through hono's, which counts the bytes as they come.
 */
export function bodyLimitByLength(opts: {
  maxSize: number;
  onError: (c: Context) => Response | Promise<Response>;
}): MiddlewareHandler {
  const counting = bodyLimit(opts);
  return async (c, next) => {
    const headers = (c.env as { incoming?: { headers?: IncomingHttpHeaders } } | undefined)?.incoming
      ?.headers;
    if (!headers || headers['transfer-encoding'] !== undefined) return counting(c, next);
    const length = headers['content-length'];
    if (length !== undefined && Number(length) > opts.maxSize) return opts.onError(c);
    await next();
  };
}
