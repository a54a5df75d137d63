// Web Bot Auth cost per request on the node (issue #15): a whole fetchCapture of a loopback page
// (resolve, pooled connection, request, read, capture signature) with the request signed by a
// delegated key, against the same fetch with no request signature, in the same run. The two take
// turns request by request so machine load falls on both alike. Also times RequestSigner.headers
// alone (ed25519 signature, 64-byte nonce, header text).
// Usage: node --import tsx bench/web-bot-auth-bench.ts [--requests 2000] [--rounds 3]
// Instruction counts (repeatable under load): --only signed|unsigned runs that variant alone, quietly, for
//   valgrind --tool=callgrind node --conditions=source --import tsx bench/web-bot-auth-bench.ts --only signed --requests 500
// and the same with unsigned: the difference divided by the requests is the signing's share.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { ed25519Jwk, generateIdentity, jwkThumbprint, type WebBotAuthHeaders } from '@sward/core/node-side';
import { type FetcherOptions, fetchCapture } from '../packages/node/src/fetcher.js';
import { RequestSigner } from '../packages/node/src/request-signer.js';
import { benchOption as opt } from './support-args.js';
import { machineFacts } from './support-proc.js';

const REQUESTS = Number(opt('requests', '2000'));
const ROUNDS = Number(opt('rounds', '3'));
const ONLY = opt('only', '');

const PAGE = `<!doctype html><html><body>${'<p>lorem ipsum dolor sit amet</p>'.repeat(60)}</body></html>`;
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(PAGE) });
  res.end(PAGE);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const { port } = server.address() as AddressInfo;

const signer = new RequestSigner();
const { privateKey } = generateKeyPairSync('ed25519');
const jwk = privateKey.export({ format: 'jwk' }) as { x: string; d: string };
signer.use({
  keyid: jwkThumbprint(ed25519Jwk(privateKey)),
  jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d },
  notBefore: new Date().toISOString(),
  notAfter: new Date(Date.now() + 3_600_000).toISOString(),
  signatureAgent: 'https://coordinator.example',
});
const unsigned = { headers: () => ({}) as WebBotAuthHeaders };

const base: Omit<FetcherOptions, 'requestSigner'> = {
  identity: generateIdentity(),
  userAgent: 'SwardBot/bench (+https://example.org)',
  allowPrivate: true,
  maxBodyBytes: 1 << 20,
  timeoutMs: 10_000,
  resolver: async () => [{ address: '127.0.0.1', family: 4 }],
};
const url = `http://bench.example.test:${port}/page`;

async function one(requestSigner: FetcherOptions['requestSigner']): Promise<number> {
  const t0 = process.hrtime.bigint();
  const out = await fetchCapture({ leaseId: 'l', jobId: 'j', url }, { ...base, requestSigner });
  const us = Number(process.hrtime.bigint() - t0) / 1e3;
  if (!out.ok) throw new Error(out.failure.message);
  return us;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

if (ONLY) {
  const variant = ONLY === 'signed' ? signer : unsigned;
  for (let i = 0; i < REQUESTS; i++) await one(variant);
  server.close();
  process.exit(0);
}
console.log(
  `machine: ${machineFacts()}; load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (let i = 0; i < 200; i++) await one(i % 2 ? signer : unsigned); // warm-up: JIT, pooled socket
for (let round = 1; round <= ROUNDS; round++) {
  const s: number[] = [];
  const u: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    if (i % 2) s.push(await one(signer));
    else u.push(await one(unsigned));
  }
  const t0 = process.hrtime.bigint();
  const N = 10_000;
  const target = new URL(url);
  for (let i = 0; i < N; i++) signer.headers(target, Date.now());
  const signUs = Number(process.hrtime.bigint() - t0) / 1e3 / N;
  console.log(
    `round ${round}: fetch p50 unsigned ${median(u).toFixed(0)} µs, signed ${median(s).toFixed(0)} µs ` +
      `(ratio ${(median(s) / median(u)).toFixed(3)}); mean ${mean(u).toFixed(0)} / ${mean(s).toFixed(0)} µs ` +
      `(ratio ${(mean(s) / mean(u)).toFixed(3)}); RequestSigner.headers alone ${signUs.toFixed(1)} µs ` +
      `(${((100 * signUs) / median(u)).toFixed(1)} % of an unsigned fetch's p50)`,
  );
}
server.close();
process.exit(0);
