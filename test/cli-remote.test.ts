// `sward` against a coordinator this test starts on loopback with `sward coordinator --config`: unknown
// ids and a wrong key fail in one line with exit 1, and the commands that read from the coordinator
// print one JSON document with --json (a crawl and the verification of its output too).
// The commands run in this process (support/cli-in-process.ts: main() on a worker thread that loads the
// CLI once), except the coordinator, a wrong key's failure, the crawl and the commands that load the
// coordinator's code (node status, job output), which run as real `sward` processes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSampleSite } from '@sward/testsites';
import { inProcessCli } from './support/cli-in-process.js';
import { assertOneLineFailure, type Case, run } from './support/cli-run.js';
import { loopbackNode } from './support/nodes.js';
import { freePort, type Proc, sward } from './support/processes.js';

const tmp = mkdtempSync(join(tmpdir(), 'sward-cli-remote-'));
const cli = inProcessCli();
after(async () => {
  await cli.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('against a coordinator started with --config', () => {
  let coord: Proc;
  let apiKey = '';
  let url = '';
  let port = 0;
  let site: Awaited<ReturnType<typeof startSampleSite>>;
  let node: Awaited<ReturnType<typeof loopbackNode>> | undefined;
  before(async () => {
    port = await freePort();
    const config = join(tmp, 'coordinator.json');
    // the file gives the port, the data folder and the interval; the flag --db wins over nothing else here
    writeFileSync(config, JSON.stringify({ port, dataDir: join(tmp, 'coord'), minRefresh: '1s' }));
    coord = sward(['coordinator', '--config', config, '--db', join(tmp, 'coord', 'sward.db')], {
      SWARD_API_KEY: '',
    });
    const m = await coord.waitFor(/coordinator listening on (\S+)[\s\S]*export SWARD_API_KEY=(\S+)/);
    url = m[1] as string;
    apiKey = m[2] as string;
    site = await startSampleSite({ pages: 10 });
  });
  after(async () => {
    await node?.stop();
    await coord?.kill();
    await site?.close();
  });

  test('it listens on the port from the config file', () => {
    assert.equal(url, `http://127.0.0.1:${port}`);
  });

  test('unknown ids and a wrong key: one line, exit 1', async () => {
    const env = { SWARD_COORDINATOR: url, SWARD_API_KEY: apiKey };
    const cases: Case[] = [
      [['collection', 'show', 'col_nope'], 1, 'sward collection show', /col_nope/, env],
      [['search', 'nope', 'roses'], 1, 'sward search', /no collection with id or name "nope"/, env],
      [['project', 'status', 'p_nope'], 1, 'sward project status', /p_nope/, env],
      [
        ['collection', 'create', 'x', '--source', 'not a url'],
        1,
        'sward collection create',
        /the coordinator refused the request \(BAD_REQUEST\)/,
        env,
      ],
    ];
    // one of them through the real bin, as a process
    const [wrongKey] = await Promise.all([
      run(['collection', 'list', '--api-key', 'wrong'], { env }),
      ...cases.map(async ([args, exitCode, command, re, e]) =>
        assertOneLineFailure(await cli.run(args, { env: e ?? {} }), exitCode, command, re),
      ),
    ]);
    assertOneLineFailure(wrongKey, 1, 'sward collection list', /refused the API key/);
  });

  test('collection and search commands answer one JSON document with --json', async () => {
    const env = { SWARD_COORDINATOR: url, SWARD_API_KEY: apiKey };
    const json = async (args: string[]) => {
      const r = await cli.run([...args, '--json'], { env });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
      return JSON.parse(r.out);
    };
    const created = await json(['collection', 'create', 'docs', '--source', `${site.url}/`, '--every', '1h']);
    assert.match(created.id, /^col_/);
    const [list, shown, byName, found] = await Promise.all([
      json(['collection', 'list']),
      json(['collection', 'show', created.id]),
      // by the name it was created with, as search takes it (was "no collection docs")
      json(['collection', 'show', 'docs']),
      json(['search', 'docs', 'anything']),
    ]);
    assert.equal(byName.id, created.id);
    assert.deepEqual(
      list.map((c: { id: string }) => c.id),
      [created.id],
    );
    assert.equal(shown.name, 'docs');
    assert.ok(Array.isArray(found.results));
    assert.deepEqual(await json(['collection', 'pause', 'docs']).then((c) => c.id), created.id);
    assert.deepEqual(await json(['collection', 'delete', 'docs']), { deleted: created.id });
  });

  test('project create, status and export with --json', async () => {
    const env = { SWARD_COORDINATOR: url, SWARD_API_KEY: apiKey };
    const items = join(tmp, 'items.jsonl');
    writeFileSync(
      items,
      [1, 2].map((i) => JSON.stringify({ id: `i${i}`, prompt: `q${i}`, response: `a${i}` })).join('\n'),
    );
    const created = await cli.run(
      ['project', 'create', '--json', '--file', items, '--type', 'rating', '--pay', '1', '--gold-share', '0'],
      {
        env,
      },
    );
    assert.equal(created.code, 0, created.err);
    const p = JSON.parse(created.out);
    assert.equal(p.items, 2);
    const status = await cli.run(['project', 'status', p.id, '--json'], { env });
    assert.equal(status.code, 0, status.err);
    assert.equal(JSON.parse(status.out).project.id, p.id);
    const text = await cli.run(['project', 'status', p.id], { env });
    assert.match(text.out, new RegExp(`^${p.id} {2}items {2}\\(rating, 2 items`));
    const exported = await cli.run(['project', 'export', p.id, '--out', join(tmp, 'export'), '--json'], {
      env,
    });
    assert.equal(exported.code, 0, exported.err);
    assert.ok(JSON.parse(exported.out).files.length > 0);
  });

  test('crawl --json and verify --json of its output', async () => {
    node = await loopbackNode(url, join(tmp, 'node'));
    const out = join(tmp, 'crawl-out');
    const env = { SWARD_COORDINATOR: url, SWARD_API_KEY: apiKey };
    const crawl = await run(['crawl', `${site.url}/`, '--max-pages', '2', '--out', out, '--json'], { env });
    assert.equal(crawl.code, 0, crawl.err);
    const summary = JSON.parse(crawl.out);
    assert.equal(summary.job.state, 'done');
    assert.equal(summary.output.pages, 2);
    const verify = await cli.run(['verify', out, '--json']);
    assert.equal(verify.code, 0, verify.err);
    const report = JSON.parse(verify.out);
    assert.deepEqual([report.ok, report.rows, report.failures], [true, 2, []]);
    const status = await run(['node', 'status', '--operator', 'nobody', '--json'], { env });
    assert.equal(status.code, 0, status.err);
    assert.equal(JSON.parse(status.out).operator, 'nobody');
  });

  test('job cancel and job output --json: a cancelled job is written and verifies', async () => {
    await node?.stop();
    node = undefined;
    const env = { SWARD_COORDINATOR: url, SWARD_API_KEY: apiKey };
    const { SwardClient } = await import('@sward/sdk');
    const job = await new SwardClient({ url, apiKey }).createCrawl({ seed: `${site.url}/`, maxPages: 5 });
    const cancel = await cli.run(['job', 'cancel', job.id, '--json'], { env });
    assert.equal(cancel.code, 0, cancel.err);
    assert.equal(JSON.parse(cancel.out).state, 'cancelled');
    const out = join(tmp, 'cancelled-out');
    const output = await run(['job', 'output', job.id, '--out', out, '--json'], { env });
    assert.equal(output.code, 0, output.err);
    assert.deepEqual(
      [JSON.parse(output.out).job.state, JSON.parse(output.out).output.pages],
      ['cancelled', 0],
    );
    const verify = await cli.run(['verify', out, '--json']);
    assert.equal(verify.code, 0, verify.err);
    assert.equal(JSON.parse(verify.out).ok, true);
    const again = await cli.run(['job', 'cancel', 'j_nope'], { env });
    assertOneLineFailure(again, 1, 'sward job cancel', /no job j_nope/);
  });
});
