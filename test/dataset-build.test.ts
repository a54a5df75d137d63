import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import { DATASET_COLUMNS } from '@sward/core';
import type { RunningNode } from '@sward/node';
import { downloadDataset, type SwardApiError, SwardClient, verifyBundleDir } from '@sward/sdk';
import { startSampleSite, startUsagePolicySite } from '@sward/testsites';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { pino } from 'pino';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { backends } from './support/backends.js';
import { loopbackNode } from './support/nodes.js';
import { sward } from './support/processes.js';

type Row = Record<string, unknown>;

const readShard = async (path: string) =>
  (await parquetReadObjects({ file: await asyncBufferFromFile(path) })) as Row[];

/** Writes rows back as a shard of the same columns (an attacker's edit of a Parquet file). */
const writeShard = (path: string, rows: Row[]) =>
  writeFileSync(
    path,
    new Uint8Array(
      parquetWriteBuffer({
        columnData: DATASET_COLUMNS.map((name) =>
          name === 'leaf_index'
            ? { name, data: rows.map((r) => BigInt(r[name] as number | bigint)), type: 'INT64' as const }
            : { name, data: rows.map((r) => String(r[name])), type: 'STRING' as const },
        ),
      }),
    ),
  );

const shards = (dir: string) =>
  readdirSync(join(dir, 'data'))
    .filter((n) => n.endsWith('.parquet'))
    .sort()
    .map((n) => join(dir, 'data', n));

/** The fields of Hugging Face dataset card metadata the build emits, with the Hub's value shapes. */
const hfCardSchema = z
  .object({
    pretty_name: z.string().min(1),
    license: z.string().min(1),
    license_name: z.string().optional(),
    license_details: z.string().optional(),
    language: z.array(z.string().regex(/^[a-z]{2,3}$/)).optional(),
    size_categories: z.array(
      z.enum(['n<1K', '1K<n<10K', '10K<n<100K', '100K<n<1M', '1M<n<10M', '10M<n<100M']),
    ),
    task_categories: z.array(z.enum(['text-generation', 'text-retrieval'])),
    tags: z.array(z.string()),
    configs: z.array(
      z.object({
        config_name: z.string(),
        data_files: z.array(z.object({ split: z.string(), path: z.string() })),
      }),
    ),
    source_domains: z.array(z.string().min(1)).min(1),
    opt_out_policy: z.string().min(1),
    sward_build: z.string(),
  })
  .strict()
  .refine((c) => c.license !== 'other' || c.license_name !== undefined, 'license other needs license_name');

/**
 * Dataset builds end to end: two real crawls (a plain site for training, a site stating terms through every
 * mechanism crawled for input), one build for train with tiny shards, then the folder attacked one way per
 * test; `sward verify` must name each attack.
 */
for (const backend of backends())
  describe(`dataset build on ${backend.name}: Parquet, card, Croissant, licences, proofs`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'sward-dataset-'));
    const good = join(tmp, 'train');
    const inputDir = join(tmp, 'input');
    let c: RunningCoordinator;
    let node: RunningNode;
    let client: SwardClient;
    let closeSites: () => Promise<void> = async () => undefined;
    let trainJob = '';
    let inputJob = '';
    before(async () => {
      c = await startCoordinator({
        db: await backend.create(),
        dataDir: join(tmp, 'data'),
        log: pino({ level: 'warn' }),
        scheduler: { hostDelayMs: 0, backoffMs: 1 },
      });
      node = await loopbackNode(c.url, tmp);
      client = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
      const sample = await startSampleSite({ pages: 12, crawlDelay: 0 });
      const usage = await startUsagePolicySite();
      closeSites = async () => {
        await sample.close();
        await usage.close();
      };
      trainJob = (await client.createCrawl({ seed: `${sample.url}/`, maxPages: 40, purpose: 'train' })).id;
      inputJob = (await client.createCrawl({ seed: `${usage.url}/`, maxPages: 100, purpose: 'input' })).id;
      await client.waitForJob(trainJob, undefined, 100);
      await client.waitForJob(inputJob, undefined, 100);
      const build = await client.createDatasetBuild({
        from: { jobs: [trainJob, inputJob] },
        purpose: 'train',
        shardBytes: 4096,
        name: 'test-dataset',
      });
      await client.waitForDatasetBuild(build.id, undefined, 100);
      await downloadDataset(client, build.id, good);
      const input = await client.createDatasetBuild({ from: { jobs: [inputJob] }, purpose: 'input' });
      await client.waitForDatasetBuild(input.id, undefined, 100);
      await downloadDataset(client, input.id, inputDir);
    });
    after(async () => {
      await node.stop();
      await c.close();
      await closeSites();
      await backend.cleanup();
      rmSync(tmp, { recursive: true, force: true });
    });

    const tampered = (name: string, edit: (dir: string) => void | Promise<void>) => async () => {
      const dir = join(tmp, name);
      cpSync(good, dir, { recursive: true });
      await edit(dir);
      return verifyBundleDir(dir, [], { workers: 0 });
    };
    const failedChecks = (r: Awaited<ReturnType<typeof verifyBundleDir>>) => r.failures.map((f) => f.check);

    test('the built folder verifies: every Parquet row against its signed capture, several shards', async () => {
      const r = await verifyBundleDir(good, [], { workers: 0 });
      assert.deepEqual(r.failures, []);
      const line = r.checks.find((l) => l.check === 'dataset rows');
      assert.equal(line?.status, 'checked', JSON.stringify(r.checks));
      assert.ok(shards(good).length > 1, 'tiny shards: several files');
      const rows = (await Promise.all(shards(good).map(readShard))).flat();
      assert.ok(rows.length > 5, 'dataset-build.test.ts:142');
      const pages = readFileSync(join(good, 'pages.jsonl'), 'utf8').trim().split('\n');
      assert.equal(pages.length, rows.length, 'one proof row per Parquet row');
      for (const row of rows) {
        assert.deepEqual(Object.keys(row).sort(), [...DATASET_COLUMNS].sort());
        assert.ok(String(row.text).length > 0, 'dataset-build.test.ts:147');
      }
      const v2 = await verifyBundleDir(inputDir, [], { workers: 0 });
      assert.deepEqual(v2.failures, []);
    });

    test('a train build leaves out rows not allowed for training and lists them with reasons', async () => {
      const rows = (await Promise.all(shards(good).map(readShard))).flat();
      for (const row of rows)
        assert.ok(String(row.allowed_purposes).split(',').includes('train'), String(row.url));
      const excluded = readFileSync(join(good, 'excluded.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Row);
      const purpose = excluded.filter((e) => e.excluded === 'purpose');
      assert.ok(purpose.length >= 3, JSON.stringify(excluded));
      const reasons = new Set(purpose.map((e) => e.reason));
      assert.ok(reasons.has('aipref:train-ai=n'), [...reasons].join(' '));
      assert.ok(reasons.has('content-signal:ai-train=no'), JSON.stringify(excluded));
      for (const e of purpose) assert.equal(e.purpose, 'train');
      // The input build keeps those rows, each with the licence and purposes recorded at capture time.
      const inputRows = (await Promise.all(shards(inputDir).map(readShard))).flat();
      const noTrain = inputRows.filter((r) => !String(r.allowed_purposes).split(',').includes('train'));
      assert.ok(noTrain.length >= 3, 'dataset-build.test.ts:170');
      for (const r of noTrain) assert.match(String(r.usage_reasons), /"train":"skip:/);
      assert.ok(
        inputRows.some((r) => String(r.license).startsWith('RSL http')),
        'an RSL licence is named',
      );
      const card = readFileSync(join(good, 'README.md'), 'utf8');
      assert.match(card, /## Licences/);
      assert.match(card, /\| licence \| rows \| share \|/);
    });

    test('the card YAML has the shape the Hugging Face Hub reads', () => {
      const text = readFileSync(join(good, 'README.md'), 'utf8');
      const m = /^---\n([\s\S]*?)\n---\n/.exec(text);
      assert.ok(m, 'front matter');
      const meta = hfCardSchema.parse(parseYaml(m[1] as string));
      assert.deepEqual(meta.configs[0]?.data_files, [{ split: 'train', path: 'data/train-*.parquet' }]);
      assert.ok(meta.language?.includes('en'), 'dataset-build.test.ts:187');
    });

    test('croissant.json has the Croissant 1.1 required fields and every shard with its sha256', () => {
      const j = JSON.parse(readFileSync(join(good, 'croissant.json'), 'utf8'));
      assert.equal(j.conformsTo, 'http://mlcommons.org/croissant/1.1');
      assert.equal(j['@type'], 'sc:Dataset');
      assert.equal(j['@context'].cr, 'http://mlcommons.org/croissant/');
      for (const k of ['name', 'description', 'license', 'creator', 'datePublished', 'rai:dataCollection'])
        assert.ok(j[k], k);
      const objects = j.distribution.filter((d: Row) => d['@type'] === 'cr:FileObject');
      assert.equal(objects.length, shards(good).length);
      for (const o of objects) assert.match(o.sha256, /^[0-9a-f]{64}$/);
      assert.ok(
        j.distribution.some((d: Row) => d['@type'] === 'cr:FileSet'),
        'dataset-build.test.ts:200',
      );
      const fields = j.recordSet[0].field;
      assert.equal(fields.length, DATASET_COLUMNS.length);
      for (const f of fields) {
        assert.match(f.dataType, /^sc:/);
        assert.equal(f.source.extract.column, f.name);
        assert.ok(f.source.fileSet['@id'], 'dataset-build.test.ts:206');
      }
      const dta = JSON.parse(readFileSync(join(good, 'provenance/dta-provenance.json'), 'utf8'));
      const n = Object.values(dta as Record<string, object>).reduce((a, g) => a + Object.keys(g).length, 0);
      assert.equal(n, 22, 'the 22 D&TA provenance fields');
    });

    test('attack: a row whose text was altered', async () => {
      const r = await tampered('text', async (dir) => {
        const [first] = shards(dir);
        const rows = await readShard(first as string);
        (rows[0] as Row).text = 'an altered text';
        writeShard(first as string, rows);
      })();
      assert.ok(failedChecks(r).includes('files'), JSON.stringify(r.failures));
      assert.ok(
        r.failures.some((f) => /croissant/.test(f.message)),
        'dataset-build.test.ts:221',
      );
    });

    test('attack: a row swapped in from another dataset', async () => {
      const other = (await Promise.all(shards(inputDir).map(readShard))).flat();
      const r = await tampered('swap', async (dir) => {
        const [first] = shards(dir);
        const rows = await readShard(first as string);
        const mine = new Set(rows.map((x) => x.capture_id));
        rows[0] = other.find((x) => !mine.has(x.capture_id)) as Row;
        writeShard(first as string, rows);
      })();
      assert.ok(
        r.failures.some((f) => f.check === 'dataset' && /not in pages\.jsonl/.test(f.message)),
        JSON.stringify(r.failures),
      );
    });

    test('attack: a forged licence or purpose value', async () => {
      const r = await tampered('licence', async (dir) => {
        const [first] = shards(dir);
        const rows = await readShard(first as string);
        (rows[0] as Row).license = 'CC0-1.0';
        (rows[1] as Row).usage_reasons = JSON.stringify({ train: 'allow:no-signal' });
        writeShard(first as string, rows);
      })();
      const msgs = r.failures.filter((f) => f.check === 'dataset').map((f) => f.message);
      assert.ok(
        msgs.some((m) => /license is "CC0-1.0"/.test(m)),
        msgs.join('\n'),
      );
      assert.ok(
        msgs.some((m) => /usage_reasons/.test(m)),
        msgs.join('\n'),
      );
    });

    test('attack: a missing shard, an extra shard', async () => {
      const missing = await tampered('missing', (dir) => unlinkSync(shards(dir)[1] as string))();
      assert.ok(
        missing.failures.some((f) => f.check === 'files' && /missing/.test(f.message)),
        'dataset-build.test.ts:260',
      );
      assert.ok(
        missing.failures.some((f) => f.check === 'dataset' && /croissant/.test(f.message)),
        'dataset-build.test.ts:261',
      );
      const extra = await tampered('extra', (dir) =>
        cpSync(shards(dir)[0] as string, join(dir, 'data', 'train-99999.parquet')),
      )();
      assert.ok(
        extra.failures.some((f) => f.check === 'files' && /extra/.test(f.message)),
        'dataset-build.test.ts:265',
      );
      assert.ok(
        extra.failures.some((f) => f.check === 'dataset' && /appears twice|croissant/.test(f.message)),
      );
    });

    test('attack: a changed croissant sha256', async () => {
      const r = await tampered('croissant', (dir) => {
        const p = join(dir, 'croissant.json');
        const j = JSON.parse(readFileSync(p, 'utf8'));
        j.distribution[0].sha256 = '0'.repeat(64);
        writeFileSync(p, `${JSON.stringify(j, null, 2)}\n`);
      })();
      assert.ok(
        r.failures.some((f) => f.check === 'files' && /croissant\.json/.test(f.message)),
        'dataset-build.test.ts:278',
      );
      assert.ok(
        r.failures.some((f) => f.check === 'dataset' && /croissant\.json gives/.test(f.message)),
        'dataset-build.test.ts:279',
      );
    });

    test('--since and --domains narrow the selection; an empty dataset still verifies', async () => {
      const b = await client.createDatasetBuild({ from: { archive: true }, domains: ['example.org'] });
      const done = await client.waitForDatasetBuild(b.id, undefined, 100);
      assert.equal(done.report?.rows, 0);
      assert.ok((done.report?.notSelected ?? 0) > 10, 'dataset-build.test.ts:286');
      const later = await client.createDatasetBuild({
        from: { jobs: [trainJob] },
        since: new Date(Date.now() + 60_000).toISOString(),
      });
      assert.equal((await client.waitForDatasetBuild(later.id, undefined, 100)).report?.rows, 0);
      const dir = join(tmp, 'empty');
      await downloadDataset(client, b.id, dir);
      const r = await verifyBundleDir(dir, [], { workers: 0 });
      assert.deepEqual(r.failures, []);
    });

    test('bad requests name what is wrong; another tenant sees no build', async () => {
      await assert.rejects(
        client.createDatasetBuild({ from: { jobs: [trainJob] }, purpose: 'index' as 'train' }),
        (e: SwardApiError) => e.code === 'BAD_REQUEST' && /purpose/.test(e.message),
      );
      await assert.rejects(
        client.createDatasetBuild({ from: { jobs: ['j_nope'] } }),
        (e: SwardApiError) => e.code === 'NOT_FOUND' && /j_nope/.test(e.message),
      );
      await assert.rejects(
        client.createDatasetBuild({ from: { jobs: [trainJob] }, dedup: 2 }),
        (e: SwardApiError) => e.code === 'BAD_REQUEST' && /dedup/.test(e.message),
      );
      // Another tenant: the build, its files and the jobs answer as missing ones.
      const other = new SwardClient({
        url: c.url,
        apiKey: (await client.createKey({ tenant: 'other-tenant', name: 'other' })).key,
      });
      const [mine] = (await client.datasetBuilds()).builds;
      const notFound = (e: SwardApiError) => e.code === 'NOT_FOUND';
      await assert.rejects(other.datasetBuild(mine?.id as string), notFound);
      await assert.rejects(other.datasetFiles(mine?.id as string), notFound);
      await assert.rejects(other.datasetFile(mine?.id as string, 'README.md'), notFound);
      await assert.rejects(other.createDatasetBuild({ from: { jobs: [trainJob] } }), notFound);
      assert.deepEqual((await other.datasetBuilds()).builds, []);
      // A file the signed list does not name is not served, whatever the path says.
      for (const path of ['/etc/passwd', 'data/../../log.key', 'provenance/../../../log.key'])
        await assert.rejects(client.datasetFile(mine?.id as string, path), notFound, path);
    });

    test('sward dataset build: the CLI asks the coordinator through the SDK and writes a folder that verifies', async () => {
      const out = join(tmp, 'cli');
      const p = sward([
        'dataset',
        'build',
        '--from',
        'archive',
        '--purpose',
        'input',
        '--quality',
        'none',
        '--coordinator',
        c.url,
        '--api-key',
        c.firstApiKey as string,
        '--out',
        out,
        '--json',
      ]);
      assert.equal(await p.exited, 0, p.output());
      const summary = JSON.parse(p.output().slice(p.output().indexOf('{')));
      assert.equal(summary.build.state, 'done');
      const r = await verifyBundleDir(out, [], { workers: 0 });
      assert.deepEqual(r.failures, []);
      const rows = (await Promise.all(shards(out).map(readShard))).flat();
      assert.equal(summary.build.report.rows, rows.length);
      // The archive: both jobs' pages, the input job's included (more rows than the input job alone gives).
      const inputRows = (await Promise.all(shards(inputDir).map(readShard))).flat();
      assert.ok(rows.length > inputRows.length, `${rows.length} > ${inputRows.length}`);
    });
  });
