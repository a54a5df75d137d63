import assert from 'node:assert/strict';
import { type createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { httpbis } from 'http-message-signatures';
import {
  derivedEd25519Key,
  ed25519Jwk,
  jwkThumbprint,
  signDirectoryResponse,
  signRequest,
  WEB_BOT_AUTH_TAG,
} from './web-bot-auth.js';

// RFC 8037 appendix A.1 (public key) and A.3 (its RFC 7638 thumbprint).
const RFC8037_X = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';
const RFC8037_THUMBPRINT = 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k';

/** An independent RFC 9421 verifier (the `http-message-signatures` package), as a site would run it. */
async function libraryVerifies(
  headers: Record<string, string>,
  url: string,
  publicKey: ReturnType<typeof createPublicKey>,
): Promise<boolean | null> {
  return httpbis.verifyMessage(
    {
      keyLookup: async () => ({
        id: 'k',
        algs: ['ed25519'],
        verify: async (data, sig) => verify(null, data, publicKey, sig),
      }),
      requiredFields: ['@authority', 'signature-agent'],
      requiredParams: ['created', 'expires', 'keyid', 'nonce', 'tag'],
    },
    { method: 'GET', url, headers },
  );
}

describe('web bot auth signing (core)', () => {
  it('computes the RFC 8037 A.3 JWK thumbprint', () => {
    assert.equal(jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: RFC8037_X }), RFC8037_THUMBPRINT);
  });

  it('signs a request that an independent RFC 9421 library verifies, and only for that authority', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keyid = jwkThumbprint(ed25519Jwk(publicKey));
    const now = Math.floor(Date.now() / 1000);
    const h = signRequest(
      privateKey,
      new URL('http://Site.Example:8080/a?b=1'),
      'http://coord.example:4000',
      {
        created: now,
        expires: now + 300,
        keyid,
      },
    );
    assert.equal(h['signature-agent'], 'sig1="http://coord.example:4000"');
    assert.match(
      h['signature-input'],
      /^sig1=\("@authority" "signature-agent";key="sig1"\);created=\d+;expires=\d+;/,
    );
    assert.match(
      h['signature-input'],
      new RegExp(`keyid="${keyid}";alg="ed25519";nonce="[A-Za-z0-9+/=]{88}";tag="${WEB_BOT_AUTH_TAG}"$`),
    );
    assert.equal(await libraryVerifies({ ...h }, 'http://site.example:8080/other/path', publicKey), true);
    // Replayed to another site, or with another directory named, the same signature fails.
    assert.equal(await libraryVerifies({ ...h }, 'http://evil.example:8080/a', publicKey), false);
    assert.equal(
      await libraryVerifies(
        { ...h, 'signature-agent': 'sig1="http://impostor.example"' },
        'http://site.example:8080/a',
        publicKey,
      ),
      false,
    );
  });

  it('refuses a lifetime over five minutes', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    assert.throws(
      () =>
        signRequest(privateKey, new URL('http://a.example/'), 'http://c', {
          created: 0,
          expires: 301,
          keyid: 'k',
        }),
      /lifetime 301 s/,
    );
  });

  it('derives the same delegated key from the same secret and id, another for another id', () => {
    const secret = Buffer.alloc(32, 7);
    const a = ed25519Jwk(derivedEd25519Key(secret, 'wk_1'));
    assert.deepEqual(ed25519Jwk(derivedEd25519Key(secret, 'wk_1')), a);
    assert.notDeepEqual(ed25519Jwk(derivedEd25519Key(secret, 'wk_2')), a);
    assert.notDeepEqual(ed25519Jwk(derivedEd25519Key(Buffer.alloc(32, 8), 'wk_1')), a);
  });

  it("signs a directory response per key over the request's @authority", async () => {
    const k1 = generateKeyPairSync('ed25519');
    const k2 = generateKeyPairSync('ed25519');
    const keys = [k1, k2].map((k) => ({
      keyid: jwkThumbprint(ed25519Jwk(k.publicKey)),
      privateKey: k.privateKey,
      publicKey: k.publicKey,
    }));
    const now = Math.floor(Date.now() / 1000);
    const h = signDirectoryResponse(keys, 'coord.example:4000', now, now + 300);
    for (const k of keys) {
      const ok = await httpbis.verifyMessage(
        {
          keyLookup: async (p) =>
            p.keyid === k.keyid
              ? { id: k.keyid, algs: ['ed25519'], verify: async (d, s) => verify(null, d, k.publicKey, s) }
              : null,
          all: false,
        },
        { status: 200, headers: { ...h } },
        {
          method: 'GET',
          url: 'http://coord.example:4000/.well-known/http-message-signatures-directory',
          headers: {},
        },
      );
      assert.equal(ok, true);
    }
  });
});
