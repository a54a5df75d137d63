// Verify SwardBot's Web Bot Auth signatures on your own site (docs/PUBLISHERS.md).
//   npm install http-message-signatures structured-headers
//   SWARD_DIRECTORY_ORIGIN=https://coordinator.example PORT=8080 node verify-swardbot.mjs
// Answers 200 to a request whose signature verifies against the network's key directory, 401 otherwise.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { createServer } from 'node:http';
import { httpbis } from 'http-message-signatures';
import { parseDictionary } from 'structured-headers';

const TRUSTED = new URL(process.env.SWARD_DIRECTORY_ORIGIN).origin; // only this directory is ever fetched
const DIRECTORY = `${TRUSTED}/.well-known/http-message-signatures-directory`;
let cache = { at: 0, maxAgeMs: 0, keys: new Map() };
const seenNonces = new Map(); // nonce → expires (s): a signature is good once

const thumbprint = (x) =>
  createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url');

async function directoryKey(keyid) {
  const stale = Date.now() - cache.at >= cache.maxAgeMs;
  if (stale || (!cache.keys.has(keyid) && Date.now() - cache.at > 1000)) {
    const res = await fetch(DIRECTORY, { redirect: 'error' });
    const keys = new Map();
    for (const jwk of (await res.json()).keys)
      keys.set(thumbprint(jwk.x), {
        key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' }),
        exp: jwk.exp,
      });
    const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1] ?? 0);
    cache = { at: Date.now(), maxAgeMs: maxAge * 1000, keys };
  }
  return cache.keys.get(keyid);
}

export async function isSwardBot(req) {
  const input = req.headers['signature-input'];
  const agent = req.headers['signature-agent'];
  if (!input || !agent || !req.headers.signature) return 'unsigned';
  const [[label, [, params]]] = [...parseDictionary(input)];
  if (params.get('tag') !== 'web-bot-auth') return 'wrong tag';
  const created = params.get('created');
  const expires = params.get('expires');
  const nonce = params.get('nonce');
  if (!(expires - created <= 300) || typeof nonce !== 'string') return 'lifetime over 5 minutes, or no nonce';
  const named = parseDictionary(agent).get(label)?.[0];
  if (typeof named !== 'string' || new URL(named).origin !== TRUSTED) return 'not the Sward directory';
  const k = await directoryKey(params.get('keyid'));
  if (!k || expires > k.exp) return 'key not in the directory';
  const ok = await httpbis
    .verifyMessage(
      {
        keyLookup: async () => ({
          id: params.get('keyid'),
          algs: ['ed25519'],
          verify: async (d, s) => verify(null, d, k.key, s),
        }),
        requiredFields: ['@authority', 'signature-agent'],
        requiredParams: ['created', 'expires', 'keyid', 'nonce', 'tag'],
        tolerance: 5,
      },
      { method: req.method, url: `http://${req.headers.host}${req.url}`, headers: req.headers },
    )
    .catch((e) => e.message);
  if (ok !== true) return `signature: ${ok}`;
  const now = Date.now() / 1000;
  for (const [n, until] of seenNonces) if (until < now) seenNonces.delete(n);
  if (seenNonces.has(nonce)) return 'replayed';
  seenNonces.set(nonce, expires + 5);
  return true;
}

const server = createServer(async (req, res) => {
  const verdict = await isSwardBot(req).catch((e) => `error: ${e.message}`);
  res.writeHead(verdict === true ? 200 : 401, { 'content-type': 'text/plain' });
  res.end(verdict === true ? 'hello, verified SwardBot\n' : `not a verified SwardBot: ${verdict}\n`);
});
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () =>
  console.log(`listening on ${server.address().port}`),
);
