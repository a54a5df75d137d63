// Delegated Web Bot Auth keys on both storage backends, as the node routes hand them out and the
// directory lists them: only a node session gets one, a node cannot pile them up, every replica
// sharing the log key signs the same directory, expired and revoked keys leave it.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { RunningCoordinator } from '@sward/coordinator';
import { DIRECTORY_MEDIA_TYPE, DIRECTORY_PATH, ed25519Jwk, jwkThumbprint } from '@sward/core';
import { caller, coordinatorOn, nodeSession } from './support/api-call.js';
import { backends } from './support/backends.js';

for (const backend of backends())
  describe(`web bot auth keys: ${backend.name}`, () => {
    let co: RunningCoordinator;
    let stop: () => Promise<void>;
    let call: ReturnType<typeof caller>;
    before(async () => {
      ({ co, stop } = await coordinatorOn(backend, {
        webBotAuth: { keyTtlMs: 600_000, directoryMaxAgeMs: 60_000 },
      }));
      call = caller(co.app);
    });
    after(() => stop());

    const directory = async () => {
      const r = await call('GET', DIRECTORY_PATH);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), DIRECTORY_MEDIA_TYPE);
      assert.equal(r.headers.get('cache-control'), 'max-age=60');
      return r.json.keys as { kid: string; x: string; nbf: number; exp: number }[];
    };

    test('no session, no key', async () => {
      const r = await call('POST', '/v1/nodes/signing-key', null, {});
      assert.equal(r.status, 401);
      assert.equal((await call('POST', '/v1/nodes/signing-key', 'st_forged', {})).status, 401);
    });

    test('a session gets a private key whose thumbprint is its keyid, listed in the directory', async () => {
      const { token } = await nodeSession(co);
      const r = await call('POST', '/v1/nodes/signing-key', token, {});
      assert.equal(r.status, 200, r.text);
      const key = createPrivateKey({ key: r.json.jwk, format: 'jwk' });
      assert.equal(jwkThumbprint(ed25519Jwk(key)), r.json.keyid);
      const notBefore = Date.parse(r.json.notBefore);
      assert.equal(Date.parse(r.json.notAfter) - notBefore, 600_000);
      assert.equal(
        Date.parse(r.json.useFrom) - notBefore,
        60_000,
        'used only once every cached directory has it',
      );
      assert.equal(r.json.signatureAgent, 'http://localhost');
      const listed = (await directory()).find((k) => k.kid === r.json.keyid);
      assert.ok(listed);
      assert.equal(listed.x, r.json.jwk.x);
      assert.equal(listed.exp, Math.ceil(Date.parse(r.json.notAfter) / 1000));
      assert.ok(!('d' in listed), 'never the private half');
    });

    test('a node cannot pile up keys to flood the directory', async () => {
      const { token } = await nodeSession(co);
      for (let i = 0; i < 3; i++)
        assert.equal((await call('POST', '/v1/nodes/signing-key', token, {})).status, 200);
      const r = await call('POST', '/v1/nodes/signing-key', token, {});
      assert.equal(r.status, 429);
      assert.match(r.json.error.message, /already holds 3 valid signing keys/);
    });

    test("expired keys and a revoked node's keys leave the directory", async () => {
      const { node, token } = await nodeSession(co);
      const kid = (await call('POST', '/v1/nodes/signing-key', token, {})).json.keyid as string;
      assert.ok((await directory()).some((k) => k.kid === kid));
      assert.equal(
        (await co.store.botKeys.listValid(Date.now() + 600_000 + 31_000, 30_000)).length,
        0,
        'gone 30 s after notAfter',
      );
      await co.store.auth.revokeNode(node.id);
      assert.ok(!(await directory()).some((k) => k.kid === kid));
      assert.equal(
        (await call('POST', '/v1/nodes/signing-key', token, {})).status,
        401,
        'revoked: its session is gone',
      );
    });
  });
