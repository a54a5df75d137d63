// A labelling project's export published in the dataset catalogue (issue #16 point 6): kind `labels`, its files
// frozen at publish time (later labels never change a version), a new version recording what changed by item
// id, the same tenancy, scopes and deprecation as crawl datasets, downloads metered and never priced. Tried as
// another tenant would: its project ids, a key without the publish scope, a version it was not shown.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Scope } from '@sward/core';
import { downloadCatalogueFiles, type SwardApiError, type SwardClient } from '@sward/sdk';
import { pino } from 'pino';
import { type RunningCoordinator, startCoordinator } from '../packages/coordinator/src/server.js';
import { sward } from './support/processes.js';
import { tenantClient } from './support/tenant-clients.js';

const code = (c: string) => (e: SwardApiError) => e.code === c;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('labelling exports in the dataset catalogue (SQLite)', () => {
  let co: RunningCoordinator;
  let dir: string;
  let project = '';
  const keys: Record<string, string> = {};
  const clients: Record<string, SwardClient> = {};

  /** A labeller answers `answer(prompt)` on up to `max` tasks of the project. */
  const label = async (name: string, answer: (prompt: string) => string, max = 100) => {
    const signUp = await fetch(`${co.url}/v1/labelling/labellers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    const { token } = (await signUp.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    for (let i = 0; i < max; i++) {
      const next = (await (
        await fetch(`${co.url}/v1/labelling/work/projects/${project}/next`, { headers: auth })
      ).json()) as { state: string; task?: { assignmentId: string; prompt: string } };
      if (next.state !== 'task' || !next.task) return;
      const r = await fetch(
        `${co.url}/v1/labelling/work/projects/${project}/tasks/${next.task.assignmentId}`,
        { method: 'POST', headers: auth, body: JSON.stringify({ answer: answer(next.task.prompt) }) },
      );
      assert.equal(r.status, 200, await r.text());
    }
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sward-labelcat-'));
    co = await startCoordinator({
      db: join(dir, 'sward.db'),
      dataDir: dir,
      log: pino({ level: 'silent' }),
    });
    const mk = async (tenant: string, scopes: Scope[]) => {
      const t = await tenantClient(co, tenant, scopes);
      keys[tenant] = t.key;
      clients[tenant] = t.client;
    };
    await mk('acme', ['labelling:owner', 'datasets:publish', 'datasets:read']);
    await mk('beta', ['datasets:read']);
    await mk('mallory', ['labelling:owner', 'datasets:publish', 'datasets:read']);
    await mk('nosy', ['labelling:owner', 'datasets:read']);
    const items = ['i0', 'i1', 'i2'].map((id, n) => ({
      id,
      prompt: `q${n}`,
      responses: [`good${n}`, `bad${n}`],
    }));
    const r = await fetch(`${co.url}/v1/labelling/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.acme}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'prefs',
        type: 'pairwise',
        items: items.map((i) => JSON.stringify(i)).join('\n'),
        payPerTask: 1,
        overlap: 3,
        goldShare: 0,
        minTaskMs: 0,
        license: 'cc-by-4.0',
      }),
    });
    const created = await r.text();
    assert.equal(r.status, 201, created);
    project = (JSON.parse(created) as { id: string }).id;
    // version 1's labels: one labeller, A on the first two items it is given (q0 and q1)
    await label('first', () => 'A', 2);
  });
  after(async () => {
    await co?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('publish --project: kind labels, files with their sha256, shown by list and show; only the owner tenant may', async () => {
    const cli = sward(
      [
        'dataset',
        'publish',
        '--project',
        project,
        '--name',
        'prefs',
        '--version',
        '1',
        '--visibility',
        'tenants',
        '--tenants',
        'beta',
        '--coordinator',
        co.url,
        '--api-key',
        keys.acme as string,
        '--json',
      ],
      {},
    );
    assert.equal(await cli.exited, 0, cli.output());
    const v = JSON.parse(cli.output()) as Awaited<ReturnType<SwardClient['publishDataset']>>;
    assert.equal(v.id, 'acme/prefs@1');
    assert.equal(v.kind, 'labels');
    assert.equal(v.project, project);
    assert.equal(v.build, null);
    assert.equal(v.rows, 2, 'two items have an aggregate label');
    assert.equal(v.changes, null);
    assert.deepEqual(v.licenses, { 'cc-by-4.0': 2 });
    assert.equal(v.price.microUsd, 0, 'labels are not creators pages: no price');
    assert.deepEqual(
      v.files.map((f) => f.path),
      [
        'README.md',
        'annotations.jsonl',
        'annotations.parquet',
        'croissant.json',
        'preferences.jsonl',
        'preferences.parquet',
        'ratings.jsonl',
        'ratings.parquet',
      ],
    );
    // the sha256 recorded is the export's at publish time
    const live = await fetch(`${co.url}/v1/labelling/projects/${project}/export/preferences.jsonl`, {
      headers: { authorization: `Bearer ${keys.acme}` },
    });
    const prefs = await live.text();
    assert.equal(v.files.find((f) => f.path === 'preferences.jsonl')?.sha256, sha(prefs));
    assert.deepEqual(
      prefs
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).item_id),
      ['i0', 'i1'],
    );

    const listed = sward(['dataset', 'list', '--coordinator', co.url, '--api-key', keys.beta as string], {});
    assert.equal(await listed.exited, 0, listed.output());
    assert.match(listed.output(), /^acme\/prefs@1 {2}labels {2}2 items {2}tenants {2}free$/m);

    // another tenant's project is a missing one; a key without datasets:publish may not publish
    await assert.rejects(
      (clients.mallory as SwardClient).publishDataset({ project, name: 'stolen', version: '1' }),
      code('NOT_FOUND'),
    );
    await assert.rejects(
      (clients.nosy as SwardClient).publishDataset({ project, name: 'x', version: '1' }),
      code('FORBIDDEN'),
    );
    await assert.rejects(
      (clients.acme as SwardClient).publishDataset({
        project,
        build: 'ds_x',
        name: 'both',
        version: '1',
      }),
      (e: SwardApiError) => e.code === 'BAD_REQUEST' && /exactly one/.test(e.message),
    );
    // not shown to mallory: its show answers 404 as for a missing one
    await assert.rejects(
      (clients.mallory as SwardClient).catalogueVersion('acme', 'prefs', '1'),
      code('NOT_FOUND'),
    );
    assert.equal((await (clients.beta as SwardClient).catalogueVersion('acme', 'prefs', '1')).project, null);
  });

  test('a version never changes; the next one records what changed by item id', async () => {
    const acme = clients.acme as SwardClient;
    // two more labellers: B on q0 (i0's aggregate turns to B), A elsewhere; the first labels q2 too (i2 added)
    await label('second', (p) => (p === 'q0' ? 'B' : 'A'));
    await label('third', (p) => (p === 'q0' ? 'B' : 'A'));
    await label('first', () => 'A');
    await assert.rejects(
      acme.publishDataset({ project, name: 'prefs', version: '1' }),
      (e: SwardApiError) => e.code === 'CONFLICT' && /never changes/.test(e.message),
    );
    const v2 = await acme.publishDataset({ project, name: 'prefs', version: '2' });
    assert.equal(v2.rows, 3);
    const c = v2.changes;
    assert.ok(c, 'the second version records what changed');
    assert.deepEqual(
      [c.previous, c.added, c.removed, c.changed, c.unchanged],
      ['1', 1, 0, 1, 1],
      JSON.stringify(c),
    );
    assert.deepEqual(
      c.rows.map((r) => [r.change, r.url, r.before, r.after]),
      [
        ['changed', 'i0', [sha('A')], [sha('B')]],
        ['added', 'i2', [], [sha('A')]],
      ],
    );

    // beta downloads version 1: the files as they were when it was published, checked against their sha256
    const beta = clients.beta as SwardClient;
    const d = await beta.createCatalogueDownload('acme', 'prefs', '1');
    assert.equal(d.kind, 'labels');
    assert.equal(d.chargedMicroUsd, 0);
    const out = join(dir, 'v1');
    const got = await downloadCatalogueFiles(beta, d.id, out);
    assert.equal(got.files, 8, 'the version files, no manifest');
    const prefs = readFileSync(join(out, 'preferences.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(prefs, [
      { item_id: 'i0', prompt: 'q0', chosen: 'good0', rejected: 'bad0' },
      { item_id: 'i1', prompt: 'q1', chosen: 'good1', rejected: 'bad1' },
    ]);
    const annotations = readFileSync(join(out, 'annotations.jsonl'), 'utf8').trim().split('\n');
    assert.equal(annotations.length, 2, 'the raw annotations of version 1 only');
    assert.match(annotations[0] as string, /"labeller":"l_[0-9a-f]{16}"/);
    const croissant = JSON.parse(readFileSync(join(out, 'croissant.json'), 'utf8'));
    assert.ok(Array.isArray(croissant.distribution), 'croissant.json has its distribution');
    const metered = await beta.catalogueDownload(d.id);
    assert.equal(metered.filesServed, 8);
    assert.equal(metered.bytesServed, got.bytes);
    // no row is a capture: nobody earns a reuse royalty or a creator's share from a labels download
    const credits = await co.store.db.all<{ n: number }>(
      `SELECT COUNT(*) AS n FROM rw_transactions WHERE ref = ?`,
      [`dataset:${d.id}`],
    );
    assert.equal(Number(credits[0]?.n), 0);
    // the manifest of a crawl dataset is no file of a labels version
    await assert.rejects(beta.catalogueDownloadFile(d.id, 'provenance/manifest.note'), code('NOT_FOUND'));
    // version 2 is private: beta cannot see it
    await assert.rejects(beta.createCatalogueDownload('acme', 'prefs', '2'), code('NOT_FOUND'));
  });

  test('deprecation warns on download; a file changed on disk is refused, not served', async () => {
    const acme = clients.acme as SwardClient;
    await acme.deprecateDataset('acme', 'prefs', '1', 'superseded by 2');
    const d = await (clients.beta as SwardClient).createCatalogueDownload('acme', 'prefs', '1');
    assert.match(d.warning ?? '', /superseded by 2/);
    const row = await co.store.db.get<{ id: string }>(
      `SELECT id FROM ds_versions WHERE owner = 'acme' AND name = 'prefs' AND version = '1'`,
    );
    writeFileSync(join(dir, 'catalogue', row?.id as string, 'preferences.jsonl'), 'forged\n');
    await assert.rejects(
      (clients.beta as SwardClient).catalogueDownloadFile(d.id, 'preferences.jsonl'),
      code('STORAGE'),
    );
  });
});
