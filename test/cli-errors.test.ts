// `sward` fails like a good Unix tool: each command, given bad input, prints one line on stderr that
// names what is wrong (no stack trace) and exits 1 (failure) or 2 (usage error), against nothing or a
// dead loopback port. The cases marked `process` run the real bin/sward.js as a child process, one or
// more of each kind of failure; the others run the CLI's main() in this process (support/cli-in-process.ts:
// one worker thread loads the CLI once, where each child loaded it again). The --json, --debug and --help
// checks are in cli-output.test.ts, the ones against a coordinator in cli-remote.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inProcessCli } from './support/cli-in-process.js';
import { assertOneLineFailure, type Case, cleanEnv, run } from './support/cli-run.js';
import { freePort } from './support/processes.js';

const tmp = mkdtempSync(join(tmpdir(), 'sward-cli-errors-'));
const DB_PASSWORD = 'pw-db-secret';
const missing = join(tmp, 'missing');
let deadUrl = '';
let deadPort = 0;
// a port something else already listens on, as a second `sward coordinator --port` finds it
let busy: Server;
let busyPort = 0;

before(async () => {
  deadPort = await freePort();
  deadUrl = `http://127.0.0.1:${deadPort}`;
  writeFileSync(join(tmp, 'page.html'), '<html><body><p>Hello there, this is a page.</p></body></html>');
  writeFileSync(join(tmp, 'bad-config.json'), JSON.stringify({ port: 8080, prot: 1 }));
  busy = createServer();
  await new Promise<void>((res) => busy.listen(0, '127.0.0.1', res));
  busyPort = (busy.address() as { port: number }).port;
});
const cli = inProcessCli();
after(async () => {
  await cli.close();
  await new Promise((res) => busy.close(res));
  rmSync(tmp, { recursive: true, force: true });
});

// One or two cases per command, chosen to cover each kind of failure once: commander's usage errors,
// our own usage errors, a missing API key, a dead coordinator (SDK and plain fetch), a missing file,
// a bad config file or variable, a database that cannot be opened or reached.
describe('bad input: one line, no stack, exit 1 or 2', { concurrency: 3 }, () => {
  const db = () => join(tmp, 'offline.db');
  // `process`: through the real bin, as a child process
  const cases: [string, () => Case, 'process'?][] = [
    [
      'unknown option',
      () => [['--bogus'], 2, 'sward', /unknown option '--bogus' \(see sward --help\)/],
      'process',
    ],
    ['unknown command', () => [['bogus'], 2, 'sward', /unknown command 'bogus'/]],
    ['crawl: missing argument', () => [['crawl'], 2, 'sward crawl', /missing required argument 'seed'/]],
    [
      // was sent to the coordinator first: exit 1, "the coordinator refused the request (BAD_REQUEST)"
      'crawl: a seed that is no http(s) URL',
      () => [
        ['crawl', 'example.org', '--api-key', 'k', '--coordinator', deadUrl],
        2,
        'sward crawl',
        /seed example\.org: expected an http\(s\) URL, e\.g\. https:\/\/example\.org\//,
      ],
    ],
    [
      'crawl: no API key',
      () => [
        ['crawl', 'http://x.example/'],
        2,
        'sward crawl',
        /no API key: pass --api-key or set SWARD_API_KEY/,
      ],
      'process',
    ],
    [
      'crawl: --budget without --max-price',
      () => [
        ['crawl', 'http://x.example/', '--budget', '1', '--api-key', 'k'],
        2,
        'sward crawl',
        /--budget needs --max-price/,
      ],
    ],
    [
      'crawl: a bad --max-price',
      () => [
        ['crawl', 'http://x.example/', '--max-price', '0.1234567'],
        2,
        'sward crawl',
        /amount in USD like 0\.01/,
      ],
    ],
    [
      // the token is a secret: the message names the expected form, never echoes the value
      'crawl: a bad --license-token',
      () => [
        ['crawl', 'http://x.example/', '--license-token', 'not-an-origin=s3cr3t'],
        2,
        'sward crawl',
        /--license-token: expected origin=token, e\.g\. https:\/\/example\.org=<token>/,
      ],
    ],
    [
      'crawl: coordinator unreachable',
      () => [
        ['crawl', 'http://x.example/', '--api-key', 'k', '--coordinator', deadUrl],
        1,
        'sward crawl',
        /cannot reach the coordinator at http:\/\/127\.0\.0\.1:\d+ \(connection refused\); is it running\?/,
      ],
      'process',
    ],
    [
      'collection show: coordinator unreachable (SWARD_COORDINATOR)',
      () => [
        ['collection', 'show', 'col_x', '--api-key', 'k'],
        1,
        'sward collection show',
        /cannot reach the coordinator/,
        { SWARD_COORDINATOR: deadUrl },
      ],
    ],
    [
      'search: coordinator unreachable',
      () => [
        ['search', 'docs', 'q', '--api-key', 'k', '--coordinator', deadUrl],
        1,
        'sward search',
        /cannot reach the coordinator/,
      ],
    ],
    ['verify: no such folder', () => [['verify', missing], 1, 'sward verify', /missing: no such folder/]],
    [
      // was a report of every check the bad key failed ("27 problems"), exit 1
      'verify: a malformed --trusted-key',
      () => [
        ['verify', tmp, '--trusted-key', 'garbage'],
        2,
        'sward verify',
        /--trusted-key garbage: verifier key must be name\+keyid\+base64 \(give the key the coordinator's GET \/v1\/log\/key answers\)/,
      ],
    ],
    [
      'extract: missing file',
      () => [
        ['extract', join(tmp, 'missing.html')],
        1,
        'sward extract',
        /missing\.html: no such file or directory/,
      ],
      'process',
    ],
    [
      'extract: bad --format',
      () => [
        ['extract', '--format', 'xml', join(tmp, 'page.html')],
        2,
        'sward extract',
        /--format must be json/,
      ],
    ],
    [
      'labels aggregate: missing --gold file',
      () => [
        ['labels', 'aggregate', '--gold', missing],
        1,
        'sward labels aggregate',
        /cannot read .*missing/,
      ],
    ],
    [
      'project create: missing --file',
      () => [
        ['project', 'create', '--file', missing, '--type', 'rating', '--pay', '1', '--api-key', 'k'],
        1,
        'sward project create',
        /--file .*missing: no such file/,
      ],
    ],
    [
      'project export: coordinator unreachable',
      () => [
        ['project', 'export', 'p_1', '--out', tmp, '--api-key', 'k', '--coordinator', deadUrl],
        1,
        'sward project export',
        /cannot reach the coordinator/,
      ],
    ],
    [
      'project review: bad --verdict',
      () => [
        ['project', 'review', 'p_1', 'lab', '--verdict', 'maybe', '--api-key', 'k'],
        2,
        'sward project review',
        /--verdict must be clear or confirm/,
      ],
    ],
    [
      'node: bad config',
      () => [['node', '--coordinator', 'not a url'], 2, 'sward node', /coordinatorUrl \(from flags\)/],
    ],
    [
      // was "config: coordinatorUrl: required to run a node", the config key and no flag
      'node: no coordinator',
      () => [
        ['node'],
        2,
        'sward node',
        /coordinatorUrl: required to run a node: give --coordinator <url> \(or SWARD_NODE_COORDINATOR_URL/,
      ],
      'process',
    ],
    [
      // was "error: unknown option '--bogus'", the whole help, and exit 1
      'node: unknown option',
      () => [['node', '--bogus'], 2, 'sward node', /unknown option '--bogus' \(see sward node --help\)/],
      'process',
    ],
    ['node status: no operator', () => [['node', 'status'], 2, 'sward node status', /give --operator/]],
    [
      'node status: coordinator unreachable',
      () => [
        ['node', 'status', '--operator', 'alice', '--coordinator', deadUrl],
        1,
        'sward node status',
        /cannot reach the coordinator/,
      ],
    ],
    [
      'node log: bad --tail',
      () => [['node', 'log', '--tail', 'many'], 2, 'sward node log', /--tail.*"many"/],
    ],
    [
      'keys create: database folder missing',
      () => [
        ['keys', 'create', '--db', join(missing, 'x.db')],
        1,
        'sward keys create',
        /cannot open the SQLite database: its folder does not exist \(--db .*missing\/x\.db/,
      ],
      'process',
    ],
    [
      'admin flags: unknown action',
      () => [['admin', 'flags', 'bogus', '--db', db()], 2, 'sward admin flags', /unknown action "bogus"/],
    ],
    [
      'admin flags: unknown flag id',
      () => [
        ['admin', 'flags', 'clear', 'flag_nope', '--db', db()],
        1,
        'sward admin flags',
        /no flag flag_nope/,
      ],
    ],
    [
      'rewards verify-claim: inline proof without its numbers',
      () => [
        ['rewards', 'verify-claim', '--root', 'ab', '--account', 'op:a', '--amount', '1', '--proof', 'cd'],
        2,
        'sward rewards verify-claim',
        /an inline --proof needs --epoch, --index and --size/,
      ],
    ],
    [
      'rewards close-epoch: database folder missing',
      () => [
        ['rewards', 'close-epoch', '--db', join(missing, 'x.db')],
        1,
        'sward rewards close-epoch',
        /its folder does not exist/,
      ],
    ],
    [
      'coordinator: unknown key in --config',
      () => [
        ['coordinator', '--config', join(tmp, 'bad-config.json')],
        2,
        'sward coordinator',
        /config file .*bad-config\.json: unknown key "prot"/,
      ],
    ],
    [
      'coordinator: bad SWARD_PORT',
      () => [
        ['coordinator'],
        2,
        'sward coordinator',
        /environment SWARD_PORT: expected a whole number/,
        { SWARD_PORT: 'x' },
      ],
      'process',
    ],
    [
      'coordinator: PostgreSQL unreachable, password not shown',
      () => [
        ['coordinator', '--db', `postgres://sward:${DB_PASSWORD}@127.0.0.1:${deadPort}/sward`, '--port', '0'],
        1,
        'sward coordinator',
        /cannot connect to 127\.0\.0\.1:\d+: connection refused \(ECONNREFUSED\) \(--db postgres:\/\/sward:\*\*\*@/,
      ],
      'process',
    ],
    [
      'coordinator: its port is in use',
      () => [
        ['coordinator', '--db', join(tmp, 'busy.db'), '--port', String(busyPort)],
        1,
        'sward coordinator',
        /cannot listen on 127\.0\.0\.1:\d+: address already in use \(EADDRINUSE\); another process .* --port or SWARD_PORT/,
      ],
      'process',
    ],
    [
      // taken for a relative SQLite path, it made ./mysql:/u@db/sward and a coordinator on an empty database
      'coordinator: a --db URL that is not PostgreSQL',
      () => [
        ['coordinator', '--db', 'mysql://u@db/sward', '--port', String(busyPort)],
        2,
        'sward coordinator',
        /--db: expected a SQLite file path or a postgres:\/\/ URL, got a mysql:\/\/ URL/,
      ],
      'process',
    ],
    [
      // was only "pass --api-key or set SWARD_API_KEY": no word of --db, the way in with no key at all
      'keys list: neither an API key nor a database',
      () => [
        ['keys', 'list'],
        2,
        'sward keys list',
        /no API key: .* or work on the database directly with --db or SWARD_DB/,
      ],
    ],
    [
      'keys list: a mistyped SWARD_DB scheme',
      () => [
        ['keys', 'list'],
        2,
        'sward keys list',
        /SWARD_DB\) postgress:\/\/u@db\/sward: expected a SQLite file path or a postgres:\/\/ URL, got a postgress:\/\/ URL/,
        { SWARD_DB: 'postgress://u@db/sward' },
      ],
    ],
    ['demo: bad --nodes', () => [['demo', '--nodes', 'some'], 2, 'sward demo', /--nodes.*"some"/]],
  ];
  for (const [name, make, how] of cases)
    test(how === 'process' ? `${name} (a process)` : name, async () => {
      const [args, exitCode, command, re, env] = make();
      const r = await (how === 'process' ? run : cli.run)(args, { ...(env ? { env } : {}) });
      assertOneLineFailure(r, exitCode, command, re);
      assert.ok(!r.err.includes(DB_PASSWORD), 'no password in the message');
      assert.ok(!r.err.includes('s3cr3t'), 'no licence token in the message');
    });

  test('a coordinator that cannot take its port makes no first API key nobody is shown', async () => {
    const db = join(tmp, 'busy-key.db');
    const r = await run(['coordinator', '--db', db, '--port', String(busyPort)]);
    assertOneLineFailure(r, 1, 'sward coordinator', /address already in use/);
    assert.ok(existsSync(db), 'the database was opened (and migrated) before the port was tried');
    // the next start, on a free port, must still find no key and print the first one
    const keys = await cli.run(['keys', 'list', '--db', db, '--json']);
    assert.equal(keys.code, 0, keys.err);
    assert.deepEqual(JSON.parse(keys.out), []);
  });

  test('sward-node, the node alone: a usage error is one line naming sward-node, exit 2', async () => {
    const bin = new URL('../packages/node/bin/sward-node.js', import.meta.url).pathname;
    for (const [args, command, re] of [
      [[], 'sward-node', /config: coordinatorUrl: required to run a node: give --coordinator/],
      [['log', '--tail', 'x'], 'sward-node log', /option '--tail <n>' argument 'x' is invalid/],
    ] as const) {
      const r = spawnSync(process.execPath, [bin, ...args], { env: cleanEnv(), encoding: 'utf8' });
      assertOneLineFailure({ code: r.status, out: r.stdout, err: r.stderr }, 2, command, re);
    }
  });

  test('a command group without its subcommand prints its help and exits 2', async () => {
    const r = await run(['collection']);
    assert.equal(r.code, 2);
    assert.match(r.err, /Usage: sward collection/);
  });
});
