// What `sward` prints besides failures: --json is one JSON document on stdout, --debug and
// SWARD_DEBUG=1 add the stack trace to a failure, and --help never shows a secret from the environment.
// The --debug and --help checks run `sward` as child processes (bin/sward.js), the --json ones in this
// process (support/cli-in-process.ts: the CLI loaded once); none needs a coordinator here.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SCOPES } from '@sward/core';
import { Command } from 'commander';
import { registerCommands } from '../packages/cli/src/commands/index.js';
import { inProcessCli } from './support/cli-in-process.js';
import { run } from './support/cli-run.js';
import { freePort } from './support/processes.js';

const tmp = mkdtempSync(join(tmpdir(), 'sward-cli-output-'));
const SECRET_KEY = 'sk-secret-value';
const DB_PASSWORD = 'pw-db-secret';
let deadUrl = '';

before(async () => {
  deadUrl = `http://127.0.0.1:${await freePort()}`;
  writeFileSync(join(tmp, 'page.html'), '<html><body><p>Hello there, this is a page.</p></body></html>');
  mkdirSync(join(tmp, 'empty-bundle'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('--debug and SWARD_DEBUG=1 add the stack trace', { concurrency: 2 }, () => {
  for (const [how, args, env] of [
    ['--debug', ['--debug'], {}],
    ['SWARD_DEBUG=1', [], { SWARD_DEBUG: '1' }],
  ] as const)
    test(how, async () => {
      const r = await run(
        ['crawl', 'http://x.example/', '--api-key', 'k', '--coordinator', deadUrl, ...args],
        {
          env,
        },
      );
      assert.equal(r.code, 1);
      const [first, ...rest] = r.err.split('\n');
      assert.match(first ?? '', /^sward crawl: cannot reach the coordinator/);
      assert.match(rest.join('\n'), /^\s+at .*client\.ts/m, r.err);
    });
});

describe('--help never shows a secret from the environment', () => {
  const secretEnv = {
    SWARD_API_KEY: SECRET_KEY,
    SWARD_DB: `postgres://sward:${DB_PASSWORD}@127.0.0.1:5432/sward`,
    SWARD_COORDINATOR: 'http://user:pw-url-secret@127.0.0.1:1',
  };
  test('the help of every command, built with the secrets in the environment', () => {
    // Option defaults are computed when the commands register, so register them with the secrets set.
    const saved = { ...process.env };
    Object.assign(process.env, secretEnv);
    try {
      const program = new Command('sward');
      registerCommands(program);
      const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
      const commands = all(program);
      assert.ok(commands.length > 25, `every command: ${commands.length}`);
      for (const c of commands) {
        const help = c.helpInformation();
        for (const secret of [SECRET_KEY, DB_PASSWORD, 'pw-url-secret'])
          assert.ok(!help.includes(secret), `sward ${c.name()} --help shows ${secret}:\n${help}`);
      }
    } finally {
      for (const k of Object.keys(secretEnv)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
  for (const args of [
    ['crawl', '--help'],
    ['coordinator', '--help'],
  ])
    test(`sward ${args.join(' ')} as a process`, async () => {
      const r = await run(args, { env: secretEnv });
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /Usage: sward/);
      for (const secret of [SECRET_KEY, DB_PASSWORD, 'pw-url-secret'])
        assert.ok(!r.out.includes(secret), r.out);
      if (args[0] === 'crawl') assert.match(r.out, /--api-key <key> +customer API key \(env SWARD_API_KEY\)/);
    });
});

test('sward keys create --help names every scope a key may hold', () => {
  const program = new Command('sward');
  registerCommands(program);
  const create = program.commands
    .find((c) => c.name() === 'keys')
    ?.commands.find((c) => c.name() === 'create');
  const scopes = create?.options.find((o) => o.long === '--scopes')?.description ?? '';
  const listed = /comma-separated: (\S+)/.exec(scopes)?.[1]?.split(',') ?? [];
  assert.deepEqual(listed, [...SCOPES], scopes);
});

test('sward extract --help names every kind --keep-pii keeps, card numbers too', () => {
  const program = new Command('sward');
  registerCommands(program);
  const extract = program.commands.find((c) => c.name() === 'extract');
  const keep = extract?.options.find((o) => o.long === '--keep-pii')?.description ?? '';
  for (const kind of ['emails', 'phone numbers', 'IP addresses', 'card numbers'])
    assert.match(keep, new RegExp(kind));
});

test("README's Scripting paragraph names exactly the commands that take --json", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const para = /\*\*Scripting\.\*\*([\s\S]*?)Progress bars/.exec(readme)?.[1] ?? '';
  const listed = new Set(
    [...para.matchAll(/`([a-z][a-z -]*(?:\|[a-z-]+)*)`/g)].flatMap(([, item]) => {
      const [head, ...rest] = (item as string).split(' ');
      const subs = rest.join(' ');
      return subs ? subs.split('|').map((sub) => `${head} ${sub}`) : [head as string];
    }),
  );
  const program = new Command('sward');
  registerCommands(program);
  const leaves = (c: Command, path: string[]): string[][] =>
    c.commands.length ? c.commands.flatMap((x) => leaves(x, [...path, x.name()])) : [path];
  const withJson = leaves(program, [])
    .filter((path) => {
      const cmd = path.reduce<Command | undefined>(
        (c, n) => c?.commands.find((x) => x.name() === n),
        program,
      );
      return cmd?.options.some((o) => o.long === '--json');
    })
    .map((path) => path.join(' '));
  assert.deepEqual([...listed].sort(), withJson.sort());
});

describe('--json: one JSON document on stdout', { concurrency: 2 }, () => {
  const cli = inProcessCli();
  after(() => cli.close());
  test('extract --json', async () => {
    const r = await cli.run(['extract', '--json', join(tmp, 'page.html')]);
    assert.equal(r.code, 0, r.err);
    assert.match(JSON.parse(r.out).text, /Hello there/);
  });
  test('verify --json of a folder that is no bundle: the report, exit 1, one line on stderr', async () => {
    const r = await cli.run(['verify', '--json', join(tmp, 'empty-bundle')]);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.out);
    assert.equal(report.ok, false);
    assert.equal(report.failures[0].check, 'format');
    // The stderr line counts the same failures as the report (a bundle with no pages.jsonl has several).
    assert.match(
      r.err,
      new RegExp(`^sward verify: ${report.failures.length} problem\\(s\\) in .*empty-bundle\n$`),
    );
  });
  test('keys create, admin flags, node status on a database', async () => {
    const db = join(tmp, 'json.db');
    const key = await cli.run(['keys', 'create', '--json', '--name', 'ci'], { env: { SWARD_DB: db } });
    assert.equal(key.code, 0, key.err);
    assert.match(JSON.parse(key.out).key, /\S{20,}/);
    const flags = await cli.run(['admin', 'flags', '--json', '--db', db]);
    assert.equal(flags.code, 0, flags.err);
    assert.deepEqual(JSON.parse(flags.out), []);
    const status = await cli.run(['node', 'status', '--db', db, '--operator', 'nobody', '--json']);
    assert.equal(status.code, 0, status.err);
    assert.equal(JSON.parse(status.out).operator, 'nobody');
  });
  test('node log --json is an array', async () => {
    const log = join(tmp, 'fetch-log.jsonl');
    writeFileSync(log, '');
    const r = await cli.run(['node', 'log', '--json', '--log-file', log]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out), []);
  });
});
