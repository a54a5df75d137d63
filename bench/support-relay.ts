// The `relay` system of crawl-bench: the CPU floor of any design in which fetchers and the place that keeps
// their pages are separate processes, as Sward's nodes and coordinator are (the mission: people lend their
// connection; the coordinator checks what they bring). The undici loop of the baseline, plus only
// what such a design cannot leave out: each page hashed (SHA-256) and signed (Ed25519) by the fetcher, sent
// to a second process in batches of four over loopback HTTP (raw bytes, no JSON body, no base64), where the
// signature is verified and the hash checked. Nothing is stored, logged, parsed or extracted, so Sward's
// CPU a page can be read against what its shape costs before it does any of its own work.
import { fork } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { fetchEach } from './support-fetch-loop.js';
import { cpuSince } from './support-proc.js';

const BATCH = 4;

/** What the fetcher signs for a page (the receiver rebuilds it from the frame's header). */
const signed = (url: string, sha256: string, status: number, at: number) =>
  Buffer.from(`${url}\n${sha256}\n${status}\n${at}`);

interface Frame {
  header: Buffer;
  body: Buffer;
}

function encode(frames: Frame[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of frames) {
    const lens = Buffer.alloc(8);
    lens.writeUInt32BE(f.header.length, 0);
    lens.writeUInt32BE(f.body.length, 4);
    parts.push(lens, f.header, f.body);
  }
  return Buffer.concat(parts);
}

function* decode(buf: Buffer): Generator<Frame> {
  for (let at = 0; at < buf.length; ) {
    const h = buf.readUInt32BE(at);
    const b = buf.readUInt32BE(at + 4);
    at += 8;
    const header = buf.subarray(at, at + h);
    at += h;
    const body = buf.subarray(at, at + b);
    at += b;
    yield { header, body };
  }
}

interface Timed {
  pages: number;
  seconds: number;
  cpuSeconds: number;
  extra: Record<string, unknown>;
}

/** Fetches every URL with `concurrency` workers and relays each page, signed, to a receiver process. */
export async function relayRun(urls: string[], concurrency: number): Promise<Timed> {
  const { Agent, request } = await import('undici');
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const receiver = fork(fileURLToPath(import.meta.url), ['--relay-receiver'], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, RELAY_PUBLIC_KEY: publicKey.export({ format: 'pem', type: 'spki' }).toString() },
  });
  const ask = <T>(msg: string) =>
    new Promise<T>((resolve) => {
      receiver.once('message', (m) => resolve(m as T));
      receiver.send(msg);
    });
  const port = await ask<number>('port');
  const target = `http://127.0.0.1:${port}/captures`;
  const agent = new Agent({ connections: concurrency });
  const upload = new Agent({ connections: concurrency });
  let fetched = 0;
  let accepted = 0;
  let pending: Frame[] = [];
  const sends: Promise<void>[] = [];
  const flush = () => {
    const frames = pending;
    pending = [];
    sends.push(
      request(target, { method: 'POST', body: encode(frames), dispatcher: upload }).then(async (res) => {
        accepted += ((await res.body.json()) as { ok: number }).ok;
      }),
    );
  };
  await ask('start');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fetchEach(urls, concurrency, agent, (url, res, body) => {
    const sha256 = createHash('sha256').update(body).digest('hex');
    const at = Date.now();
    const signature = sign(null, signed(url, sha256, res.statusCode, at), privateKey).toString('base64');
    const header = Buffer.from(JSON.stringify({ url, sha256, status: res.statusCode, at, signature }));
    pending.push({ header, body });
    fetched++;
    if (pending.length >= BATCH) flush();
  });
  if (pending.length) flush();
  await Promise.all(sends);
  const seconds = (performance.now() - t0) / 1000;
  const fetcherCpu = cpuSince(cpu0);
  const receiverCpu = await ask<number>('stop');
  receiver.kill();
  await Promise.all([agent.close(), upload.close()]);
  if (accepted !== fetched) throw new Error(`relay: ${fetched} pages fetched, ${accepted} verified`);
  return {
    pages: fetched,
    seconds,
    cpuSeconds: fetcherCpu + receiverCpu,
    extra: {
      fetcherCpuMsPerPage: Number(((fetcherCpu * 1000) / fetched).toFixed(3)),
      receiverCpuMsPerPage: Number(((receiverCpu * 1000) / fetched).toFixed(3)),
    },
  };
}

function receiverMain(publicKey: KeyObject): void {
  let cpu0 = process.cpuUsage();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let ok = 0;
      for (const { header, body } of decode(Buffer.concat(chunks))) {
        const h = JSON.parse(header.toString()) as {
          url: string;
          sha256: string;
          status: number;
          at: number;
          signature: string;
        };
        const good =
          createHash('sha256').update(body).digest('hex') === h.sha256 &&
          verify(
            null,
            signed(h.url, h.sha256, h.status, h.at),
            publicKey,
            Buffer.from(h.signature, 'base64'),
          );
        if (good) ok++;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
    });
  });
  process.on('message', (m) => {
    if (m === 'port')
      server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
    else if (m === 'start') {
      cpu0 = process.cpuUsage();
      process.send?.('started');
    } else if (m === 'stop') process.send?.(cpuSince(cpu0));
  });
}

if (process.argv.includes('--relay-receiver'))
  receiverMain(createPublicKey(process.env.RELAY_PUBLIC_KEY ?? ''));
