import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * The fetch `sward crawl` follows its job with (one small JSON request every 250 ms for minutes), on
 * node:http: Node's global fetch loads undici (its JavaScript and llhttp's WebAssembly) on first use, and a
 * bare process polling with it is ~12 MiB more resident than one polling with node:http (58 against 46 MiB);
 * `sward crawl` following a job 53-55 MiB against 62-63 with fetch (docs/BENCHMARKS.md, session 16, cmem).
 * The output phase, which streams files, uses the global fetch.
 *
 * What it answers is the part of a Response the SDK client's JSON calls read (`ok`, `status`, `headers.get`,
 * `json`, `text`, `arrayBuffer`, `body?.cancel`); not a stream body. Connection errors are node:http's (their
 * `code`, e.g. ECONNRESET, is what the client retries a GET on).
 */
export interface FollowFetch {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** Closes the kept-alive connections. */
  close: () => void;
}

export function followFetch(): FollowFetch {
  const http = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const https = new HttpsAgent({ keepAlive: true, maxSockets: 1 });
  const fetch = (url: string, init: RequestInit): Promise<Response> =>
    new Promise((resolve, reject) => {
      const u = new URL(url);
      const tls = u.protocol === 'https:';
      const body = typeof init.body === 'string' ? Buffer.from(init.body) : undefined;
      if (init.body !== undefined && init.body !== null && body === undefined)
        throw new TypeError('followFetch sends string bodies only');
      const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
      if (body) headers['content-length'] = String(body.length);
      const options = { method: init.method ?? 'GET', headers };
      const onAnswer = (res: IncomingMessage) => resolve(answer(res));
      const req = tls
        ? httpsRequest(u, { ...options, agent: https }, onAnswer)
        : httpRequest(u, { ...options, agent: http }, onAnswer);
      req.on('error', reject);
      req.end(body);
    });
  return {
    fetch,
    close: () => {
      http.destroy();
      https.destroy();
    },
  };
}

/** The response, its body read in full on first use. */
function answer(res: IncomingMessage): Response {
  let bytes: Promise<Buffer> | undefined;
  const read = (): Promise<Buffer> => {
    bytes ??= new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    return bytes;
  };
  const status = res.statusCode ?? 0;
  const text = async () => (await read()).toString('utf8');
  return {
    ok: status >= 200 && status < 300,
    status,
    headers: {
      get: (name: string) => {
        const v = res.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    },
    text,
    json: async () => JSON.parse(await text()),
    arrayBuffer: async () => {
      const b = await read();
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    },
    body: {
      cancel: async () => {
        res.resume();
      },
    },
  } as unknown as Response;
}
