// The audit log as an admin who would rather it forgot: every admin action is there with its actor and
// time; neither a route nor a store method nor plain SQL updates or deletes a row, on both backends;
// `sward admin audit` reads it; a customer key cannot.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningCoordinator, recordAudit } from '@sward/coordinator';
import { ROUTE_RULES } from '../packages/coordinator/src/api/route-rules.js';
import { AuditStore } from '../packages/coordinator/src/store/audit-store.js';
import { caller, coordinatorOn } from './support/api-call.js';
import { backends } from './support/backends.js';
import { inProcessCli } from './support/cli-in-process.js';

// `sward` commands run in this process (support/cli-in-process.ts): the CLI loaded once, not per child.
const cli = inProcessCli();
after(() => cli.close());
const { run } = cli;

for (const backend of backends())
  describe(`audit log: ${backend.name}`, () => {
    let co: RunningCoordinator;
    let db: string;
    let stop: () => Promise<void>;
    let call: ReturnType<typeof caller>;
    let admin: string;
    let adminId: string;
    let acme: string;

    before(async () => {
      ({ co, db, stop } = await coordinatorOn(backend));
      call = caller(co.app);
      admin = co.firstApiKey as string;
      adminId = (await co.store.auth.listApiKeys(null))[0]?.id as string;
      acme = (
        await co.store.auth.createApiKey({
          name: 'acme',
          tenant: 'acme',
          role: 'customer',
          scopes: ['crawl'],
        })
      ).key;
    });
    after(async () => {
      await stop();
      await backend.cleanup();
    });

    test('admin actions through the API are recorded with actor, action, target and time', async () => {
      const t0 = Date.now();
      const victim = await co.store.auth.createApiKey({
        name: 'v',
        tenant: 'acme',
        role: 'customer',
        scopes: ['crawl'],
      });
      const rotated = await co.store.auth.createApiKey({
        name: 'r',
        tenant: 'acme',
        role: 'customer',
        scopes: ['crawl'],
      });
      const made = await call('POST', '/v1/keys', admin, { name: 'm', tenant: 'acme', scopes: ['crawl'] });
      assert.equal(made.status, 201, made.text);
      assert.equal((await call('POST', `/v1/keys/${victim.id}/revoke`, admin, {})).status, 200);
      assert.equal((await call('POST', `/v1/keys/${rotated.id}/rotate`, admin, {})).status, 201);
      const [clear, confirm] = await co.rewards.flags.raise(
        ['a', 'b'].map((k) => ({
          key: `audit-${k}`,
          kind: 'ip' as const,
          members: [{ operator: 'mallory', nodeId: 'n'.repeat(64) }],
          evidence: {},
        })),
      );
      assert.equal(
        (await call('POST', `/v1/rewards/flags/${clear}/clear`, admin, { note: 'same NAT' })).status,
        200,
      );
      assert.equal((await call('POST', `/v1/rewards/flags/${confirm}/confirm`, admin, {})).status, 200);
      const closed = await call('POST', '/v1/rewards/epochs/close', admin, {});
      assert.equal(closed.status, 200, closed.text);
      const td = { kind: 'domain', value: 'gone.test', reason: 'publisher request' };
      assert.equal((await call('POST', '/v1/takedowns', admin, td)).status, 201);

      const r = await call('GET', '/v1/audit', admin);
      assert.equal(r.status, 200, r.text);
      const got = r.json.entries.map((e: { action: string; target: string }) => [e.action, e.target]);
      assert.deepEqual(got, [
        ['key.create', made.json.id],
        ['key.revoke', victim.id],
        ['key.rotate', rotated.id],
        ['flag.clear', clear],
        ['flag.confirm', confirm],
        ['epoch.close', String(closed.json.epoch)],
        ['takedown.create', 'domain:gone.test'],
      ]);
      for (const e of r.json.entries) {
        assert.equal(e.actor, adminId);
        assert.ok(Date.parse(e.at) >= t0 - 1000, e.at);
      }
      assert.deepEqual(r.json.entries[0].detail, { tenant: 'acme', role: 'customer', scopes: ['crawl'] });
      assert.deepEqual(r.json.entries[3].detail, { note: 'same NAT' });
      const only = await call('GET', '/v1/audit?action=flag.confirm', admin);
      assert.deepEqual(
        only.json.entries.map((e: { target: string }) => e.target),
        [confirm],
      );
    });

    test('a customer key cannot read it; bad queries are 400', async () => {
      assert.equal((await call('GET', '/v1/audit', acme)).status, 403);
      assert.equal((await call('GET', '/v1/audit', null)).status, 401);
      assert.equal((await call('GET', '/v1/audit?limit=abc', admin)).status, 400);
      assert.equal((await call('GET', '/v1/audit?action=DROP%20TABLE', admin)).status, 400);
    });

    test('append-only: the database refuses UPDATE and DELETE; no store method or route changes a row', async () => {
      await recordAudit(co.store.db, { actor: 'k_test', action: 'node.revoke', target: 'n1' });
      const before = await co.store.audit.list({ limit: 1000 });
      await assert.rejects(co.store.db.run("UPDATE audit_log SET actor = 'someone-else'"), /append-only/);
      await assert.rejects(co.store.db.run('DELETE FROM audit_log'), /append-only/);
      if (co.store.db.dialect === 'postgres')
        await assert.rejects(co.store.db.run('TRUNCATE audit_log'), /append-only/);
      assert.deepEqual(await co.store.audit.list({ limit: 1000 }), before);
      assert.deepEqual(Object.getOwnPropertyNames(AuditStore.prototype).sort(), [
        'constructor',
        'list',
        'record',
      ]);
      const auditRoutes = Object.keys(ROUTE_RULES).filter((r) => r.includes('/audit'));
      assert.deepEqual(auditRoutes, ['GET /v1/audit']);
    });

    test('sward admin audit reads it from the database, and records its own admin actions', async () => {
      const id = (
        await co.rewards.flags.raise([
          {
            key: 'audit-cli',
            kind: 'ip',
            members: [{ operator: 'eve', nodeId: 'e'.repeat(64) }],
            evidence: {},
          },
        ])
      )[0] as string;
      const cleared = await run(['admin', 'flags', 'clear', id, '--db', db, '--note', 'checked']);
      assert.equal(cleared.code, 0, cleared.err);
      const r = await run(['admin', 'audit', '--db', db, '--json', '--action', 'flag.clear']);
      assert.equal(r.code, 0, r.err);
      const entries = JSON.parse(r.out);
      const cli = entries.find((e: { target: string }) => e.target === id);
      assert.match(cli.actor, /^local:/);
      assert.deepEqual(cli.detail, { note: 'checked' });
      const text = await run(['admin', 'audit', '--db', db]);
      assert.match(text.out, /takedown\.create {2}domain:gone\.test/);
      const bad = await run(['admin', 'audit', '--db', db, '--limit', '0']);
      assert.equal(bad.code, 2, bad.err);
    });
  });
