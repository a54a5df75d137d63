import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startCoordinator } from '@sward/coordinator';
import {
  anchorEntrySigner,
  type FileAnchorEntry,
  fileAnchorEntryHash,
  generateNoteKeys,
  nextFileAnchorEntry,
  parseSignerKey,
} from '@sward/core';
import { SwardClient, verifyBundleDir } from '@sward/sdk';
import { startSampleSite } from '@sward/testsites';
import { pino } from 'pino';
import { writeCrawlOutput } from '../packages/cli/src/crawl-output.js';
import { loopbackNode } from './support/nodes.js';
import { sward } from './support/processes.js';

// biome-ignore lint/suspicious/noExplicitAny: the bundle's checkpoints file as raw JSON, to tamper with
type Checkpoints = Record<string, any>;

/**
 * The file anchor's chain ships in the bundle, signed entry by entry with the log key. An attacker who
 * rewrites the anchors (and recomputes every hash) must fail, and so must a chain missing or
 * swapping a link, or signed by another key.
 */
describe('sward verify checks the file anchor chain link by link', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-anchor-chain-'));
  const good = join(tmp, 'good');
  let coordinatorUrl = '';
  let stop: () => Promise<void> = async () => {};
  before(async () => {
    const site = await startSampleSite({ pages: 10, crawlDelay: 0 });
    // A checkpoint per leaf or two: the bundle carries several anchors, so its chain has links to break.
    const c = await startCoordinator({
      db: join(tmp, 'db.sqlite'),
      dataDir: join(tmp, 'data'),
      log: pino({ level: 'warn' }),
      scheduler: { hostDelayMs: 0 },
      checkpoints: { everyLeaves: 1 },
      sequenceMs: 20,
    });
    coordinatorUrl = c.url;
    const node = await loopbackNode(c.url, tmp);
    const client = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
    const job = await client.createCrawl({ seed: `${site.url}/`, maxPages: 12 });
    await client.waitForJob(job.id, undefined, 100);
    await writeCrawlOutput(client, job.id, good);
    await node.stop();
    stop = async () => {
      await c.close();
      await site.close();
    };
  });
  after(async () => {
    await stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  const file = (dir: string) => join(dir, 'provenance', 'checkpoints.json');
  const tampered = (name: string, edit: (cp: Checkpoints) => void) => {
    const dir = join(tmp, name);
    cpSync(good, dir, { recursive: true });
    const cp = JSON.parse(readFileSync(file(dir), 'utf8'));
    edit(cp);
    writeFileSync(file(dir), JSON.stringify(cp));
    return dir;
  };
  const failures = async (dir: string, check: string) =>
    (await verifyBundleDir(dir)).failures.filter((f) => f.check === check).map((f) => f.message);
  const chainOf = (cp: Checkpoints): FileAnchorEntry[] => cp.anchorChains[0].entries;

  test('the genuine bundle ships a signed chain holding every anchor, and it verifies', async () => {
    const cp = JSON.parse(readFileSync(file(good), 'utf8'));
    assert.ok(cp.checkpoints.length >= 3, `want several checkpoints, got ${cp.checkpoints.length}`);
    assert.equal(cp.anchorChains.length, 1);
    assert.ok(chainOf(cp).length >= cp.checkpoints.length);
    assert.ok(chainOf(cp).every((e) => typeof e.sig === 'string'));
    const r = await verifyBundleDir(good);
    assert.deepEqual(r.failures, []);
    const line = r.checks.find((l) => l.check === 'anchor chain');
    assert.equal(line?.status, 'checked', JSON.stringify(line));
    assert.match(line?.detail ?? '', new RegExp(`hold all ${cp.checkpoints.length} file anchors`));
    const cli = sward(['verify', good]);
    assert.equal(await cli.exited, 0, cli.output());
    assert.match(cli.output(), /^anchor chain: checked \(/m);
  });

  test('anchors rewritten with a recomputed chain (new times, seqs, prev and entry hashes) fail', async () => {
    for (const keepSig of [true, false]) {
      const dir = tampered(`rewrite-${keepSig}`, (cp) => {
        // What an attacker without the log key can do: rebuild the whole chain, anchors and all.
        let prev: FileAnchorEntry | null = null;
        const rebuilt = cp.checkpoints.map((c: Checkpoints, i: number) => {
          const e: FileAnchorEntry = nextFileAnchorEntry(prev, c.hash, `2030-01-0${1 + (i % 9)}T00:00:00Z`, {
            chain: c.anchor.chain,
          });
          prev = e;
          // Keeping the genuine signature of the entry it replaces does not help: it signs another hash.
          return keepSig ? { ...e, sig: c.anchor.sig } : e;
        });
        cp.checkpoints.forEach((c: Checkpoints, i: number) => {
          c.anchor = { kind: 'file', ...rebuilt[i] };
        });
        cp.anchorChains = [{ chain: rebuilt[0].chain, entries: rebuilt }];
      });
      const anchor = await failures(dir, 'anchor');
      assert.equal(anchor.length, JSON.parse(readFileSync(file(good), 'utf8')).checkpoints.length);
      assert.match(anchor[0] ?? '', keepSig ? /signature does not verify/ : /is not signed/);
      const cli = sward(['verify', dir]);
      assert.equal(await cli.exited, 1, cli.output());
      assert.match(cli.output(), /^anchors: FAILED/m);
    }
  });

  test('a link dropped from the middle of the chain fails, naming the entry', async () => {
    const dir = tampered('dropped', (cp) => {
      chainOf(cp).splice(1, 1);
    });
    const f = await failures(dir, 'anchor chain');
    assert.ok(
      f.some((m) => /entry 2: anchor entry has seq \d+, expected \d+/.test(m)),
      JSON.stringify(f),
    );
  });

  test('the last link dropped leaves an anchor outside the shipped chain: it fails', async () => {
    const dir = tampered('dropped-last', (cp) => {
      chainOf(cp).pop();
    });
    const f = await failures(dir, 'anchor chain');
    assert.ok(
      f.some((m) => /is not in the bundle's anchor chain/.test(m)),
      JSON.stringify(f),
    );
  });

  test('two links swapped fail', async () => {
    const dir = tampered('reordered', (cp) => {
      const c = chainOf(cp);
      [c[1], c[2]] = [c[2] as FileAnchorEntry, c[1] as FileAnchorEntry];
    });
    const f = await failures(dir, 'anchor chain');
    assert.ok(
      f.some((m) => /entry 2: anchor entry has seq/.test(m)),
      JSON.stringify(f),
    );
  });

  test('entries re-signed by another key fail, in the chain and in the anchors', async () => {
    const other = parseSignerKey(generateNoteKeys('sward.local/log').signerKey);
    const dir = tampered('other-key', (cp) => {
      const sign = anchorEntrySigner(other);
      for (const e of chainOf(cp)) e.sig = sign(e.entryHash);
      for (const c of cp.checkpoints) c.anchor.sig = sign(c.anchor.entryHash);
    });
    assert.match(
      (await failures(dir, 'anchor'))[0] ?? '',
      /signed by key [0-9a-f]{8}, not a trusted log key/,
    );
    assert.match((await failures(dir, 'anchor chain'))[0] ?? '', /not a trusted log key/);
  });

  test('an entry edited in place (its hash recomputed, signature kept) fails', async () => {
    const dir = tampered('edited', (cp) => {
      const e = chainOf(cp)[0] as FileAnchorEntry;
      e.time = '2030-01-01T00:00:00Z';
      e.entryHash = fileAnchorEntryHash(e);
    });
    const f = await failures(dir, 'anchor chain');
    assert.ok(
      f.some((m) => /signature does not verify/.test(m)),
      JSON.stringify(f),
    );
  });

  test('a chain the bundle does not carry is reported not checked, never as checked', async () => {
    const dir = tampered('no-chain', (cp) => {
      delete cp.anchorChains;
    });
    const r = await verifyBundleDir(dir);
    // The chain's line says not checked; dropping it from a bundle the coordinator signed is itself caught by
    // the manifest, and that is the only failure.
    assert.equal(r.checks.find((l) => l.check === 'anchor chain')?.status, 'not_checked');
    assert.deepEqual(
      r.failures.map((f) => f.message.split(' (')[0]),
      ['provenance/checkpoints.json: changed'],
    );
  });

  test('the coordinator serves its own chain only, and refuses bad ranges with 400', async () => {
    const cp = JSON.parse(readFileSync(file(good), 'utf8'));
    const chain = cp.anchorChains[0].chain;
    const get = (q: string) => fetch(`${coordinatorUrl}/v1/log/anchor-chain?${q}`);
    const ok = await get(`chain=${chain}&from=0&to=1`);
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { entries: unknown[] }).entries.length, 2);
    assert.equal((await get(`chain=${'0'.repeat(32)}&from=0&to=1`)).status, 404);
    const bad = await get(`chain=${chain}&from=5&to=1`);
    assert.equal(bad.status, 400);
    assert.doesNotMatch(await bad.text(), /\/tmp\/|at .*\.ts/);
    assert.equal((await get(`chain=${chain}&from=x&to=1`)).status, 400);
  });
});
