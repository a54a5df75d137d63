import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { openStore, type Principal } from '@sward/coordinator';
import { SCOPES } from '@sward/core';
import { backends } from './support/backends.js';

const customer = (tenant: string, expiresAt: number | null = null) => ({
  name: `${tenant} key`,
  tenant,
  role: 'customer' as const,
  scopes: ['crawl' as const, 'collections' as const],
  expiresAt,
});
const isPrincipal = (p: Principal | 'expired' | null): p is Principal => p !== null && p !== 'expired';

/** Keys, tenants and the migration of databases made before them, on every backend. */
for (const backend of backends()) {
  describe(`tenancy contract: ${backend.name}`, () => {
    after(() => backend.cleanup());

    test('a key carries its tenant, role and scopes; expiry, revocation and rotation end it', async () => {
      const store = await openStore(await backend.create());
      const a = await store.auth.createApiKey(customer('acme'));
      const p = await store.auth.checkApiKey(a.key);
      assert.ok(isPrincipal(p));
      assert.equal(p.tenant, 'acme');
      assert.equal(p.role, 'customer');
      assert.deepEqual([...p.scopes].sort(), ['collections', 'crawl']);
      assert.notEqual((await store.auth.getApiKey(a.id))?.lastUsedAt, null, 'last use is recorded');

      const soon = await store.auth.createApiKey(customer('acme', Date.now() + 60_000));
      assert.ok(isPrincipal(await store.auth.checkApiKey(soon.key)));
      assert.equal(await store.auth.checkApiKey(soon.key, Date.now() + 120_000), 'expired');

      const rotated = await store.auth.rotateApiKey(a.id);
      assert.ok(rotated);
      assert.equal(await store.auth.checkApiKey(a.key), null, 'the old secret stops working at once');
      const q = await store.auth.checkApiKey(rotated.key);
      assert.ok(isPrincipal(q));
      assert.equal(q.tenant, 'acme');
      assert.deepEqual([...q.scopes].sort(), ['collections', 'crawl']);
      assert.equal(await store.auth.rotateApiKey(a.id), null, 'a revoked key cannot be rotated');

      assert.equal(await store.auth.revokeApiKey(rotated.id), true);
      assert.equal(await store.auth.revokeApiKey(rotated.id), false);
      assert.equal(await store.auth.checkApiKey(rotated.key), null);

      await store.auth.createApiKey(customer('globex'));
      assert.deepEqual(
        (await store.auth.listApiKeys('globex')).map((k) => k.tenant),
        ['globex'],
        'a tenant lists only its own keys',
      );
      assert.equal((await store.auth.listApiKeys(null)).length, 4);
      await store.close();
    });

    test('an old database: its keys become admins of the default tenant, its objects follow their key', async () => {
      const location = await backend.create();
      let store = await openStore(location);
      const db = store.db;
      // Take the database back to before tenants: drop the columns (and their indexes) this version added.
      for (const ix of ['api_keys_tenant', 'jobs_tenant', 'lb_projects_tenant'])
        await db.run(`DROP INDEX ${ix}`);
      for (const col of ['tenant_id', 'role', 'scopes', 'expires_at', 'last_used_at'])
        await db.run(`ALTER TABLE api_keys DROP COLUMN ${col}`);
      await db.run('ALTER TABLE jobs DROP COLUMN tenant_id');
      await db.run('ALTER TABLE lb_projects DROP COLUMN tenant_id');
      const now = Date.now();
      const opts = JSON.stringify({ seed: 'https://user:pw@example.org/', maxPages: 1 });
      await db.run('INSERT INTO api_keys (id, name, key_hash, created_at) VALUES (?, ?, ?, ?)', [
        'k_old',
        'admin',
        'f'.repeat(64),
        now,
      ]);
      await db.run(
        `INSERT INTO jobs (id, api_key_id, seed, options, state, created_at) VALUES
         ('j_old', 'k_old', 'https://example.org/', ?, 'done', ?),
         ('j_orphan', NULL, 'https://example.org/', ?, 'done', ?)`,
        [opts, now, opts, now],
      );
      await db.run(
        `INSERT INTO lb_projects (id, api_key_id, name, task_type, k, overlap, gold_share, pay_per_task, options, created_at)
         VALUES ('p_old', 'k_old', 'old', 'rating', 5, 3, 0.1, 1, '{}', ?)`,
        [now],
      );
      await db.run(
        "INSERT INTO collections (id, name, owner, created_at, updated_at) VALUES ('col_old', 'old', 'k_old', ?, ?)",
        [now, now],
      );
      await db.run(
        `INSERT INTO jobs (id, api_key_id, seed, options, state, created_at, collection_id)
         VALUES ('j_round', 'k_old', 'https://example.org/', ?, 'done', ?, 'col_old')`,
        [opts, now],
      );
      await store.close();

      store = await openStore(location);
      const k = await store.auth.getApiKey('k_old');
      assert.equal(k?.tenant, 'default');
      assert.equal(k?.role, 'admin');
      assert.deepEqual(k?.scopes, [...SCOPES]);
      assert.equal((await store.frontier.getJobOf('default', 'j_old'))?.id, 'j_old');
      assert.equal(
        (await store.frontier.getJobOf('default', 'j_orphan'))?.options.seed,
        'https://user:pw@example.org/',
        'a job accepted by an older, laxer check stays readable',
      );
      assert.equal((await store.frontier.getJobOf('default', 'j_round'))?.id, 'j_round');
      assert.equal(await store.frontier.getJobOf('acme', 'j_old'), undefined);
      const owner = await store.db.get<{ owner: string }>(
        "SELECT owner FROM collections WHERE id = 'col_old'",
      );
      assert.equal(owner?.owner, 'default');
      const proj = await store.db.get<{ tenant_id: string }>(
        "SELECT tenant_id FROM lb_projects WHERE id = 'p_old'",
      );
      assert.equal(proj?.tenant_id, 'default');
      await store.close();
      // a third start changes nothing
      store = await openStore(location);
      assert.equal((await store.auth.getApiKey('k_old'))?.tenant, 'default');
      await store.close();
    });
  });
}
