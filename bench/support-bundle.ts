// A synthetic but faithful proof bundle for the verify benchmarks (bench/log-bench.ts,
// bench/verify-instructions.ts): rows signed by 4 nodes, a signed checkpoint anchored in a file anchor,
// inclusion proofs, bodies, and the signed manifest over every file.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FileAnchor } from '@sward/coordinator';
import {
  appendLeaves,
  type Capture,
  canonicalBytes,
  canonicalJson,
  checkpointHash,
  formatVerifierKey,
  generateIdentity,
  InMemoryNodeStore,
  leafHash,
  noteSignerFromIdentity,
  type RightsReceipt,
  readInclusionProof,
  readRoot,
  type SignedCapture,
  sha256Hex,
  signCapture,
  signCheckpoint,
} from '@sward/core';
import { writeTestManifest } from '../test/support/bundle-manifest.js';

/** The one site's policy files, as a crawl's compliance.json lists them (format 3; the fields no check of
 * the rows reads, the parsed decision and the policy file's own signed capture, are left out). */
const POLICY = [
  { kind: 'robots', url: 'https://example.org/robots.txt', body: 'User-agent: *\nAllow: /\n' },
  { kind: 'tdmrep', url: 'https://example.org/.well-known/tdmrep.json', body: '[]' },
] as const;
const COMPLIANCE = {
  documents: POLICY.map((d, i) => ({
    kind: d.kind,
    origin: 'https://example.org',
    url: d.url,
    captureId: `c_${String(i + 1).padStart(32, '0')}`,
    leafIndex: null,
    status: 200,
    bodySha256: sha256Hex(Buffer.from(d.body)),
    fetchedAt: '2026-11-01T00:00:00.000Z',
    detail: null,
    text: d.body,
  })),
};
/** Every page's receipt: stored for training, allowed for every purpose, on the site's two policy files. */
const RECEIPT: RightsReceipt = {
  v: 1,
  purpose: 'train',
  documents: COMPLIANCE.documents.map((d) => ({
    kind: d.kind,
    url: d.url,
    sha256: d.bodySha256,
    captureId: d.captureId,
  })),
  decisions: {
    train: { decision: 'allow', reason: 'no-signal' },
    input: { decision: 'allow', reason: 'no-signal' },
    index: { decision: 'allow', reason: 'no-signal' },
  },
};

/**
 * Writes the same bundle in each format, as packages/cli/src/crawl-output.ts writes it: pages.jsonl rows
 * with the node-signed capture and an inclusion proof against the sealing checkpoint, the bodies (format 1:
 * one file each under blobs/sha256/ab/cd/<hex>; format 2: bodies.pack, rows pointing in by offset, captures
 * in RFC 8785 key order; format 3: format 2, each leaf carrying the coordinator's rights receipt and
 * compliance.json holding the policy files the receipts name), and provenance/checkpoints.json with the log
 * key, the signed checkpoint and its file-anchor ref. A receipt is part of the leaf, so format 3 has leaves,
 * a tree and a checkpoint of its own; the captures and their node signatures are the same.
 */
export async function writeBundle(
  dirs: Record<number, string>,
  rows: number,
): Promise<{ captures: SignedCapture[] }> {
  const nodes = Array.from({ length: 4 }, () => generateIdentity());
  const origin = 'sward.local/log';
  const logIdentity = generateIdentity();
  const captures: SignedCapture[] = [];
  const leaves: Buffer[] = [];
  const meta: { body: Buffer; sha: string; fetchedAt: string }[] = [];
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  for (let i = 0; i < rows; i++) {
    const identity = nodes[i % nodes.length] as (typeof nodes)[number];
    const body = Buffer.from(
      `<!doctype html><html><head><title>Page ${i}</title></head><body><article><h1>Story ${i}</h1><p>${'Generated text for the bundle bench. '.repeat(8)}</p></article></body></html>\n`,
    );
    const sha = sha256Hex(body);
    const start = new Date(t0 + i * 10).toISOString();
    const end = new Date(t0 + i * 10 + 7).toISOString();
    const capture: Capture = {
      v: 1,
      jobId: 'j_benchbundle00001',
      leaseId: `l_${i.toString(36).padStart(12, '0')}`,
      nodeId: identity.id,
      requestedUrl: `https://example.org/articles/${i}`,
      finalUrl: `https://example.org/articles/${i}`,
      redirects: [],
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-length': String(body.length),
        date: new Date(t0).toUTCString(),
      },
      bodySha256: sha,
      bodyLength: body.length,
      fetchStart: start,
      fetchEnd: end,
      tlsCertSha256: null,
      ip: '93.184.215.14',
    };
    const sc = signCapture(identity, capture);
    captures.push(sc);
    leaves.push(leafHash(canonicalBytes(sc)));
    meta.push({ body, sha, fetchedAt: end });
  }
  const withReceipts = captures.map((sc) => ({ ...sc, rights: RECEIPT }));
  const plain = await seal(leaves, rows, origin, logIdentity, `${Object.values(dirs)[0]}.anchors.jsonl`);
  const receipted = Object.keys(dirs).includes('3')
    ? await seal(
        withReceipts.map((sc) => leafHash(canonicalBytes(sc))),
        rows,
        origin,
        logIdentity,
        `${Object.values(dirs)[0]}.anchors-3.jsonl`,
      )
    : plain;
  for (const [format, dir] of Object.entries(dirs).map(([f, d]) => [Number(f), d] as const)) {
    const { note, hash, ref, anchorChains, verifierKey, proofs } = format === 3 ? receipted : plain;
    const records = format === 3 ? withReceipts : captures;
    mkdirSync(join(dir, 'provenance'), { recursive: true });
    if (format === 3) writeFileSync(join(dir, 'compliance.json'), `${JSON.stringify(COMPLIANCE, null, 2)}\n`);
    const cps = {
      origin: verifierKey.split('+')[0],
      verifierKey,
      checkpoints: [{ size: rows, note, hash, anchor: ref }],
      consistency: [],
      anchorChains,
    };
    writeFileSync(
      join(dir, 'provenance/checkpoints.json'),
      `${JSON.stringify(format === 1 ? cps : { bundleFormat: format, ...cps }, null, 2)}\n`,
    );
    const lines: string[] = [];
    const made = new Set<string>();
    const pack: Buffer[] = [];
    let packSize = 0;
    for (let i = 0; i < rows; i++) {
      const sc = records[i] as SignedCapture;
      const { body, sha, fetchedAt } = meta[i] as (typeof meta)[number];
      let blobPath: string;
      let place = {};
      if (format === 1) {
        blobPath = join('blobs', 'sha256', sha.slice(0, 2), sha.slice(2, 4), sha);
        const blobDir = dirname(join(dir, blobPath));
        if (!made.has(blobDir)) {
          mkdirSync(blobDir, { recursive: true });
          made.add(blobDir);
        }
        writeFileSync(join(dir, blobPath), body);
      } else {
        blobPath = 'bodies.pack';
        place = { bodyOffset: packSize };
        pack.push(body);
        packSize += body.length;
      }
      lines.push(
        JSON.stringify({
          url: sc.capture.requestedUrl,
          finalUrl: sc.capture.finalUrl,
          fetchedAt,
          status: sc.capture.status,
          contentType: sc.capture.headers['content-type'],
          bodySha256: sha,
          bodyLength: body.length,
          blobPath,
          ...place,
          captureId: `c_${sha256Hex(canonicalBytes(sc)).slice(0, 32)}`,
          nodeId: sc.capture.nodeId,
          leafIndex: i,
          signedCapture: format === 1 ? sc : JSON.parse(canonicalJson(sc)),
          provenance: { leafIndex: i, checkpointSize: rows, inclusionProof: proofs[i] },
        }),
      );
    }
    if (format !== 1) writeFileSync(join(dir, 'bodies.pack'), Buffer.concat(pack));
    writeFileSync(join(dir, 'pages.jsonl'), `${lines.join('\n')}\n`);
    // A real bundle carries the coordinator's signed manifest over every file; verify checks it too.
    writeTestManifest(dir, noteSignerFromIdentity(origin, logIdentity), { size: rows, hash });
  }
  return { captures };
}

/**
 * The log over `leaves` as a coordinator keeps it: the tree, a checkpoint signed by the log key, anchored in
 * a file anchor whose chain ships with the bundle, and every leaf's inclusion proof. The anchor file is the
 * coordinator's, not part of the bundle: it is written to `anchorFile` and removed.
 */
async function seal(
  leaves: Buffer[],
  rows: number,
  origin: string,
  logIdentity: ReturnType<typeof generateIdentity>,
  anchorFile: string,
) {
  const tree = new InMemoryNodeStore();
  for (let d = 0; d < rows; d += 1000) await appendLeaves(tree, d, leaves.slice(d, d + 1000));
  const root = await readRoot(tree, rows);
  const note = signCheckpoint({ origin, size: rows, rootHash: root, extensions: [] }, [
    noteSignerFromIdentity(origin, logIdentity),
  ]);
  const hash = checkpointHash(note);
  // As a coordinator anchors: entries signed by the log key, and the chain shipped for verify to walk.
  const anchor = await FileAnchor.open(anchorFile, { signer: noteSignerFromIdentity(origin, logIdentity) });
  const ref = await anchor.anchor(hash);
  const anchorChains = [{ chain: anchor.chain as string, entries: await anchor.entries(0, ref.seq) }];
  await anchor.close();
  rmSync(anchorFile);
  const verifierKey = formatVerifierKey(origin, Buffer.from(logIdentity.id, 'hex'));
  const proofs: string[][] = [];
  for (let i = 0; i < rows; i++)
    proofs.push((await readInclusionProof(tree, i, rows)).map((h) => h.toString('base64')));
  return { note, hash, ref, anchorChains, verifierKey, proofs };
}

/**
 * The raw ed25519 baseline's inputs, made before any timing: each capture's signed bytes (canonical JSON),
 * its signature decoded, and its node's key parsed once per node (node:crypto KeyObject).
 */
export function rawVerifyInputs(captures: readonly SignedCapture[]): {
  msgs: Buffer[];
  sigs: Buffer[];
  keys: KeyObject[];
} {
  const spki = Buffer.from('302a300506032b6570032100', 'hex');
  const byNode = new Map<string, KeyObject>();
  const keyOf = (id: string) => {
    let k = byNode.get(id);
    if (!k) {
      k = createPublicKey({
        key: Buffer.concat([spki, Buffer.from(id, 'hex')]),
        format: 'der',
        type: 'spki',
      });
      byNode.set(id, k);
    }
    return k;
  };
  return {
    msgs: captures.map((sc) => canonicalBytes(sc.capture)),
    sigs: captures.map((sc) => Buffer.from(sc.signature, 'base64')),
    keys: captures.map((sc) => keyOf(sc.capture.nodeId)),
  };
}
