// The key lifecycle through the SDK (a real coordinator on loopback) and the `sward keys` commands.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import { SwardApiError, SwardClient } from '@sward/sdk';
import { pino } from 'pino';
import { sward } from './support/processes.js';

let co: RunningCoordinator;
let dir: string;
let admin: SwardClient;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sward-keys-'));
  co = await startCoordinator({
    db: join(dir, 'sward.db'),
    dataDir: dir,
    log: pino({ level: 'silent' }),
  });
  admin = new SwardClient({ url: co.url, apiKey: co.firstApiKey as string });
});
after(async () => {
  await co?.close();
  rmSync(dir, { recursive: true, force: true });
});

const status = (n: number, re?: RegExp) => (e: unknown) =>
  e instanceof SwardApiError && e.status === n && (!re || re.test(e.message));

test('the first key is the admin of the default tenant; an admin makes keys for any tenant', async () => {
  const [first] = await admin.keys('default');
  assert.equal(first?.role, 'admin');
  assert.equal(first?.tenant, 'default');
  assert.ok(first?.scopes.includes('rewards:admin'));
  assert.notEqual(first?.lastUsedAt, null, 'the call just made is recorded');
  const k = await admin.createKey({ tenant: 'acme', role: 'customer', scopes: ['crawl', 'keys:admin'] });
  assert.match(k.key, /^sk_/);
  assert.equal(k.tenant, 'acme');
  assert.deepEqual(k.scopes, ['crawl', 'keys:admin']);
  assert.ok(!JSON.stringify(await admin.keys()).includes(k.key), 'a listing never shows a secret');
  const raw = await co.store.db.all<{ key_hash: string }>('SELECT key_hash FROM api_keys');
  assert.ok(
    raw.every((r) => r.key_hash !== k.key && /^[0-9a-f]{64}$/.test(r.key_hash)),
    'stored hashed',
  );
});

test('a customer key manages its own tenant only, and cannot grant what it lacks', async () => {
  const made = await admin.createKey({ tenant: 'acme', scopes: ['crawl', 'keys:admin'] });
  const acme = new SwardClient({ url: co.url, apiKey: made.key });
  const own = await acme.createKey({ name: 'ci', scopes: ['crawl'] });
  assert.equal(own.tenant, 'acme', 'the caller’s tenant by default');
  await assert.rejects(acme.createKey({ role: 'admin' }), status(403, /admin keys/));
  await assert.rejects(acme.createKey({ tenant: 'globex' }), status(403, /another tenant/));
  await assert.rejects(acme.createKey({ scopes: ['collections'] }), status(403, /collections/));
  await assert.rejects(admin.createKey({ scopes: ['rewards:admin'] }), status(400, /admin keys only/));
  await assert.rejects(admin.createKey({ role: 'admin', scopes: ['crawl'] }), status(400, /every scope/));
  await assert.rejects(acme.keys('default'), status(403));
  assert.ok((await acme.keys()).every((k) => k.tenant === 'acme'));
  // the default tenant's admin key is not acme's to touch, and reads as absent
  const [first] = await admin.keys('default');
  await assert.rejects(acme.revokeKey(first?.id as string), status(404));
  await assert.rejects(acme.rotateKey(first?.id as string), status(404));
});

test('a customer key cannot get a stronger key’s secret by rotating it, nor touch an admin key of its tenant', async () => {
  // a customer key in the admins' own tenant (an admin made it without naming a tenant)
  const made = await admin.createKey({ scopes: ['crawl', 'keys:admin'] });
  assert.equal(made.tenant, 'default');
  const insider = new SwardClient({ url: co.url, apiKey: made.key });
  const [first] = await admin.keys('default');
  assert.equal(first?.role, 'admin');
  await assert.rejects(insider.rotateKey(first?.id as string), status(403, /admin key/));
  await assert.rejects(insider.revokeKey(first?.id as string), status(403, /admin key/));
  await admin.keys(); // the admin key still works
  // a sibling key with a scope the caller lacks, and one with a higher limit: their secrets are not its to take
  const wider = await admin.createKey({ tenant: 'acme', scopes: ['crawl', 'collections'] });
  const richer = await admin.createKey({ tenant: 'acme', scopes: ['crawl'], pagesPerDay: 1_000_000_000 });
  const acme = new SwardClient({
    url: co.url,
    apiKey: (await admin.createKey({ tenant: 'acme', scopes: ['crawl', 'keys:admin'], pagesPerDay: 10 })).key,
  });
  await assert.rejects(acme.rotateKey(wider.id), status(403, /rotate/));
  await assert.rejects(acme.rotateKey(richer.id), status(403, /rotate/));
  // what it made itself, it may rotate (and revoke)
  const own = await acme.createKey({ name: 'ci', scopes: ['crawl'] });
  assert.match((await acme.rotateKey(own.id)).key, /^sk_/);
});

test('rotate gives a new secret at once; revoke ends a key; an expired key is refused', async () => {
  const made = await admin.createKey({ tenant: 'acme', scopes: ['crawl'] });
  const old = new SwardClient({ url: co.url, apiKey: made.key });
  await old.jobs();
  const rotated = await admin.rotateKey(made.id);
  assert.equal(rotated.replaces, made.id);
  assert.deepEqual(rotated.scopes, ['crawl']);
  await assert.rejects(old.jobs(), status(401));
  const fresh = new SwardClient({ url: co.url, apiKey: rotated.key });
  await fresh.jobs();
  await assert.rejects(admin.rotateKey(made.id), status(409));
  const revoked = await admin.revokeKey(rotated.id);
  assert.notEqual(revoked.revokedAt, null);
  await assert.rejects(fresh.jobs(), status(401));

  const soon = new Date(Date.now() + 3_600_000).toISOString();
  const expiring = await admin.createKey({ tenant: 'acme', scopes: ['crawl'], expiresAt: soon });
  assert.equal(expiring.expiresAt, soon);
  await assert.rejects(
    admin.createKey({ expiresAt: new Date(Date.now() - 1000).toISOString() }),
    status(400, /expiresAt/),
  );
  // A key whose time has passed (made directly: the API refuses a past expiry).
  const past = await co.store.auth.createApiKey({
    name: 'old',
    tenant: 'acme',
    role: 'customer',
    scopes: ['crawl'],
    expiresAt: Date.now() - 1,
  });
  await assert.rejects(new SwardClient({ url: co.url, apiKey: past.key }).jobs(), status(401, /expired/));
});

test('sward keys create|list on the database, rotate|revoke through the API', async () => {
  const db = join(dir, 'sward.db');
  const create = sward([
    'keys',
    'create',
    '--db',
    db,
    '--tenant',
    'cli',
    '--role',
    'customer',
    '--scopes',
    'crawl,collections',
  ]);
  assert.equal(await create.exited, 0, create.output());
  const key = create.output().match(/^(sk_\S+)$/m)?.[1];
  assert.ok(key, create.output());
  const list = sward(['keys', 'list', '--db', db, '--tenant', 'cli']);
  assert.equal(await list.exited, 0, list.output());
  const id = list.output().match(/^(k_\S+)\s+cli\s+customer\s+crawl,collections/m)?.[1];
  assert.ok(id, list.output());

  const api = { SWARD_COORDINATOR: co.url, SWARD_API_KEY: co.firstApiKey as string, SWARD_DB: '' };
  const rotate = sward(['keys', 'rotate', id], api);
  assert.equal(await rotate.exited, 0, rotate.output());
  const newKey = rotate.output().match(/^(sk_\S+)$/m)?.[1];
  assert.ok(newKey && newKey !== key, rotate.output());
  await assert.rejects(new SwardClient({ url: co.url, apiKey: key }).jobs(), status(401));
  const newId = (await admin.keys('cli')).find((k) => !k.revokedAt)?.id as string;
  const revoke = sward(['keys', 'revoke', newId], api);
  assert.equal(await revoke.exited, 0, revoke.output());
  assert.match(revoke.output(), /REVOKED/);
});
