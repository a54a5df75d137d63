import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SwardApiError } from '@sward/sdk';
import { InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { CliError, failureLine, redactSecrets, toCliError } from './cli-error.js';

const ctx = { command: 'sward keys create', db: 'postgres://sward:hunter2@db.example/sward' };

/** The code, exit status and printed line an error becomes. */
function mapped(err: unknown, c = ctx) {
  const e = toCliError(err, c);
  return { code: e.code, exit: e.exitCode, line: failureLine(e, c) };
}

test('passwords in URLs are masked', () => {
  assert.equal(
    redactSecrets('cannot reach postgres://sward:hunter2@db:5432/x and http://u:p@h/'),
    'cannot reach postgres://sward:***@db:5432/x and http://u:***@h/',
  );
  assert.equal(redactSecrets('postgres://sward@db/x'), 'postgres://sward@db/x');
});

test('usage errors exit 2 and point to --help; failures exit 1', () => {
  assert.deepEqual(mapped(new InvalidArgumentError('expected a whole number')), {
    code: 'USAGE',
    exit: 2,
    line: 'sward keys create: expected a whole number (see sward keys create --help)',
  });
  assert.equal(mapped(new CliError('CONFIG', 'x')).exit, 2);
  for (const code of ['INPUT', 'AUTH', 'UNREACHABLE', 'NOT_FOUND', 'REJECTED', 'REMOTE', 'FAILED'] as const)
    assert.equal(new CliError(code, 'x').exitCode, 1, code);
});

test('SDK errors: unreachable, refused key, not found, refused request, server failure', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
    code: 'ECONNREFUSED',
    syscall: 'connect',
    address: '127.0.0.1',
    port: 1,
  });
  const network = new SwardApiError(
    'NETWORK',
    'cannot reach the coordinator at http://127.0.0.1:1: fetch failed',
    0,
    { cause: new TypeError('fetch failed', { cause: refused }) },
  );
  assert.match(
    mapped(network).line,
    /^sward keys create: cannot reach the coordinator at http:\/\/127\.0\.0\.1:1 \(connection refused\); is it running\?/,
  );
  assert.deepEqual(
    [401, 404, 400, 503].map((s) => mapped(new SwardApiError('HTTP', `answer ${s}`, s)).code),
    ['AUTH', 'NOT_FOUND', 'REJECTED', 'REMOTE'],
  );
  assert.match(
    mapped(new SwardApiError('UNAUTHORIZED', 'bad key', 401)).line,
    /check --api-key or SWARD_API_KEY/,
  );
});

test('room errors by their code; database, file, JSON and zod errors in one line', () => {
  const room = (name: string, code: string) => Object.assign(new Error(`${name} ${code}`), { name, code });
  assert.equal(mapped(room('NodeError', 'CONFIG')).exit, 2);
  assert.equal(mapped(room('RewardsError', 'NOT_FOUND')).code, 'NOT_FOUND');
  assert.equal(mapped(room('InferenceError', 'BAD_CSV')).code, 'INPUT');
  assert.equal(mapped(room('CoordinatorError', 'STORAGE')).code, 'FAILED');
  // pg: a server error has a severity and an SQLSTATE; the --db is named with its password masked
  const pg = Object.assign(new Error('database "x" does not exist'), { severity: 'FATAL', code: '3D000' });
  const line = mapped(pg).line;
  assert.match(
    line,
    /PostgreSQL: database "x" does not exist \(--db postgres:\/\/sward:\*\*\*@db\.example\/sward/,
  );
  assert.ok(!line.includes('hunter2'));
  const enoent = Object.assign(new Error("ENOENT: no such file or directory, open 'a.json'"), {
    code: 'ENOENT',
    syscall: 'open',
    path: 'a.json',
  });
  assert.deepEqual(mapped(enoent), {
    code: 'INPUT',
    exit: 1,
    line: 'sward keys create: a.json: no such file or directory',
  });
  assert.equal(mapped(new SyntaxError('Unexpected token')).code, 'INPUT');
  const zod = z.object({ port: z.number() }).safeParse({ port: 'x' });
  assert.match(mapped(zod.error).line, /: port: /);
  assert.equal(
    mapped(Object.assign(new Error('a\nb'), { name: 'SqliteError', code: 'SQLITE_BUSY' })).code,
    'FAILED',
  );
});

test('an unexpected error is still one line, and says how to see the stack', () => {
  const m = mapped(
    new TypeError("Cannot read properties of undefined (reading 'x')\n    at f (file.ts:1:1)"),
  );
  assert.equal(m.code, 'INTERNAL');
  assert.equal(m.line.split('\n').length, 1);
  assert.match(m.line, /unexpected TypeError: .*rerun with --debug or SWARD_DEBUG=1/);
  assert.equal(mapped('a string').code, 'INTERNAL');
});
