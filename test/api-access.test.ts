import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningCoordinator } from '@sward/coordinator';
import { ADMIN_ONLY_SCOPES, generateIdentity, type Identity, SCOPES, type Scope } from '@sward/core';
import { Hono } from 'hono';
import { authorize } from '../packages/coordinator/src/api/authorize.js';
import { ROUTE_RULES } from '../packages/coordinator/src/api/route-rules.js';
import { caller, quietCoordinator, untilDone } from './support/api-call.js';
import { type Backend, backends } from './support/backends.js';
import { captureUpload } from './support/capture-maker.js';

const CUSTOMER_SCOPES: Scope[] = [
  'crawl',
  'collections',
  'labelling:owner',
  'keys:admin',
  'creator',
  'datasets:publish',
  'datasets:read',
];
const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n');

let dir: string;
let co: RunningCoordinator;

/** One request through the app of the coordinator under test (support/api-call.ts). */
const call = (method: string, path: string, bearer?: string | null, body?: unknown) =>
  caller(co.app)(method, path, bearer, body);

async function key(tenant: string, scopes: Scope[], role: 'customer' | 'admin' = 'customer') {
  return co.store.auth.createApiKey({ name: `${tenant} test`, tenant, role, scopes });
}

/** A node that answers policy files with 404 and pages with `html`, until the job has no more leases. */
async function crawl(apiKey: string, node: Identity, token: string, seed: string, html: string) {
  const job = await call('POST', '/v1/jobs', apiKey, { seed, maxPages: 1, maxDepth: 0 });
  assert.equal(job.status, 201, job.text);
  for (let i = 0; i < 10; i++) {
    const { json } = await call('POST', '/v1/nodes/lease', token, { max: 1 });
    const lease = json.leases[0];
    if (!lease) break;
    const policy = /robots\.txt$|tdmrep\.json$/.test(lease.url);
    const up = policy
      ? captureUpload(node, lease, { status: 404, body: 'nope', headers: { 'content-type': 'text/plain' } })
      : captureUpload(node, lease, { body: html });
    const r = await call('POST', '/v1/nodes/captures', token, up);
    assert.equal(r.status, 200, r.text);
  }
  // done once its page's document is made, off the capture path
  const done = await untilDone(co.app, apiKey, job.json.id);
  assert.equal(done.json.state, 'done', done.text);
  return job.json.id as string;
}

/** Tenant "acme" owns one of everything; "globex" is the attacker; the default tenant's admin runs the network. */
const f = {} as {
  admin: string;
  acme: string;
  globex: string;
  lacking: Record<Scope, string>;
  nodeToken: string;
  labellerToken: string;
  jobId: string;
  sealedSize: number;
  captureId: string;
  sha: string;
  collectionId: string;
  projectId: string;
  exportFile: string;
  revokeKeyId: string;
  rotateKeyId: string;
  epoch: number;
  flagIds: string[];
  spareNode: string;
  datasetId: string;
  downloadId: string;
};

async function setUp(backend: Backend) {
  dir = mkdtempSync(join(tmpdir(), 'sward-access-'));
  co = await quietCoordinator(
    backend.name === 'sqlite' ? join(dir, 'sward.db') : await backend.create(),
    dir,
    {
      scheduler: { hostDelayMs: 0 },
      // no outside DNS or HTTP: the well-known check meets the loopback guard, the TXT lookup finds nothing
      creators: {
        wellKnownOrigin: () => 'http://127.0.0.1:9',
        resolveTxt: async () => {
          throw Object.assign(new Error('no such name'), { code: 'ENOTFOUND' });
        },
      },
    },
  );
  f.admin = co.firstApiKey as string;
  f.acme = (await key('acme', CUSTOMER_SCOPES)).key;
  f.globex = (await key('globex', CUSTOMER_SCOPES)).key;
  f.lacking = {} as Record<Scope, string>;
  for (const s of SCOPES) {
    const rest = CUSTOMER_SCOPES.filter((x) => x !== s);
    f.lacking[s] = (await key('acme', rest)).key;
  }
  const node = generateIdentity();
  await co.store.auth.upsertNode({ id: node.id, operator: 'alice' });
  await co.rewards.onNodeSession({ nodeId: node.id, operator: 'alice' });
  f.nodeToken = (await co.store.auth.createSession(node.id)).token;
  // For the revoke routes, which run last: a node and an operator nothing else uses.
  f.spareNode = generateIdentity().id;
  await co.store.auth.upsertNode({ id: f.spareNode, operator: 'spare' });
  await co.rewards.onNodeSession({ nodeId: f.spareNode, operator: 'spare' });

  f.jobId = await crawl(
    f.acme,
    node,
    f.nodeToken,
    'http://acme.test/',
    '<html><body><p>acme secret page</p></body></html>',
  );
  const pages = await call('GET', `/v1/jobs/${f.jobId}/pages`, f.acme);
  assert.equal(pages.json.pages.length, 1, pages.text);
  f.captureId = pages.json.pages[0].captureId;
  f.sha = pages.json.pages[0].bodySha256;
  const sealed = await call('POST', `/v1/jobs/${f.jobId}/seal`, f.acme);
  assert.equal(sealed.status, 200, sealed.text);
  f.sealedSize = sealed.json.size;
  // a finished dataset build of acme's job (dataset-build.test.ts is its subject)
  const build = await call('POST', '/v1/datasets', f.acme, { from: { jobs: [f.jobId] }, purpose: 'input' });
  assert.equal(build.status, 201, build.text);
  f.datasetId = build.json.id;
  for (let i = 0; i < 600; i++) {
    const b = await call('GET', `/v1/datasets/${f.datasetId}`, f.acme);
    if (b.json.state !== 'running') {
      assert.equal(b.json.state, 'done', b.text);
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // published, private, and downloaded once by acme itself (dataset-catalogue.test.ts is their subject)
  const pub = await call('POST', '/v1/catalogue', f.acme, {
    build: f.datasetId,
    name: 'acme-ds',
    version: '1',
  });
  assert.equal(pub.status, 201, pub.text);
  const dl = await call('POST', '/v1/catalogue/acme/acme-ds/1/downloads', f.acme, {});
  assert.equal(dl.status, 201, dl.text);
  f.downloadId = dl.json.id;

  const col = await call('POST', '/v1/collections', f.acme, {
    name: 'acme news',
    sources: ['http://acme.test/feed.xml'],
    every: '1h',
  });
  assert.equal(col.status, 201, col.text);
  f.collectionId = col.json.id;

  const items = Array.from({ length: 4 }, (_, i) => ({
    id: `i${i}`,
    prompt: `p${i}`,
    response: `r${i}`,
    ...(i === 0 ? { gold: 3 } : {}),
  }));
  const proj = await call('POST', '/v1/labelling/projects', f.acme, {
    name: 'acme ratings',
    type: 'rating',
    items: jsonl(items),
    payPerTask: 1,
  });
  assert.equal(proj.status, 201, proj.text);
  f.projectId = proj.json.id;
  // A flag for the review route to act on (the spam detector raises these after enough answers).
  await co.store.db.run(
    `INSERT INTO lb_flags (project_id, labeller_id, state, reasons, evidence, flagged_at)
     VALUES (?, 'l_suspect', 'open', '[]', '{}', ?)`,
    [f.projectId, Date.now()],
  );
  const exp = await call('GET', `/v1/labelling/projects/${f.projectId}/export`, f.acme);
  assert.equal(exp.status, 200, exp.text);
  f.exportFile = exp.json.files[0].name;
  const labeller = await call('POST', '/v1/labelling/labellers', null, { name: 'lab' });
  f.labellerToken = labeller.json.token;

  // acme's verified claim on acme.test (proving control is creators-e2e's subject; here the row is made)
  const claim = await call('POST', '/v1/creator/claims', f.acme, { domain: 'acme.test' });
  assert.equal(claim.status, 201, claim.text);
  await co.store.db.run(
    "INSERT INTO cr_domains (domain, tenant_id, method, verified_at) VALUES ('acme.test', 'acme', 'dns', ?)",
    [Date.now()],
  );

  f.revokeKeyId = (await key('acme', ['crawl'])).id;
  // made by acme's key itself: a customer key may rotate only keys it made (key-routes.ts)
  f.rotateKeyId = (await call('POST', '/v1/keys', f.acme, { name: 'to rotate', scopes: ['crawl'] })).json.id;

  const closed = await call('POST', '/v1/rewards/epochs/close', f.admin, {});
  assert.equal(closed.status, 200, closed.text);
  f.epoch = closed.json.epoch;
  f.flagIds = await co.rewards.flags.raise(
    ['a', 'b'].map((k) => ({
      key: `test-${k}`,
      kind: 'ip' as const,
      members: [{ operator: 'alice', nodeId: node.id }],
      evidence: {},
    })),
  );
}

async function tearDown(backend: Backend) {
  await co?.close();
  rmSync(dir, { recursive: true, force: true });
  await backend.cleanup();
}

/** A concrete path for a route pattern, naming acme's objects. */
function fill(method: string, pattern: string): string {
  return pattern.replace(/:(\w+)/g, (_, name: string) => {
    if (name === 'sha') return f.sha;
    if (name === 'labeller') return 'l_suspect';
    if (name === 'file') return f.exportFile;
    if (name === 'epoch') return String(f.epoch);
    if (name === 'account') return 'alice';
    if (name === 'operator') return pattern.endsWith('/revoke') ? 'spare' : 'alice';
    if (name === 'nodeId') return f.spareNode;
    if (name === 'index') return '0';
    if (name === 'captureId') return f.captureId;
    if (name === 'task') return 'a_none';
    if (name === 'domain') return 'acme.test';
    if (name === 'owner') return 'acme';
    if (name === 'name') return 'acme-ds';
    if (name === 'version') return '1';
    if (pattern.startsWith('/v1/dataset-downloads/')) return f.downloadId;
    if (pattern.startsWith('/v1/jobs/')) return f.jobId;
    if (pattern.startsWith('/v1/captures/')) return f.captureId;
    if (pattern.startsWith('/v1/collections/')) return f.collectionId;
    if (pattern.startsWith('/v1/datasets/')) return f.datasetId;
    if (pattern.includes('/projects/')) return f.projectId;
    if (pattern.endsWith('/revoke')) return f.revokeKeyId;
    if (pattern.endsWith('/rotate')) return f.rotateKeyId;
    if (pattern.startsWith('/v1/rewards/flags/'))
      return f.flagIds[pattern.endsWith('/clear') ? 0 : 1] as string;
    throw new Error(`no fixture for :${name} in ${method} ${pattern}`);
  });
}

const BODIES: Record<string, unknown> = {
  'POST /v1/jobs': { seed: 'http://other.test/', maxPages: 1 },
  // acme's job, read when the route runs: another tenant's key must not build from it
  get 'POST /v1/datasets'() {
    return { from: { jobs: [f.jobId] }, purpose: 'input' };
  },
  'POST /v1/collections': { name: 'c', sources: ['http://other.test/feed.xml'], every: '1h' },
  'POST /v1/collections/:id/search': { query: 'secret' },
  'POST /v1/labelling/projects': {
    name: 'p',
    type: 'rating',
    items: jsonl([{ id: 'x', prompt: 'p', response: 'r' }]),
    goldShare: 0,
    payPerTask: 1,
  },
  'POST /v1/labelling/projects/:id/flags/:labeller': { verdict: 'clear' },
  'POST /v1/keys': { name: 'made in test', scopes: ['crawl'] },
  'POST /v1/takedowns': { kind: 'domain', value: 'taken-down.test', reason: 'publisher request' },
  'POST /v1/scrape': { url: 'http://other.test/', timeoutMs: 1000 },
  'POST /v1/creator/claims': { domain: 'claimed.test' },
  'PUT /v1/creator/claims/:domain/terms': { license: 'CC0-1.0', purposes: ['train'] },
  // acme's build: another tenant must not publish it
  get 'POST /v1/catalogue'() {
    return { build: f.datasetId, name: 'acme-ds', version: '2' };
  },
  'POST /v1/catalogue/:owner/:name/:version/deprecate': { reason: 'replaced' },
};
const QUERIES: Record<string, () => string> = {
  'GET /v1/proofs': () => `?captureId=${f.captureId}`,
  'GET /v1/jobs/:id/manifest': () => `?size=${f.sealedSize}`,
  'GET /v1/datasets/:id/file': () => '?path=README.md',
  'GET /v1/dataset-downloads/:id/file': () => '?path=README.md',
};

/** Right-key answers other than 200/201, each for a reason that is not the guard. */
const RIGHT_KEY_STATUS: Record<string, number> = {
  // the closed epoch paid nobody: the route ran and found no claim
  'GET /v1/rewards/epochs/:epoch/claims/:account': 404,
  // no node fetches in this test: the scrape ran, made its job and waited its second
  'POST /v1/scrape': 504,
  // acme.test publishes no proof here: the check ran and said so
  'POST /v1/creator/claims/:domain/verify': 409,
  // acme's job is done (its output is what the other routes read): the cancel ran and refused
  'POST /v1/jobs/:id/cancel': 409,
};

// Creations whose body names acme's object (a dataset built from acme's job): another tenant gets 404.
const NAMES_ACME_OBJECT = ['POST /v1/datasets', 'POST /v1/catalogue'];

// Objects other tenants must never learn of, by id or by listing.
const secrets = () => [
  f.jobId,
  f.captureId,
  f.collectionId,
  f.projectId,
  f.sha,
  f.revokeKeyId,
  f.datasetId,
  f.downloadId,
  'acme',
];

// Destructive routes last, so every other route still finds acme's objects.
const LAST = [
  'DELETE /v1/collections/:id',
  'POST /v1/catalogue/:owner/:name/:version/deprecate',
  'POST /v1/keys/:id/revoke',
  'POST /v1/keys/:id/rotate',
  'POST /v1/admin/nodes/:nodeId/revoke',
  'POST /v1/admin/operators/:operator/revoke',
  // ends the node session the node routes above use
  'POST /v1/nodes/logout',
];
const ordered = Object.keys(ROUTE_RULES).sort((a, b) => Number(LAST.includes(a)) - Number(LAST.includes(b)));

for (const backend of backends())
  describe(`every route follows its rule in api/route-rules.ts: ${backend.name}`, () => {
    before(() => setUp(backend));
    after(() => tearDown(backend));

    test('the app registers exactly the routes the table declares', () => {
      const registered = new Set(
        co.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`),
      );
      const declared = new Set(Object.keys(ROUTE_RULES));
      assert.deepEqual(
        [...registered].filter((r) => !declared.has(r)),
        [],
        'routes without a rule',
      );
      assert.deepEqual(
        [...declared].filter((r) => !registered.has(r)),
        [],
        'rules without a route',
      );
    });

    test('a route registered without a rule is closed', async () => {
      const app = new Hono();
      app.use('*', authorize(co.store));
      app.get('/v1/forgotten', (c) => c.json({ leaked: true }));
      app.onError((err, c) => c.json({ error: { message: err.message } }, 404));
      const res = await app.request('/v1/forgotten', { headers: { authorization: `Bearer ${f.admin}` } });
      assert.equal(res.status, 404);
      assert.doesNotMatch(await res.text(), /leaked/);
    });

    for (const id of ordered) {
      const rule = ROUTE_RULES[id];
      const [method, pattern] = id.split(' ') as [string, string];
      test(`${id} (${rule?.auth}${rule?.auth === 'key' ? ` ${rule.scope}` : ''})`, async () => {
        const path = () => fill(method, pattern) + (QUERIES[id]?.() ?? '');
        const body = method === 'GET' ? undefined : (BODIES[id] ?? {});
        const none = await call(method, path(), null, body);
        if (rule?.auth === 'public') {
          assert.ok(![401, 403].includes(none.status) && none.status < 500, `${none.status} ${none.text}`);
          return;
        }
        assert.equal(none.status, 401, `no credentials: ${none.text}`);
        if (rule?.auth === 'anyKey') {
          // any key passes whatever its scopes, and hears about itself alone
          for (const [k, tenant] of [
            [f.lacking.crawl, 'acme'],
            [f.globex, 'globex'],
          ] as const) {
            const ok = await call(method, path(), k, body);
            assert.equal(ok.status, 200, ok.text);
            assert.equal(ok.json.tenant, tenant, ok.text);
          }
          return;
        }
        if (rule?.auth !== 'key') {
          // A customer's API key is not a node or labeller session; the right session gets past the guard.
          assert.equal((await call(method, path(), f.admin, body)).status, 401);
          const session = rule?.auth === 'node' ? f.nodeToken : f.labellerToken;
          const ok = await call(method, path(), session, body);
          assert.ok(![401, 403].includes(ok.status) && ok.status < 500, `${ok.status} ${ok.text}`);
          return;
        }
        // another tenant: what belongs to acme is not there; lists and creations are its own
        const other = await call(method, path(), f.globex, body);
        if (ADMIN_ONLY_SCOPES.includes(rule.scope)) assert.equal(other.status, 403, other.text);
        else if (pattern.includes(':') || pattern === '/v1/proofs' || NAMES_ACME_OBJECT.includes(id)) {
          // the same answer as for an id that does not exist (the message names only the id asked for)
          assert.equal(other.status, 404, other.text);
          assert.equal(other.json.error.code, 'NOT_FOUND');
        } else {
          const fine = [200, 201, RIGHT_KEY_STATUS[id]];
          assert.ok(fine.includes(other.status), `${other.status} ${other.text}`);
          for (const s of secrets())
            assert.ok(!other.text.includes(s), `another tenant saw ${s}: ${other.text}`);
        }
        // a key of acme without the scope
        const lacking = await call(method, path(), f.lacking[rule.scope], body);
        assert.equal(lacking.status, 403, lacking.text);
        assert.match(lacking.json.error.message, new RegExp(rule.scope));
        // the right key
        const key = ADMIN_ONLY_SCOPES.includes(rule.scope) ? f.admin : f.acme;
        const ok = await call(method, path(), key, body);
        const want = RIGHT_KEY_STATUS[id];
        if (want) assert.equal(ok.status, want, ok.text);
        else assert.ok(ok.status === 200 || ok.status === 201, `${ok.status} ${ok.text}`);
      });
    }
  });
