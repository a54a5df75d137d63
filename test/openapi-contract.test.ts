// The API contract (packages/core/src/contract/): the committed OpenAPI document, the served one and its
// page, and the check that turns every test's requests and answers into conformance checks.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { RunningCoordinator } from '@sward/coordinator';
import { API_ERROR_CODES, API_ROUTES, routeKey } from '@sward/core';
import { Hono } from 'hono';
import { pino } from 'pino';
import { contractCheck } from '../packages/coordinator/src/api/contract-check.js';
import { ROUTE_RULES } from '../packages/coordinator/src/api/route-rules.js';
import { OPENAPI_SNAPSHOT, openApiText } from '../scripts/openapi.js';
import { caller, quietCoordinator } from './support/api-call.js';

const quiet = pino({ level: 'silent' });

describe('the OpenAPI document', () => {
  test('is the committed docs/openapi.json', () => {
    const committed = readFileSync(OPENAPI_SNAPSHOT, 'utf8');
    assert.ok(
      committed === openApiText(),
      'docs/openapi.json differs from the API contract: review the change, then run `npm run -s openapi` to update it',
    );
  });

  test('is a valid OpenAPI 3.1 document', async () => {
    const v = new Validator();
    const res = await v.validate(JSON.parse(openApiText()));
    assert.equal(v.version, '3.1');
    assert.ok(res.valid, JSON.stringify(res.errors, null, 2)?.slice(0, 2000));
  });

  test('names every route with the auth rule the coordinator enforces', () => {
    const doc = JSON.parse(openApiText());
    for (const [id, rule] of Object.entries(ROUTE_RULES)) {
      const [method, path] = id.split(' ') as [string, string];
      const op = doc.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      assert.ok(op, `${id} is not in the document`);
      const expected =
        rule.auth === 'public'
          ? []
          : rule.auth === 'key'
            ? [{ apiKey: [rule.scope] }]
            : rule.auth === 'anyKey'
              ? [{ apiKey: [] }]
              : [{ [rule.auth === 'node' ? 'nodeSession' : 'labellerSession']: [] }];
      assert.deepEqual(op.security, expected, id);
      assert.deepEqual(op.responses.default.content['application/json'].schema, {
        $ref: '#/components/schemas/Error',
      });
    }
    assert.deepEqual(doc.components.schemas.Error.properties.error.properties.code.enum, [
      ...API_ERROR_CODES,
    ]);
  });

  test('has one entry per route', () => {
    const keys = API_ROUTES.map(routeKey);
    assert.equal(new Set(keys).size, keys.length, 'a route is in the contract twice');
  });
});

describe('GET /openapi.json and GET /docs', () => {
  let co: RunningCoordinator;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sward-openapi-'));
    co = await quietCoordinator(join(dir, 'db.sqlite'), join(dir, 'data'));
  });
  after(async () => {
    await co.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the app registers exactly the contract's routes", () => {
    const registered = new Set(
      co.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`),
    );
    const declared = new Set(API_ROUTES.map(routeKey));
    assert.deepEqual(
      [...registered].filter((r) => !declared.has(r)),
      [],
      'handlers without a contract entry',
    );
    assert.deepEqual(
      [...declared].filter((r) => !registered.has(r)),
      [],
      'contract entries without a handler',
    );
  });

  test('serve the document and a page of it, to anyone, with no script from elsewhere', async () => {
    const call = caller(co.app);
    const spec = await call('GET', '/openapi.json');
    assert.equal(spec.status, 200);
    assert.equal(spec.text.length > 0, true);
    assert.deepEqual(spec.json, JSON.parse(openApiText()));
    const page = await call('GET', '/docs');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    for (const r of API_ROUTES) assert.ok(page.text.includes(r.path.replace(/:(\w+)/g, '{$1}')), r.path);
    assert.doesNotMatch(page.text, /<script|https?:\/\/(?!localhost)[a-z]/i);
  });
});

describe('the contract check (SWARD_CONTRACT_CHECK=1)', () => {
  /** An app whose handlers answer what they are told, for routes the contract names. */
  const app = (register: (a: Hono) => void) => {
    const a = new Hono();
    a.use('*', contractCheck(quiet));
    register(a);
    return caller(a);
  };
  const violation = (r: { status: number; json: { error?: { code?: string; message?: string } } }) => {
    assert.equal(r.status, 500, JSON.stringify(r.json));
    assert.equal(r.json.error?.code, 'CONTRACT_VIOLATION');
    return r.json.error?.message ?? '';
  };

  test('passes answers the contract describes', async () => {
    const call = app((a) => {
      a.get('/healthz', (c) => c.json({ ok: true }));
      a.get('/v1/log/key', (c) => c.text('key\n'));
      a.get('/v1/log/checkpoint', (c) => c.json({ error: { code: 'NOT_FOUND', message: 'none' } }, 404));
    });
    assert.equal((await call('GET', '/healthz')).status, 200);
    assert.equal((await call('GET', '/v1/log/key')).status, 200);
    assert.equal((await call('GET', '/v1/log/checkpoint')).status, 404);
  });

  test('catches a wrong answer body, naming the route and the field', async () => {
    const call = app((a) => a.get('/v1/log/checkpoints', (c) => c.json({ checkpoints: [{ size: 'one' }] })));
    assert.match(
      violation(await call('GET', '/v1/log/checkpoints')),
      /GET \/v1\/log\/checkpoints: .*checkpoints\.0\.size/,
    );
  });

  test('catches an undeclared status, a wrong content type and an error code outside the closed set', async () => {
    const call = app((a) => {
      a.post('/v1/jobs', (c) => c.json({ id: 'j' }, 200));
      a.get('/v1/log/key', (c) => c.json({ key: 'k' }));
      a.get('/v1/log/checkpoint', (c) => c.json({ error: { code: 'OOPS', message: 'x' } }, 404));
      a.get('/v1/log/leaves/:index', (c) => c.text('gone', 404));
    });
    assert.match(violation(await call('POST', '/v1/jobs', null, { seed: 'https://a.test/' })), /status 200/);
    assert.match(violation(await call('GET', '/v1/log/key')), /content type/);
    assert.match(violation(await call('GET', '/v1/log/checkpoint')), /error body/);
    assert.match(violation(await call('GET', '/v1/log/leaves/1')), /not JSON/);
  });

  test('catches a field the answer carries and the contract does not declare, however deep', async () => {
    const call = app((a) => {
      a.get('/healthz', (c) => c.json({ ok: true, build: 'secret-hostname' }));
      a.get('/v1/rewards/node/fetches', (c) =>
        c.json({
          operator: 'alice',
          next: null,
          fetches: [
            {
              captureId: 'c',
              nodeId: 'n',
              url: 'https://a.test/',
              finalUrl: 'https://a.test/',
              status: 200,
              outcome: 'stored',
              reason: null,
              bytes: 1,
              fetchedAt: 1,
              points: null,
              clawedBack: false,
              jobId: 'j_of_a_customer',
            },
          ],
        }),
      );
    });
    assert.match(violation(await call('GET', '/healthz')), /does not declare: build$/);
    assert.match(
      violation(await call('GET', '/v1/rewards/node/fetches')),
      /does not declare: fetches\.0\.jobId$/,
    );
  });

  test('catches a success for a request the contract refuses', async () => {
    const call = app((a) => {
      a.post('/v1/nodes/challenge', (c) => c.json({ nonce: 'n', expiresAt: 'later' }));
      a.get('/v1/jobs', (c) => c.json({ jobs: [] }));
    });
    assert.match(violation(await call('POST', '/v1/nodes/challenge', null, { nodeId: 'me' })), /body nodeId/);
    assert.match(violation(await call('GET', '/v1/jobs?limt=5')), /query/);
  });

  test('is on in every test coordinator (scripts/run-tests.mjs)', async () => {
    assert.equal(process.env.SWARD_CONTRACT_CHECK, '1');
  });
});
