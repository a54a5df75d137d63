import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Verdict, type VerifierOptions, WebBotAuthVerifier } from './web-bot-auth-verifier.js';

export interface WebBotAuthSiteOptions extends VerifierOptions {
  /** Pages /p/0 … /p/(pages-1), each linking to the next; default 5. */
  readonly pages?: number;
  /** Crawl-delay in robots.txt, seconds (spreads a crawl over time, e.g. across key rotations). */
  readonly crawlDelay?: number;
}

export interface WebBotAuthSiteRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly verdict: Verdict;
}

export interface WebBotAuthSite {
  readonly url: string;
  /** Every request with the headers it came with and what the verifier said, in order. */
  readonly requests: WebBotAuthSiteRequest[];
  close(): Promise<void>;
}

/**
 * A loopback site that serves only requests whose Web Bot Auth signature verifies against a trusted
 * agent's directory, and answers any other 401 with the reason: what a publisher who requires
 * verified bots would run.
 */
export async function startWebBotAuthSite(opts: WebBotAuthSiteOptions): Promise<WebBotAuthSite> {
  const verifier = new WebBotAuthVerifier(opts);
  const pages = opts.pages ?? 5;
  const requests: WebBotAuthSiteRequest[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    const url = `http://${req.headers.host ?? 'localhost'}${path}`;
    verifier
      .verify({ method: req.method ?? 'GET', url, headers: req.headers })
      .then((verdict) => {
        requests.push({ path, headers: req.headers, verdict });
        if (!verdict.ok) {
          res.writeHead(401, { 'content-type': 'text/plain' });
          res.end(`Web Bot Auth: ${verdict.refusal}: ${verdict.detail}\n`);
          return;
        }
        if (path === '/robots.txt') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(`User-agent: *\nAllow: /\n${opts.crawlDelay ? `Crawl-delay: ${opts.crawlDelay}\n` : ''}`);
          return;
        }
        const n = path === '/' ? -1 : Number(/^\/p\/(\d+)$/.exec(path)?.[1] ?? Number.NaN);
        if (Number.isNaN(n) || n >= pages) {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('not found\n');
          return;
        }
        const next = n + 1 < pages ? `<a href="/p/${n + 1}">next</a>` : '';
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          `<!doctype html><html><head><title>page ${n}</title></head><body><main><h1>Page ${n}</h1>` +
            `<p>Served to a verified bot (${verdict.keyid}).</p>${next}</main></body></html>`,
        );
      })
      .catch(() => {
        res.writeHead(500);
        res.end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
