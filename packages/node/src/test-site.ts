// Test-only: a loopback web site for the fetcher and daemon tests (not exported from the package).
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ed25519Jwk, jwkThumbprint } from '@sward/core/node-side';
import { RequestSigner } from './request-signer.js';

export const TEST_CERT_PEM = readFileSync(new URL('./testdata/localhost-cert.pem', import.meta.url), 'utf8');
const TEST_KEY_PEM = readFileSync(new URL('./testdata/localhost-key.pem', import.meta.url), 'utf8');

export interface TestSite {
  readonly origin: string;
  readonly port: number;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  readonly lastHeaders: () => IncomingMessage['headers'] | undefined;
  /** Every request's headers, in order (with `requests`). */
  readonly headers: IncomingMessage['headers'][];
  close(): Promise<void>;
}

export const PAGE = '<html><head><title>ok</title></head><body>hello sward</body></html>';

const REDIRECTS: Record<string, [number, string]> = {
  '/r1': [302, '/r2'],
  '/r2': [301, 'origin'], // absolute: ${origin}/ok
  '/loop-a': [302, '/loop-b'],
  '/loop-b': [302, '/loop-a'],
  '/to-metadata': [302, 'http://169.254.169.254/latest/meta-data/'],
  '/to-metadata-name': [302, 'http://metadata.google.internal/computeMetadata/v1/'],
  '/to-denied': [302, 'http://denied.example/'],
};

function route(req: IncomingMessage, res: ServerResponse, origin: string): void {
  const path = new URL(req.url ?? '/', origin).pathname;
  const redirect = (status: number, to: string) => {
    res.writeHead(status, { location: to, 'content-type': 'text/plain' });
    res.end(`see ${to}`);
  };
  // /to?u=<url>: a redirect anywhere (to another origin, in the licence-token test).
  const anywhere = path === '/to' ? new URL(req.url ?? '/', origin).searchParams.get('u') : null;
  if (anywhere) {
    redirect(302, anywhere);
    return;
  }
  const to = REDIRECTS[path];
  if (to) {
    redirect(to[0], to[1] === 'origin' ? `${origin}/ok` : to[1]);
    return;
  }
  switch (path) {
    case '/ok':
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': String(Buffer.byteLength(PAGE)),
        etag: '"v1"',
        'x-secret': 'not signed',
      });
      res.end(PAGE);
      return;
    case '/cond':
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' });
        res.end();
      } else {
        res.writeHead(200, { etag: '"v1"' });
        res.end(PAGE);
      }
      return;
    case '/big':
      // Chunked, no content-length: the limit must be enforced while streaming.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < 64; i++) res.write(Buffer.alloc(64 * 1024, 0x61));
      res.end();
      return;
    case '/big-declared':
      res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
      res.write('x'); // then hang: the declared length alone must refuse it
      return;
    case '/slow':
      return; // never answers
    default:
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
  }
}

export async function startTestSite(options: { https?: boolean } = {}): Promise<TestSite> {
  const requests: string[] = [];
  const headers: IncomingMessage['headers'][] = [];
  let last: IncomingMessage['headers'] | undefined;
  let origin = '';
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    requests.push(req.url ?? '/');
    last = req.headers;
    headers.push(req.headers);
    route(req, res, origin);
  };
  const server: Server = options.https
    ? createHttpsServer({ cert: TEST_CERT_PEM, key: TEST_KEY_PEM }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `${options.https ? 'https' : 'http'}://${options.https ? 'localhost' : '127.0.0.1'}:${port}`;
  return {
    origin,
    port,
    requests,
    lastHeaders: () => last,
    headers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A request signer holding a fresh key, as if the coordinator had delegated it (fetcher tests). */
export function testRequestSigner(signatureAgent = 'http://coordinator.test'): RequestSigner {
  return testSigningKey(signatureAgent).signer;
}

/** testRequestSigner with the public key a site would find in the directory. */
export function testSigningKey(signatureAgent = 'http://coordinator.test'): {
  signer: RequestSigner;
  publicKey: KeyObject;
} {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' }) as { x: string; d: string };
  const signer = new RequestSigner();
  const now = Date.now();
  signer.use({
    keyid: jwkThumbprint(ed25519Jwk(privateKey)),
    jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d },
    notBefore: new Date(now).toISOString(),
    notAfter: new Date(now + 3_600_000).toISOString(),
    signatureAgent,
  });
  return { signer, publicKey };
}
