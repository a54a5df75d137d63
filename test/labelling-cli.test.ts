// `sward project create` and `sward project export` against a real coordinator (SQLite): a bad file is
// refused with its line, a good one becomes a project, labels arrive over HTTP, and the export folder
// holds JSONL, Parquet (read back) and the dataset card.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parquetReadObjects } from 'hyparquet';
import { pino } from 'pino';
import {
  createProject,
  exportProject,
  formatProjectStatus,
  goldShortfall,
} from '../packages/cli/src/commands/projects.js';
import { type RunningCoordinator, startCoordinator } from '../packages/coordinator/src/server.js';
import { SwardClient } from '../packages/sdk/src/client.js';

let coord: RunningCoordinator;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sward-label-cli-'));
  coord = await startCoordinator({
    db: join(dir, 'sward.db'),
    dataDir: dir,
    log: pino({ level: 'silent' }),
  });
});
after(async () => {
  await coord?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('project create refuses a bad file by line, and export writes JSONL, Parquet and a card', async () => {
  const client = { coordinator: coord.url, apiKey: coord.firstApiKey as string };
  const bad = join(dir, 'bad.jsonl');
  writeFileSync(
    bad,
    '{"id":"a","prompt":"p","responses":["x","y"]}\n{"id":"a","prompt":"p","responses":["x","y"]}\n',
  );
  await assert.rejects(
    createProject(client, { file: bad, type: 'pairwise', pay: 1, goldShare: 0 }),
    /line 2: duplicate id "a"/,
  );
  const file = join(dir, 'items.jsonl');
  const items = Array.from({ length: 4 }, (_, i) => ({
    id: `i${i}`,
    prompt: `q${i}`,
    responses: [`good${i}`, `bad${i}`],
  }));
  writeFileSync(file, items.map((i) => JSON.stringify(i)).join('\n'));
  const p = await createProject(client, {
    file,
    type: 'pairwise',
    pay: 1,
    goldShare: 0,
    overlap: 1,
    minTaskMs: 0,
  });
  assert.equal(p.items, 4);
  // The README's `project create --file items.jsonl --type pairwise --pay 2` with items without "gold":
  // the default --gold-share (0.1) is refused naming the way out
  await assert.rejects(
    createProject(client, { file, type: 'pairwise', pay: 2, goldShare: 0.1 }),
    /no item has a "gold" answer: .*--gold-share 0/,
  );

  // Before any label the export is already well-formed (empty tables).
  const empty = await exportProject(client, p.id, join(dir, 'empty'));
  assert.ok(empty.includes('README.md'));

  const signUp = await fetch(`${coord.url}/v1/labelling/labellers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'cli-test' }),
  });
  const { token } = (await signUp.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  for (;;) {
    const next = (await (
      await fetch(`${coord.url}/v1/labelling/work/projects/${p.id}/next`, { headers: auth })
    ).json()) as {
      state: string;
      task?: { assignmentId: string };
    };
    if (next.state !== 'task') break;
    const res = await fetch(
      `${coord.url}/v1/labelling/work/projects/${p.id}/tasks/${next.task?.assignmentId}`,
      {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ answer: 'A' }),
      },
    );
    assert.equal(res.status, 200);
  }
  const out = join(dir, 'out');
  const names = await exportProject(client, p.id, out);
  assert.deepEqual(names.sort(), [
    'README.md',
    'annotations.jsonl',
    'annotations.parquet',
    'croissant.json',
    'preferences.jsonl',
    'preferences.parquet',
    'ratings.jsonl',
    'ratings.parquet',
  ]);
  const prefs = readFileSync(join(out, 'preferences.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(prefs.length, 4);
  assert.deepEqual(prefs[0], { item_id: 'i0', prompt: 'q0', chosen: 'good0', rejected: 'bad0' });
  const buf = readFileSync(join(out, 'preferences.parquet'));
  const back = await parquetReadObjects({
    file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
  });
  assert.deepEqual(back, prefs);
  assert.match(readFileSync(join(out, 'README.md'), 'utf8'), /^---\nlicense: "other"\n/);
});

test('project create warns when gold items cannot last at the gold share; status says how many gold tasks are left', async () => {
  const client = { coordinator: coord.url, apiKey: coord.firstApiKey as string };
  const file = join(dir, 'gold.jsonl');
  const write = (golds: number) =>
    writeFileSync(
      file,
      Array.from({ length: 20 }, (_, i) =>
        JSON.stringify({
          id: `g${i}`,
          prompt: `q${i}`,
          response: `r${i}`,
          ...(i < golds ? { gold: 2 } : {}),
        }),
      ).join('\n'),
    );
  write(2);
  const few = await createProject(client, { file, type: 'rating', pay: 1, goldShare: 0.2, overlap: 3 });
  // 2 gold items of 20 at a share of 0.2: each goes to 3 labellers at most, 6 gold tasks, about 30 tasks
  assert.match(
    goldShortfall(few) ?? '',
    /^2 of 20 items have a gold answer, .* after about 30 tasks .*; give at least 4 items a gold answer$/,
  );
  const status = await new SwardClient({ url: coord.url, apiKey: client.apiKey }).project(few.id);
  assert.deepEqual(status.gold, { items: 2, tasksLeft: 6 });
  assert.match(
    formatProjectStatus(status),
    /\n {2}gold: 2 items, 6 gold tasks left to hand out \(each to 3 labellers at most\)/,
  );
  write(4);
  assert.equal(
    goldShortfall(await createProject(client, { file, type: 'rating', pay: 1, goldShare: 0.2 })),
    null,
  );
});
