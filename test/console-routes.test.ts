// The console's server side, without a browser: its static files at /console/ (public, no path reaches
// the file system), GET /v1/keys/me (any key, its own tenant and scopes), GET /v1/admin/nodes, and the
// skipped listing's page size.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { RunningCoordinator } from '@sward/coordinator';
import { SCOPES } from '@sward/core';
import { quietCoordinator } from './support/api-call.js';

describe('console routes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sward-console-routes-'));
  const built = join(dir, 'dist');
  let co: RunningCoordinator;
  const keys: Record<string, string> = {};
  before(async () => {
    // A console build of our own, so the test reads nothing outside the repository or its temp folder.
    mkdirSync(built);
    writeFileSync(join(built, 'index.html'), '<!doctype html><script type="module" src="app.js"></script>');
    writeFileSync(join(built, 'app.js'), `console.log(${JSON.stringify('x'.repeat(5000))});`);
    writeFileSync(join(built, 'meta.json'), '{"secret":"build paths"}');
    writeFileSync(join(built, 'notes.txt'), 'not a console file');
    co = await quietCoordinator(join(dir, 'sward.db'), dir, { consoleDir: built });
    const make = async (name: string, body: object) => {
      const r = await co.app.request('/v1/keys', {
        method: 'POST',
        headers: { authorization: `Bearer ${co.firstApiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, ...body }),
      });
      assert.equal(r.status, 201, await r.clone().text());
      return (await r.json()) as { id: string; key: string };
    };
    keys.crawl = (await make('crawler', { scopes: ['crawl'] })).key;
    keys.globex = (await make('globex', { tenant: 'globex', scopes: ['collections'] })).key;
    const revoked = await make('gone', { scopes: ['crawl'] });
    await co.app.request(`/v1/keys/${revoked.id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${co.firstApiKey}` },
    });
    keys.revoked = revoked.key;
  });
  after(async () => {
    await co?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const get = (path: string, headers: Record<string, string> = {}) => co.app.request(path, { headers });
  const as = (key: string) => ({ authorization: `Bearer ${key}` });

  test('the page and its script are served, gzipped when asked, under a strict CSP', async () => {
    const bare = await get('/console');
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.get('location'), '/console/');
    const page = await get('/console/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self';/);
    assert.doesNotMatch(page.headers.get('content-security-policy') ?? '', /unsafe/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.match(await page.text(), /src="app.js"/);
    const gz = await get('/console/app.js', { 'accept-encoding': 'gzip, br' });
    assert.equal(gz.headers.get('content-encoding'), 'gzip');
    assert.match(gz.headers.get('content-type') ?? '', /^text\/javascript/);
    const body = Buffer.from(await gz.arrayBuffer());
    assert.ok(body.length < 500, `gzipped ${body.length} bytes`);
    assert.match(gunzipSync(body).toString(), /^console\.log/);
    const plain = await get('/console/app.js');
    assert.equal(plain.headers.get('content-encoding'), null);
  });

  test('nothing but the built files: no build metadata, no other file, no path out of the folder', async () => {
    for (const path of [
      '/console/meta.json',
      '/console/notes.txt',
      '/console/..%2fsward.db',
      '/console/%2e%2e%2f%2e%2e%2fpackage.json',
      '/console/../package.json',
      '/console/index.html%00.js',
      '/console/nope.js',
    ]) {
      const r = await get(path);
      assert.ok(r.status === 404 || r.status === 400, `${path}: ${r.status}`);
      assert.doesNotMatch(await r.text(), /build paths|not a console file|"name"/);
    }
  });

  test('a coordinator whose console was not built says so', async () => {
    // its own database: one coordinator runs on a SQLite file
    const bare = await quietCoordinator(join(dir, 'bare.db'), join(dir, 'bare'), {
      consoleDir: join(dir, 'missing'),
    });
    const r = await bare.app.request('/console/');
    await bare.close();
    assert.equal(r.status, 404);
    assert.match(await r.text(), /not built/);
  });

  test('GET /v1/keys/me: any key hears its own tenant and scopes, nothing without a valid key', async () => {
    const crawl = await get('/v1/keys/me', as(keys.crawl as string));
    assert.equal(crawl.status, 200);
    const me = (await crawl.json()) as { tenant: string; role: string; scopes: string[]; name: string };
    assert.deepEqual([me.tenant, me.role, me.scopes, me.name], ['default', 'customer', ['crawl'], 'crawler']);
    const other = (await (await get('/v1/keys/me', as(keys.globex as string))).json()) as { tenant: string };
    assert.equal(other.tenant, 'globex');
    const admin = (await (await get('/v1/keys/me', as(co.firstApiKey as string))).json()) as {
      scopes: string[];
    };
    assert.deepEqual([...admin.scopes].sort(), [...SCOPES].sort());
    assert.equal((await get('/v1/keys/me')).status, 401);
    assert.equal((await get('/v1/keys/me', as('sk_forged'))).status, 401);
    assert.equal((await get('/v1/keys/me', as(keys.revoked as string))).status, 401);
  });

  test('GET /v1/admin/nodes: admins only, and no node address in the answer', async () => {
    await co.store.auth.upsertNode({ id: 'a'.repeat(64), operator: 'alice' });
    await co.store.auth.touchNode('a'.repeat(64), '203.0.113.9');
    assert.equal((await get('/v1/admin/nodes', as(keys.crawl as string))).status, 403);
    const r = await get('/v1/admin/nodes', as(co.firstApiKey as string));
    assert.equal(r.status, 200);
    const text = await r.text();
    assert.doesNotMatch(text, /203\.0\.113\.9/);
    const { nodes } = JSON.parse(text) as { nodes: { id: string; operator: string }[] };
    assert.deepEqual(
      nodes.map((n) => [n.id, n.operator]),
      [['a'.repeat(64), 'alice']],
    );
  });

  test('the skipped listing takes a page size, and refuses one out of range', async () => {
    const job = await co.app.request('/v1/jobs', {
      method: 'POST',
      headers: { ...as(keys.crawl as string), 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 'http://127.0.0.1:9/' }),
    });
    const { id } = (await job.json()) as { id: string };
    assert.equal((await get(`/v1/jobs/${id}/skipped?limit=50`, as(keys.crawl as string))).status, 200);
    for (const bad of ['0', '5001', 'ten']) {
      const r = await get(`/v1/jobs/${id}/skipped?limit=${bad}`, as(keys.crawl as string));
      assert.equal(r.status, 400, bad);
      assert.match(await r.text(), /limit/);
    }
  });
});
