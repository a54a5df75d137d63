import { createHash } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Body {
  status?: number;
  type: string;
  body: string | Uint8Array;
  headers?: Record<string, string>;
}

/** Writes a response; HEAD gets the headers without the body. */
export function send(req: IncomingMessage, res: ServerResponse, b: Body): void {
  const bytes = typeof b.body === 'string' ? Buffer.from(b.body, 'utf8') : b.body;
  res.writeHead(b.status ?? 200, {
    'content-type': b.type,
    'content-length': String(bytes.length),
    ...b.headers,
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

export function redirect(res: ServerResponse, status: number, location: string): void {
  res.writeHead(status, { location, 'content-length': '0' });
  res.end();
}

/** A strong validator from the exact bytes, so it changes whenever the body does and only then. */
export function etagOf(body: string | Uint8Array): string {
  return `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
}

/**
 * Answers 304 when the client's validators match (RFC 9110 §13.1: If-None-Match wins over
 * If-Modified-Since) and returns true; otherwise returns false and the caller sends the 200.
 */
export function notModified(
  req: IncomingMessage,
  res: ServerResponse,
  etag: string,
  lastModified: Date,
): boolean {
  const inm = req.headers['if-none-match'];
  const ims = req.headers['if-modified-since'];
  let match = false;
  if (inm !== undefined) {
    match = inm
      .split(',')
      .map((t) => t.trim().replace(/^W\//, ''))
      .some((t) => t === '*' || t === etag);
  } else if (ims !== undefined) {
    const since = Date.parse(ims);
    match = !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
  }
  if (!match) return false;
  res.writeHead(304, { etag, 'last-modified': lastModified.toUTCString() });
  res.end();
  return true;
}

/** Listens and returns the origin URL ("http://host:port"); IPv6 hosts get brackets. */
export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const h = host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${addr.port}`;
}

/** Closes the server and drops kept-alive connections so tests do not hang on close. */
export async function closeServer(server: Server): Promise<void> {
  const done = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await done;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
