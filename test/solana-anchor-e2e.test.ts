import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  address,
  generateKeyPairSigner,
  getBase58Decoder,
  getBase64EncodedWireTransaction,
  getSignatureFromTransaction,
  lamports,
} from '@solana/kit';
import { buildMemoTransaction } from '@sward/coordinator/solana';
import {
  BUNDLE_MANIFEST_FILE,
  MEMO_V3_PROGRAM_ID,
  openBundleManifest,
  parseVerifierKey,
  sha256Hex,
  signBundleManifest,
} from '@sward/core';
import { startSampleSite } from '@sward/testsites';
import { LiteSVM } from 'litesvm';
import { startTestingRpcNode } from '../packages/coordinator/src/anchor/testing-rpc-node.js';
import { loadLogKey } from '../packages/coordinator/src/log/log-key.js';
import { inProcessCli } from './support/cli-in-process.js';
import { freePort, type Proc, sward, swardNode } from './support/processes.js';

// biome-ignore lint/suspicious/noExplicitAny: the bundle's checkpoints file as raw JSON, to tamper with
type Checkpoints = Record<string, any>;

/**
 * `sward coordinator --anchor solana` anchors every checkpoint as a memo transaction through a local
 * JSON-RPC node (litesvm behind HTTP), and `sward verify --rpc` finds each one on that chain. A bundle
 * naming a transaction the chain does not hold, or another slot, fails; so does asking another chain.
 * The coordinator, the node, the crawl and the first test's verify run as real processes; the other
 * verify runs in this process (support/cli-in-process.ts), which loads the CLI once for all of them.
 */
describe('Solana anchors, from the coordinator flag to sward verify --rpc', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-solana-e2e-'));
  const out = join(tmp, 'out');
  const procs: Proc[] = [];
  const svm = new LiteSVM();
  const cli = inProcessCli();
  /** `sward verify <args>` in this process: its exit code and what it printed. */
  const verify = async (...args: string[]) => {
    const r = await cli.run(['verify', ...args]);
    return { exited: r.code, output: r.out + r.err };
  };
  let rpc: Awaited<ReturnType<typeof startTestingRpcNode>>;
  before(async () => {
    rpc = await startTestingRpcNode(svm);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const secret = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
    const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const keypair = join(tmp, 'payer.json');
    writeFileSync(keypair, JSON.stringify([...secret, ...pub]));
    svm.airdrop(address(getBase58Decoder().decode(pub)), lamports(1_000_000_000n));
    const site = await startSampleSite({ pages: 6, crawlDelay: 0 });
    after(() => site.close());
    const port = await freePort();
    const coord = sward([
      'coordinator',
      '--db',
      join(tmp, 'db.sqlite'),
      '--port',
      String(port),
      '--anchor',
      'solana',
      '--rpc',
      rpc.url,
      '--keypair',
      keypair,
    ]);
    procs.push(coord);
    const key = (await coord.waitFor(/first API key \(shown once, stored hashed\): (sk_\S+)/))[1] as string;
    procs.push(swardNode(`http://127.0.0.1:${port}`, join(tmp, 'node')));
    const crawl = sward([
      'crawl',
      `${site.url}/`,
      '--out',
      out,
      '--api-key',
      key,
      '--coordinator',
      `http://127.0.0.1:${port}`,
    ]);
    procs.push(crawl);
    assert.equal(await crawl.exited, 0, crawl.output());
  });
  after(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    await cli.close();
    rpc?.server.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const file = (dir: string) => join(dir, 'provenance', 'checkpoints.json');
  /** The coordinator's own log key (beside its SQLite db) re-signs the manifest over the edited checkpoints. */
  const resignManifest = (dir: string) => {
    const { signer, verifierKey } = loadLogKey(join(tmp, 'log.key'), 'sward.local/log');
    const note = readFileSync(join(dir, BUNDLE_MANIFEST_FILE), 'utf8');
    const m = openBundleManifest(note, [parseVerifierKey(verifierKey)]);
    const bytes = readFileSync(file(dir));
    const files = m.files.map((f) =>
      f.path === 'provenance/checkpoints.json' ? { ...f, sha256: sha256Hex(bytes), size: bytes.length } : f,
    );
    writeFileSync(join(dir, BUNDLE_MANIFEST_FILE), signBundleManifest({ ...m, files }, [signer]));
  };
  const tampered = async (name: string, edit: (cp: Checkpoints) => Promise<void> | void) => {
    const dir = join(tmp, name);
    cpSync(out, dir, { recursive: true });
    const cp = JSON.parse(readFileSync(file(dir), 'utf8'));
    await edit(cp);
    writeFileSync(file(dir), JSON.stringify(cp));
    return dir;
  };

  test('every checkpoint carries a landed memo transaction: signature, slot and memo', () => {
    const cp = JSON.parse(readFileSync(file(out), 'utf8'));
    assert.ok(cp.checkpoints.length >= 1);
    for (const c of cp.checkpoints) {
      assert.equal(c.anchor.kind, 'solana');
      assert.equal(c.anchor.checkpointHash, c.hash, 'the memo is the checkpoint hash');
      assert.equal(c.anchor.slot, 7, 'the slot the RPC node confirmed it in');
      assert.equal(rpc.state.landed.get(c.anchor.signature), c.anchor.transaction);
    }
  });

  test('sward verify --rpc confirms each anchor on chain; without --rpc it says not checked', async () => {
    const online = sward(['verify', out, '--rpc', rpc.url]);
    assert.equal(await online.exited, 0, online.output());
    assert.match(online.output(), /^anchors on chain: checked \(\d+ transactions? found on chain/m);
    assert.doesNotMatch(online.output(), new RegExp(rpc.url.replace(/[.:/]/g, '\\$&')));
    const offline = sward(['verify', out]);
    assert.equal(await offline.exited, 0, offline.output());
    assert.match(offline.output(), /^anchors on chain: not checked \(no --rpc given/m);
    assert.match(offline.output(), /^OK: .*not checked: .*anchors on chain/m);
  });

  test('a memo transaction signed and valid offline but never sent fails on chain', async () => {
    const dir = await tampered('never-sent', async (cp) => {
      const c = cp.checkpoints.at(-1);
      // An attacker's own payer signs a memo of the right hash: every offline check passes.
      const payer = await generateKeyPairSigner();
      const tx = await buildMemoTransaction({
        payer,
        memoProgramId: address(MEMO_V3_PROGRAM_ID),
        memo: c.hash,
        lifetime: { blockhash: svm.latestBlockhash(), lastValidBlockHeight: 20n },
      });
      c.anchor = {
        ...c.anchor,
        signature: getSignatureFromTransaction(tx),
        transaction: getBase64EncodedWireTransaction(tx),
        payer: payer.address,
      };
    });
    // Offline the edit shows in the signed manifest; a dishonest coordinator signs one over it with its own
    // log key, and then every offline check passes: only the chain can tell.
    const before = await verify(dir);
    assert.equal(before.exited, 1, before.output);
    assert.match(before.output, /provenance\/checkpoints\.json: changed/);
    resignManifest(dir);
    const offline = await verify(dir);
    assert.equal(offline.exited, 0, `offline it passes: ${offline.output}`);
    const online = await verify(dir, '--rpc', rpc.url);
    assert.equal(online.exited, 1, online.output);
    assert.match(online.output, /^anchors on chain: FAILED .*is not on chain/m);
  });

  test('swapped signatures fail; a slot the chain does not confirm fails on chain', async () => {
    const swapped = await tampered('swapped', (cp) => {
      const c = cp.checkpoints.at(-1);
      c.anchor.signature = getBase58Decoder().decode(Buffer.alloc(64, 7));
    });
    const s = await verify(swapped, '--rpc', rpc.url);
    assert.equal(s.exited, 1, s.output);
    assert.match(s.output, /^anchors: FAILED .*signature/m);
    const slot = await tampered('slot', (cp) => {
      cp.checkpoints.at(-1).anchor.slot = 6;
    });
    const v = await verify(slot, '--rpc', rpc.url);
    assert.equal(v.exited, 1, v.output);
    assert.match(v.output, /^anchors on chain: FAILED .*is in slot 7, the bundle says 6/m);
  });

  test('another chain, which does not hold the transactions, fails; an unreachable RPC fails too', async () => {
    const other = await startTestingRpcNode(new LiteSVM());
    try {
      const v = await verify(out, '--rpc', other.url);
      assert.equal(v.exited, 1, v.output);
      assert.match(v.output, /^anchors on chain: FAILED .*is not on chain/m);
    } finally {
      other.server.close();
    }
    const down = await verify(out, '--rpc', `http://127.0.0.1:${await freePort()}`);
    assert.equal(down.exited, 1, down.output);
    assert.match(down.output, /^anchors on chain: FAILED .*could not ask the RPC node/m);
    const bad = await verify(out, '--rpc', 'not a url');
    assert.equal(bad.exited, 2, bad.output);
  });
});
