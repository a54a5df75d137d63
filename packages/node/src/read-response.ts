import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header.js';
import { NodeError } from './errors.js';

export interface BodyLimits {
  /** The URL named in a TOO_LARGE or CAP_REACHED message. */
  readonly url: string;
  readonly maxBytes: number;
  /** Counts bytes as they arrive against the operator's cap; false stops the read with CAP_REACHED. */
  readonly onBytes?: (n: number) => boolean;
  /** Count the body of a response with this status but keep none of it (a redirect's). */
  readonly discard?: (status: number) => boolean;
}

export interface ReadResponse {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** The part of undici's DispatchOptions a node sends, with the signal that cuts it short. */
export type ReadRequest = Dispatcher.DispatchOptions & { readonly signal?: AbortSignal };

/**
 * Sends one request and reads its whole response into one Buffer, through a dispatch handler: undici's
 * request() wraps every response in a Readable stream, an AsyncResource and (read with `for await`) an
 * async iterator, most of a node's JavaScript per request once TurboFan is off (lean-runtime.ts; docs/
 * BENCHMARKS.md, session 16). With `limits`, a declared Content-Length over maxBytes ends the request
 * before its body (TOO_LARGE), as does a body that passes it, or the byte cap (CAP_REACHED). Rejects with
 * the signal's reason when it aborts, else with undici's error (network, timeouts).
 */
export function readResponse(
  dispatcher: Pick<Dispatcher, 'dispatch'>,
  request: ReadRequest,
  limits?: BodyLimits,
): Promise<ReadResponse> {
  const { signal, ...opts } = request;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | null = null;
    // Set when this side ends the request: what the caller gets, whatever undici reports after.
    let ended: unknown;
    let settled = false;
    let statusCode = 0;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let total = 0;
    let keep = true;
    const settle = (e: unknown, res?: ReadResponse) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (res) resolve(res);
      else reject(e);
    };
    const end = (e: unknown) => {
      ended ??= e;
      if (controller) controller.abort(ended as Error);
    };
    const onAbort = () => end(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (ended !== undefined) c.abort(ended as Error);
      },
      onResponseStart(_c, status, h) {
        if (status < 200) return; // 1xx: informational, the response follows
        statusCode = status;
        headers = h as IncomingHttpHeaders;
        keep = !limits?.discard?.(status);
        const declared = Number(headerText(headers, 'content-length'));
        if (limits && Number.isFinite(declared) && declared > limits.maxBytes)
          end(
            new NodeError('TOO_LARGE', `${limits.url} declares ${declared} bytes, over ${limits.maxBytes}`),
          );
      },
      onResponseData(_c, chunk) {
        if (ended !== undefined) return;
        total += chunk.length;
        if (limits) {
          const withinCap = limits.onBytes ? limits.onBytes(chunk.length) : true;
          if (total > limits.maxBytes)
            return end(new NodeError('TOO_LARGE', `body of ${limits.url} is over ${limits.maxBytes} bytes`));
          if (!withinCap)
            return end(new NodeError('CAP_REACHED', `byte cap reached while reading ${limits.url}`));
        }
        if (keep) chunks.push(chunk);
      },
      onResponseEnd() {
        if (ended !== undefined) return settle(ended);
        settle(undefined, {
          statusCode,
          headers,
          body: keep ? Buffer.concat(chunks, total) : Buffer.alloc(0),
        });
      },
      onResponseError(_c, e) {
        settle(ended ?? e);
      },
    };
    try {
      dispatcher.dispatch(opts, handler);
    } catch (e) {
      settle(e);
    }
  });
}

export function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
