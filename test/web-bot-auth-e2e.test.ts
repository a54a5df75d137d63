import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import { DIRECTORY_MEDIA_TYPE, DIRECTORY_PATH, ed25519Jwk, jwkThumbprint, signRequest } from '@sward/core';
import type { RunningNode } from '@sward/node';
import { SwardClient } from '@sward/sdk';
import { startWebBotAuthSite, type WebBotAuthSite, WebBotAuthVerifier } from '@sward/testsites';
import { pino } from 'pino';
import { listedBotKey } from './support/bot-keys.js';
import { loopbackNode } from './support/nodes.js';

/**
 * Web Bot Auth end to end (issue #15 point 4): a real coordinator delegates short-lived keys to a real
 * node, every request the node sends is checked by a site running an independent RFC 9421 library
 * against the coordinator's directory, keys rotate mid-crawl, and forged or replayed requests fail.
 */
describe('Web Bot Auth', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-wba-'));
  const KEY_TTL_MS = 6000;
  let c: RunningCoordinator;
  let node: RunningNode;
  let client: SwardClient;
  let site: WebBotAuthSite;
  /** A site with the verifier's defaults (refetches the directory on an unknown key), for the attacks. */
  let guarded: WebBotAuthSite;
  before(async () => {
    c = await startCoordinator({
      db: join(tmp, 'db.sqlite'),
      dataDir: join(tmp, 'data'),
      log: pino({ level: 'warn' }),
      scheduler: { hostDelayMs: 0 },
      // Keys live 6 s and are listed 2 s (the directory's max-age) before their first use.
      webBotAuth: { keyTtlMs: KEY_TTL_MS, directoryMaxAgeMs: 2000 },
    });
    node = await loopbackNode(c.url, tmp);
    client = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
    // A strict site: it keeps the directory for its max-age and never refetches on an unknown key, so a
    // key used before every cached copy lists it, or dropped while still in use, would be refused.
    site = await startWebBotAuthSite({
      trustedAgents: [c.url],
      pages: 16,
      crawlDelay: 0.5,
      refetchOnUnknownKey: false,
    });
    guarded = await startWebBotAuthSite({ trustedAgents: [c.url] });
  });
  after(async () => {
    await node.stop();
    await site.close();
    await guarded.close();
    await c.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const listedKey = () => listedBotKey(c, join(tmp, 'data'));

  test('every request of a crawl is signed and verifies, across key rotations, with no gap', async () => {
    const job = await client.createCrawl({ seed: `${site.url}/`, maxPages: 50 });
    await client.waitForJob(job.id, undefined, 100);
    const pages = [];
    for await (const p of client.pages(job.id)) pages.push(p);
    assert.equal(pages.length, 17, `the seed and 16 pages: ${JSON.stringify(pages.map((p) => p.url))}`);
    assert.ok(site.requests.length >= 18, 'robots.txt and every page went to the site');
    const refused = site.requests.filter((r) => !r.verdict.ok);
    assert.deepEqual(refused, [], 'the site never saw an unverifiable request');
    const keyids = new Set(site.requests.map((r) => (r.verdict.ok ? r.verdict.keyid : '')));
    assert.ok(keyids.size >= 2, `the crawl outlived a key and rotated (${keyids.size} keys)`);
    for (const r of site.requests) assert.match(String(r.headers['user-agent']), /^SwardBot\//);
  });

  test('the directory is a JWKS of the valid keys, served with its media type and signed by each key', async () => {
    const res = await fetch(`${c.url}${DIRECTORY_PATH}`);
    assert.equal(res.headers.get('content-type'), DIRECTORY_MEDIA_TYPE);
    const body = (await res.json()) as {
      keys: { kty: string; crv: string; x: string; kid: string; exp: number }[];
    };
    assert.ok(body.keys.length >= 1);
    for (const k of body.keys) {
      assert.equal(k.kid, jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: k.x }));
      assert.ok(k.exp * 1000 > Date.now() - 60_000);
    }
    const sigInput = res.headers.get('signature-input') ?? '';
    for (const k of body.keys) assert.ok(sigInput.includes(`keyid="${k.kid}"`), `a signature by ${k.kid}`);
    assert.match(sigInput, /tag="http-message-signatures-directory"/);
    // A verifier that trusts this coordinator checks those signatures when it loads the directory.
    const probe = new WebBotAuthVerifier({ trustedAgents: [c.url] });
    const { keyid, privateKey, expires } = await listedKey();
    const now = Math.floor(Date.now() / 1000);
    const url = `${guarded.url}/p/0`;
    const h = signRequest(privateKey, new URL(url), c.url, { created: now, expires, keyid });
    assert.deepEqual(await probe.verify({ method: 'GET', url, headers: { ...h, host: new URL(url).host } }), {
      ok: true,
      agent: new URL(c.url).origin,
      keyid,
    });
  });

  test("docs/PUBLISHERS.md's runnable verifier accepts a real signature and refuses unsigned and replayed ones", async () => {
    const example = fileURLToPath(new URL('../docs/examples/verify-swardbot.mjs', import.meta.url));
    const child = spawn(process.execPath, [example], {
      env: { ...process.env, NODE_OPTIONS: '', SWARD_DIRECTORY_ORIGIN: c.url, PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    after(() => child.kill());
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        const m = /listening on (\d+)/.exec(d.toString());
        if (m?.[1]) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`example exited with ${code}`)));
    });
    const url = `http://127.0.0.1:${port}/article`;
    const { keyid, privateKey, expires } = await listedKey();
    const now = Math.floor(Date.now() / 1000);
    const h = { ...signRequest(privateKey, new URL(url), c.url, { created: now, expires, keyid }) };
    const first = await fetch(url, { headers: h });
    assert.equal(first.status, 200, await first.text());
    const replay = await fetch(url, { headers: h });
    assert.equal(replay.status, 401);
    assert.match(await replay.text(), /replayed/);
    const unsigned = await fetch(url);
    assert.equal(unsigned.status, 401);
    assert.match(await unsigned.text(), /unsigned/);
    const elsewhere = {
      ...signRequest(privateKey, new URL('http://other.example/'), c.url, { created: now, expires, keyid }),
    };
    assert.equal((await fetch(url, { headers: elsewhere })).status, 401);
  });

  describe('the site refuses what an attacker sends', () => {
    const send = (headers: Readonly<Record<string, string>> | object, path = '/p/0', to = guarded) =>
      fetch(`${to.url}${path}`, { headers: { ...(headers as Record<string, string>) } });
    const lastVerdict = (on = guarded) => on.requests.at(-1)?.verdict;

    test('an unsigned request', async () => {
      const res = await send({ 'user-agent': 'SwardBot/0.1 (+https://example.org)' });
      assert.equal(res.status, 401);
      assert.deepEqual(lastVerdict(), { ok: false, refusal: 'unsigned', detail: 'no Web Bot Auth headers' });
    });

    test("a node's own signed request replayed: at once (nonce) and after it expired", async () => {
      const original = site.requests.find((r) => r.verdict.ok);
      assert.ok(original);
      const headers = Object.fromEntries(
        Object.entries(original.headers).filter(([k]) => k.startsWith('signature')),
      ) as Record<string, string>;
      const res = await send(headers, original.path, site);
      assert.equal(res.status, 401);
      const v = lastVerdict(site);
      // Signatures expire with their key (6 s here), so by now this one may already be expired too.
      assert.ok(v && !v.ok && (v.refusal === 'replayed-nonce' || v.refusal === 'expired'), JSON.stringify(v));
      const expires = Number(/;expires=(\d+)/.exec(headers['signature-input'] ?? '')?.[1]);
      const wait = expires * 1000 + 6500 - Date.now(); // past expiry and the site's 5 s tolerance
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const late = await send(headers, original.path, site);
      assert.equal(late.status, 401);
      assert.equal((lastVerdict(site) as { refusal: string }).refusal, 'expired');
    });

    test('a signature by a key that is not in the directory', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const now = Math.floor(Date.now() / 1000);
      const keyid = jwkThumbprint(ed25519Jwk(publicKey));
      const res = await send(
        signRequest(privateKey, new URL(`${guarded.url}/p/0`), c.url, {
          created: now,
          expires: now + 60,
          keyid,
        }),
      );
      assert.equal(res.status, 401);
      assert.equal((lastVerdict() as { refusal: string }).refusal, 'unknown-key');
    });

    test('a listed key claimed by an untrusted agent', async () => {
      const { keyid, privateKey, expires } = await listedKey();
      const now = Math.floor(Date.now() / 1000);
      const h = signRequest(privateKey, new URL(`${guarded.url}/p/0`), 'http://impostor.example', {
        created: now,
        expires,
        keyid,
      });
      assert.equal((await send(h)).status, 401);
      assert.equal((lastVerdict() as { refusal: string }).refusal, 'untrusted-agent');
    });

    test('a tampered @authority: a signature made for another site', async () => {
      const { keyid, privateKey, expires } = await listedKey();
      const now = Math.floor(Date.now() / 1000);
      const h = signRequest(privateKey, new URL('http://other-site.example/p/0'), c.url, {
        created: now,
        expires,
        keyid,
      });
      assert.equal((await send(h)).status, 401);
      assert.equal((lastVerdict() as { refusal: string }).refusal, 'bad-signature');
    });

    test('a wrong tag, a lifetime over five minutes, and forged signature bytes', async () => {
      const { keyid, privateKey, expires } = await listedKey();
      const now = Math.floor(Date.now() / 1000);
      const good = signRequest(privateKey, new URL(`${guarded.url}/p/0`), c.url, {
        created: now,
        expires,
        keyid,
      });
      const wrongTag = {
        ...good,
        'signature-input': good['signature-input'].replace('tag="web-bot-auth"', 'tag="other"'),
      };
      assert.equal((await send(wrongTag)).status, 401);
      assert.equal((lastVerdict() as { refusal: string }).refusal, 'wrong-tag');
      const long = {
        ...good,
        'signature-input': good['signature-input'].replace(/expires=\d+/, `expires=${now + 3600}`),
      };
      assert.equal((await send(long)).status, 401);
      assert.equal((lastVerdict() as { refusal: string }).refusal, 'lifetime-too-long');
      const sig = Buffer.from(/:(.+):/.exec(good.signature)?.[1] ?? '', 'base64');
      sig[0] = (sig[0] ?? 0) ^ 1;
      const forged = { ...good, signature: `sig1=:${sig.toString('base64')}:` };
      assert.equal((await send(forged)).status, 401);
      assert.equal((lastVerdict() as { refusal: string }).refusal, 'bad-signature');
      // The untouched one is accepted: the refusals above are about what was changed.
      assert.equal((await send(good)).status, 200);
    });

    test("a revoked node's keys leave the directory at once", async () => {
      const { keyid } = await listedKey();
      const before = (await (await fetch(`${c.url}${DIRECTORY_PATH}`)).json()) as { keys: { kid: string }[] };
      assert.ok(before.keys.some((k) => k.kid === keyid));
      await c.store.auth.revokeNode(node.id);
      const afterRevoke = (await (await fetch(`${c.url}${DIRECTORY_PATH}`)).json()) as { keys: unknown[] };
      assert.deepEqual(afterRevoke.keys, []);
    });
  });
});
