// Untrusted input on every route: bad query strings, seeds and bodies answer 400 naming the field, never
// 5xx; a refused request stores nothing; no answer or log line carries a server path, secret or stack.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningCoordinator } from '@sward/coordinator';
import { ADMIN_ONLY_SCOPES, CAPTURE_BATCH_CONTENT_TYPE, encodeCaptureBatch } from '@sward/core';
import fc from 'fast-check';
import { pino } from 'pino';
import { ROUTE_RULES } from '../packages/coordinator/src/api/route-rules.js';
import { safeError, scrub } from '../packages/coordinator/src/log-safe.js';
import { nodeSession, quietCoordinator } from './support/api-call.js';
import { backends } from './support/backends.js';
import { captureUpload } from './support/capture-maker.js';

// biome-ignore lint/suspicious/noExplicitAny: test-only access to response fields
type Json = any;

const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n');

/** A valid body per route, which the property test then breaks one field at a time. */
const VALID: Record<string, Record<string, unknown>> = {
  'POST /v1/jobs': { seed: 'http://acme.test/', maxPages: 1, maxDepth: 0 },
  'POST /v1/collections': { name: 'c', sources: ['http://acme.test/feed.xml'], every: '1h' },
  'POST /v1/collections/:id/search': { query: 'x', k: 5 },
  'POST /v1/labelling/projects': {
    name: 'p',
    type: 'rating',
    items: jsonl([{ id: 'x', prompt: 'p', response: 'r' }]),
    goldShare: 0,
    payPerTask: 1,
  },
  'POST /v1/labelling/projects/:id/flags/:labeller': { verdict: 'clear' },
  'POST /v1/labelling/labellers': { name: 'lab' },
  'POST /v1/labelling/work/projects/:id/qualification': { answers: ['3'] },
  'POST /v1/labelling/work/projects/:id/tasks/:task': { answer: '3', clientMs: 10 },
  'POST /v1/keys': { name: 'k', tenant: 'acme', scopes: ['crawl'] },
  'POST /v1/rewards/epochs/close': { epoch: 0 },
  'POST /v1/rewards/flags/:id/clear': { note: 'n' },
  'POST /v1/log/proofs/inclusion': { size: 1, indices: [0] },
  'POST /v1/nodes/challenge': { nodeId: 'a'.repeat(64) },
  'POST /v1/nodes/lease': { max: 1, waitMs: 0 },
  'POST /v1/takedowns': { kind: 'domain', value: 'taken-down.test', reason: 'publisher request' },
};
const QUERY_KEYS = ['after', 'limit', 'from', 'to', 'index', 'size', 'status', 'captureId', 'url', 'tenant'];

for (const backend of backends()) {
  describe(`bad input on every route: ${backend.name}`, () => {
    let co: RunningCoordinator;
    let dir: string;
    const logLines: string[] = [];
    const f = {} as {
      admin: string;
      acme: string;
      job: string;
      collection: string;
      project: string;
      key: string;
      labeller: string;
      node: string;
    };
    const call = async (method: string, path: string, bearer: string | null, body?: string) => {
      const res = await co.app.request(path, {
        method,
        headers: {
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body } : {}),
      });
      const text = await res.text();
      let json: Json = null;
      try {
        json = JSON.parse(text);
      } catch {}
      return { status: res.status, text, json };
    };
    /** Rows in every table, in one query. */
    let countSql = '';
    const rowCounts = async () => JSON.stringify(await co.store.db.get(countSql));

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'sward-input-'));
      co = await quietCoordinator(
        backend.name === 'sqlite' ? join(dir, 'sward.db') : await backend.create(),
        dir,
        {
          sequenceMs: 3_600_000,
          log: pino({ level: 'info' }, { write: (s: string) => void logLines.push(s) }),
        },
      );
      f.admin = co.firstApiKey as string;
      f.acme = (
        await co.store.auth.createApiKey({
          name: 'acme',
          tenant: 'acme',
          role: 'customer',
          scopes: ['crawl', 'collections', 'labelling:owner', 'keys:admin'],
        })
      ).key;
      const tables = await co.store.db.all<{ name: string }>(
        co.store.db.dialect === 'sqlite'
          ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
          : "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
      );
      // Not stored data: the usage counters count every request, refused or not (that is a rate limit).
      tables.splice(
        tables.findIndex((t) => t.name === 'quota_usage'),
        1,
      );
      countSql = `SELECT ${tables.map((t, i) => `(SELECT count(*) FROM "${t.name}") AS t${i}`).join(', ')}`;
      const job = await call('POST', '/v1/jobs', f.acme, JSON.stringify(VALID['POST /v1/jobs']));
      f.job = job.json.id;
      const col = await call(
        'POST',
        '/v1/collections',
        f.acme,
        JSON.stringify(VALID['POST /v1/collections']),
      );
      f.collection = col.json.id;
      const proj = await call(
        'POST',
        '/v1/labelling/projects',
        f.acme,
        JSON.stringify(VALID['POST /v1/labelling/projects']),
      );
      f.project = proj.json.id;
      const key = await call(
        'POST',
        '/v1/keys',
        f.acme,
        JSON.stringify({ name: 'spare', scopes: ['crawl'] }),
      );
      f.key = key.json.id;
      const lab = await call('POST', '/v1/labelling/labellers', null, JSON.stringify({ name: 'lab' }));
      f.labeller = lab.json.token;
      await co.store.auth.upsertNode({ id: 'b'.repeat(64), operator: 'alice' });
      f.node = (await co.store.auth.createSession('b'.repeat(64))).token;
    });
    after(async () => {
      await co?.close();
      rmSync(dir, { recursive: true, force: true });
      await backend.cleanup();
    });

    test('page and document queries: limit and after must be whole numbers in range', async () => {
      for (const route of ['pages', 'documents', 'skipped']) {
        const bad = route === 'skipped' ? ['after=abc', 'after=-1'] : [];
        for (const v of ['abc', 'NaN', '1.5', '-1', '0', '5001', '1e400', '']) bad.push(`limit=${v}`);
        bad.push('after=1.5', 'after=NaN', 'typo=1');
        for (const q of bad) {
          const r = await call('GET', `/v1/jobs/${f.job}/${route}?${q}`, f.acme);
          assert.equal(r.status, 400, `${route}?${q}: ${r.text}`);
          assert.equal(r.json.error.code, 'BAD_REQUEST');
          assert.match(r.json.error.message, new RegExp(`query ${q.split('=')[0]}`), r.text);
        }
        const ok = await call(
          'GET',
          `/v1/jobs/${f.job}/${route}?after=0${route === 'skipped' ? '' : '&limit=10'}`,
          f.acme,
        );
        assert.equal(ok.status, 200, ok.text);
      }
    });

    test('job listing is bounded', async () => {
      for (let i = 0; i < 3; i++)
        await call('POST', '/v1/jobs', f.acme, JSON.stringify({ seed: `http://list.test/${i}` }));
      const two = await call('GET', '/v1/jobs?limit=2', f.acme);
      assert.equal(two.json.jobs.length, 2, two.text);
      assert.equal((await call('GET', '/v1/jobs?limit=1001', f.acme)).status, 400);
    });

    test('seeds: http(s) with a host, at most 8 KiB, no credentials or control characters', async () => {
      const before = await rowCounts();
      const cases: [string, RegExp][] = [
        [`http://a.test/${'a'.repeat(39 * 1024 * 1024)}`, /over 8192/],
        [`http://a.test/${'a'.repeat(8200)}`, /over 8192/],
        ['http:///etc/passwd', /no host/],
        ['file:///etc/passwd', /http/],
        ['ftp://a.test/', /http/],
        ['http://user:pw@a.test/', /user name or password/],
        ['http://a.test/\u0000x', /NUL|control/],
        ['http://a.test/a\r\nSet-Cookie: x', /control/],
        ['http://a.test/\tx', /control/],
        ['http://', /no host/],
        ['not a url', /http/],
      ];
      for (const [seed, why] of cases) {
        const r = await call('POST', '/v1/jobs', f.acme, JSON.stringify({ seed }));
        assert.equal(r.status, 400, `${seed.slice(0, 40)}: ${r.text.slice(0, 300)}`);
        assert.match(r.json.error.message, /seed/);
        assert.match(r.json.error.message, why);
        assert.ok(r.text.length < 2000, 'the answer does not echo a huge input');
      }
      const src = await call(
        'POST',
        '/v1/collections',
        f.acme,
        JSON.stringify({ name: 'x', sources: ['http://u:p@a.test/feed'] }),
      );
      assert.equal(src.status, 400, src.text);
      assert.match(src.json.error.message, /sources\.0/);
      assert.equal(await rowCounts(), before, 'nothing stored for refused requests');
      const ok = await call(
        'POST',
        '/v1/jobs',
        f.acme,
        JSON.stringify({ seed: 'https://bücher.test:8443/a?b=c#d' }),
      );
      assert.equal(ok.status, 201, ok.text);
    });

    test('closing an epoch names its files, not where the server keeps them', async () => {
      const r = await call('POST', '/v1/rewards/epochs/close', f.admin, '{}');
      assert.equal(r.status, 200, r.text);
      assert.match(r.json.files.json, /^epoch-\d+\.json$/);
      assert.ok(!r.text.includes(dir), r.text);
    });

    test('log lines and errors are scrubbed of paths and secrets', () => {
      assert.equal(
        scrub(`ENOENT: no such file, open '/srv/sward/data/x.json' key sk_${'A'.repeat(40)}`),
        "ENOENT: no such file, open '<path>' key sk_<secret>",
      );
      const e = Object.assign(new Error('open /var/lib/sward/blobs/ab failed'), { code: 'ENOENT' });
      assert.deepEqual(safeError(e), { type: 'Error', code: 'ENOENT', message: 'open <path> failed' });
    });

    test('bodies nested 100,000 deep: no 5xx on any route, and a refusal stores nothing', async () => {
      const deep = [
        '['.repeat(100_000) + ']'.repeat(100_000),
        `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`,
      ];
      for (const id of Object.keys(ROUTE_RULES)) {
        const [method, pattern] = id.split(' ') as [string, string];
        if (method === 'GET') continue;
        const rule = ROUTE_RULES[id];
        const bearer =
          rule?.auth === 'node'
            ? f.node
            : rule?.auth === 'labeller'
              ? f.labeller
              : rule?.auth === 'key'
                ? f.admin
                : null;
        for (const body of deep) {
          const before = await rowCounts();
          const r = await call(method, pattern.replace(/:(\w+)/g, 'x'), bearer, body);
          assert.ok(r.status < 500, `${id} → ${r.status} ${r.text.slice(0, 200)}`);
          // (a route that reads no body, such as the heartbeat, answers as ever)
          if (r.status >= 400) assert.equal(await rowCounts(), before, `${id} stored rows`);
        }
      }
    });

    test("a node's capture batch holding a NUL is refused naming the field, and stores nothing", async () => {
      const { node, token } = await nodeSession(co, 'nul-node');
      const lease = (await call('POST', '/v1/nodes/lease', token, JSON.stringify({ max: 1 }))).json.leases[0];
      assert.ok(lease, 'a lease of the job made in before()');
      const body = Buffer.from('<p>x</p>');
      const up = captureUpload(node, lease, { body, headers: { 'content-type': 'text/html\u0000x' } });
      const before = await rowCounts();
      const res = await co.app.request('/v1/nodes/capture-batch', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': CAPTURE_BATCH_CONTENT_TYPE },
        body: encodeCaptureBatch([{ capture: up.capture, signature: up.signature, body }]),
      });
      const text = await res.text();
      assert.equal(res.status, 400, text);
      assert.match(text, /captures\[0\]\.capture\.headers\.content-type: NUL/);
      assert.equal(await rowCounts(), before);
    });

    test('a labelling item holding a NUL is refused with its line (PostgreSQL cannot store one)', async () => {
      const r = await call(
        'POST',
        '/v1/labelling/projects',
        f.acme,
        JSON.stringify({
          ...VALID['POST /v1/labelling/projects'],
          items: jsonl([{ id: 'x', prompt: 'a\u0000b', response: 'r' }]),
        }),
      );
      assert.equal(r.status, 400, r.text);
      assert.match(r.text, /line 1.*NUL/);
    });

    test('property: random and malformed bodies, queries and ids on every route: no 5xx, refused means nothing stored', async () => {
      const credential = (id: string) => {
        const rule = ROUTE_RULES[id];
        if (rule?.auth === 'node') return f.node;
        if (rule?.auth === 'labeller') return f.labeller;
        if (rule?.auth === 'key') return ADMIN_ONLY_SCOPES.includes(rule.scope) ? f.admin : f.acme;
        return null;
      };
      const fixtureFor = (pattern: string, name: string): string => {
        if (pattern.startsWith('/v1/jobs/')) return f.job;
        if (pattern.startsWith('/v1/collections/')) return f.collection;
        if (pattern.includes('/projects/') && name === 'id') return f.project;
        if (pattern.startsWith('/v1/keys/')) return f.key;
        return '0';
      };
      const junk = fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom(null, -1, 1.5, 1e308, '', 'x'.repeat(70_000), '\u0000', [], {}),
      );
      // The rows counted after one call are the next call's "before": one count a call, not two (a count is
      // ~80 subqueries, ~6 ms on PostgreSQL, where two a call were 60 % of this suite's time).
      let counted = await rowCounts();
      for (const id of Object.keys(ROUTE_RULES)) {
        const [method, pattern] = id.split(' ') as [string, string];
        const valid = VALID[id];
        const body = fc.oneof(
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
          fc.string({ maxLength: 50 }),
          valid
            ? fc
                .record({ k: fc.constantFrom(...Object.keys(valid), 'extra'), v: junk })
                .map(({ k, v }) => JSON.stringify({ ...valid, [k]: v }))
            : fc.constant('{}'),
        );
        const query = fc.dictionary(
          fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 5 })),
          fc.oneof(
            fc.constantFrom('abc', 'NaN', '1.5', '-1', '1e400', '', '0', '99999999999999999999'),
            fc.string(),
          ),
          { maxKeys: 3 },
        );
        const names = [...pattern.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
        const params = fc.tuple(
          ...names.map((n) => fc.oneof(fc.string({ minLength: 1 }), fc.constant(fixtureFor(pattern, n)))),
        );
        await fc.assert(
          fc.asyncProperty(body, query, params, async (b, q, ps) => {
            let i = 0;
            const path = pattern.replace(/:(\w+)/g, () => encodeURIComponent(ps[i++] as string));
            const qs = new URLSearchParams(q as Record<string, string>).toString();
            const before = counted;
            const r = await call(
              method,
              `${path}${qs ? `?${qs}` : ''}`,
              credential(id),
              method === 'GET' ? undefined : b,
            );
            assert.ok(
              r.status < 500,
              `${id} ${path}?${qs} ${b.slice(0, 200)} → ${r.status} ${r.text.slice(0, 300)}`,
            );
            assert.ok(!r.text.includes(dir) && !/\n\s+at /.test(r.text), `${id}: ${r.text.slice(0, 300)}`);
            counted = await rowCounts();
            if (r.status >= 400) assert.equal(counted, before, `${id} refused (${r.status}) but stored rows`);
          }),
          { numRuns: 12 },
        );
      }
      const leaks = logLines.filter((l) => l.includes(dir) || l.includes(f.admin) || /"stack"/.test(l));
      assert.deepEqual(leaks, [], 'log lines with a server path, a secret or a stack');
    });
  });
}
