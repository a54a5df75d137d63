// Test-only: a protocol conformance fake of the coordinator's node endpoints (docs/PROTOCOL.md v1).
// It checks what a real coordinator must check — the challenge signature, bearer tokens, capture
// signatures and body hashes, lease ownership — so the node is tested against the protocol, not a mock.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerOperatorRequestSchema } from '@sward/core';
import {
  type Capture,
  checkCaptureBody,
  type Enrolment,
  ed25519Jwk,
  type Identity,
  jwkThumbprint,
  type RegisterOperatorRequest,
  readCaptureBatch,
  type SignedCapture,
  sha256Hex,
  signCapture,
  verifyBytes,
  verifyEnrolment,
  verifyRegistration,
  verifySignedCapture,
} from '@sward/core/node-side';
import { AUTH_PREFIX, type FailureReport, type Lease } from './protocol.js';

export interface FakeCoordinator {
  readonly url: string;
  /** Leases waiting to be handed out; push to add work. */
  readonly queue: Lease[];
  /** `operator` is the key whose enrolment signature verified for the node. */
  readonly sessions: { nodeId: string; version: string; fingerprint: string; operator?: string }[];
  /** Operator registrations whose signatures verified, in order. */
  readonly registrations: RegisterOperatorRequest[];
  readonly leaseCalls: { max: number; waitMs: number }[];
  /** The lease asks capture batches carried (their `lease.max`), answered or not. */
  readonly batchLeaseAsks: number[];
  /** How many leases each capture batch's answer carried. */
  readonly batchLeasesGiven: number[];
  /** Off: capture batches' lease asks are ignored and answered without `leases`, as an older coordinator does. */
  leasesInBatches: boolean;
  readonly captures: { signed: SignedCapture; body: Buffer }[];
  readonly failures: FailureReport[];
  readonly heartbeats: unknown[];
  /** Web Bot Auth keys handed out, in order. */
  readonly signingKeys: { nodeId: string; keyid: string }[];
  /** Hand-backs and logouts: which leases the node kept and which went back. */
  readonly handBacks: { logout: boolean; keep: string[]; handedBack: string[] }[];
  readonly rejected: string[];
  /** Paths of the requests answered past the session check, in order. */
  readonly calls: string[];
  /** Node ids answered with 403 NODE_REVOKED at session time. */
  readonly revoked: Set<string>;
  /** Answer the next n requests with 503, as a coordinator restarting would. */
  failNext(n: number): void;
  /**
   * From now on every request gets what a reverse proxy answers for a coordinator behind it that is down:
   * `status` with an HTML page (no Sward error body; `json` instead: the coordinator's own error body),
   * after `holdMs`, with Retry-After when given; null ends it. Each answer is added to `proxied`. `paths`:
   * only the requests whose path it matches (the others reach the coordinator).
   */
  proxyDown(
    status: number | null,
    o?: { holdMs?: number; retryAfterS?: number; json?: unknown; paths?: RegExp },
  ): void;
  /** Paths answered by proxyDown, with when each request came and when its answer went. */
  readonly proxied: { path: string; at: number; end: number }[];
  /** Capture batches that arrive from now on wait for their answer until the returned function is called. */
  holdCaptureAnswers(): () => void;
  /** Forget every token once, so the next call gets 401 SESSION_EXPIRED. */
  expireSessions(): void;
  /** Leases out now, by lease id → node id. */
  readonly held: ReadonlyMap<string, string>;
  /** Take a lease away (it expired and went to another node): a capture for it gets 409 LEASE_NOT_HELD. */
  dropLease(leaseId: string): void;
  /** Resolves once `cond` holds, re-checked after every request the fake answers. */
  until(cond: () => boolean): Promise<void>;
  close(): Promise<void>;
}

export function lease(url: string, n: number, extra: Partial<Lease> = {}): Lease {
  return {
    leaseId: `l_${n}`,
    jobId: 'j_test',
    url,
    deadline: new Date(Date.now() + 600_000).toISOString(),
    timeoutMs: 30_000,
    maxBytes: 10 * 1024 * 1024,
    ...extra,
  };
}

/** A 200 text/html capture of `body` at `url` for `lease`, signed by `node`, as the fetcher makes one. */
export function signedCapture(
  node: Identity,
  lease: Pick<Lease, 'leaseId' | 'jobId' | 'url'>,
  body: Buffer,
): { signed: SignedCapture; body: Buffer } {
  return { signed: signCapture(node, captureFor(node, lease, body)), body };
}

/** The capture signedCapture signs, unsigned. */
export function captureFor(
  node: Identity,
  lease: Pick<Lease, 'leaseId' | 'jobId' | 'url'>,
  body: Buffer,
): Capture {
  return {
    v: 1,
    nodeId: node.id,
    leaseId: lease.leaseId,
    jobId: lease.jobId,
    requestedUrl: lease.url,
    finalUrl: lease.url,
    redirects: [],
    status: 200,
    headers: { 'content-type': 'text/html' },
    bodySha256: sha256Hex(body),
    bodyLength: body.length,
    fetchStart: new Date().toISOString(),
    fetchEnd: new Date().toISOString(),
    tlsCertSha256: null,
    ip: '127.0.0.1',
  };
}

export async function startFakeCoordinator(): Promise<FakeCoordinator> {
  const nonces = new Map<string, string>(); // nonce → nodeId
  const tokens = new Map<string, string>(); // token → nodeId
  const held = new Map<string, string>(); // leaseId → nodeId
  const watchers: (() => void)[] = [];
  const notify = () => {
    for (const w of [...watchers]) w();
  };
  const state = {
    queue: [] as Lease[],
    sessions: [] as FakeCoordinator['sessions'],
    registrations: [] as RegisterOperatorRequest[],
    leaseCalls: [] as FakeCoordinator['leaseCalls'],
    batchLeaseAsks: [] as number[],
    batchLeasesGiven: [] as number[],
    leasesInBatches: true,
    captures: [] as FakeCoordinator['captures'],
    failures: [] as FailureReport[],
    heartbeats: [] as unknown[],
    handBacks: [] as FakeCoordinator['handBacks'],
    rejected: [] as string[],
    calls: [] as string[],
    proxied: [] as FakeCoordinator['proxied'],
    revoked: new Set<string>(),
    signingKeys: [] as { nodeId: string; keyid: string }[],
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
    notify();
  };
  const fail = (res: ServerResponse, status: number, code: string, message: string) => {
    state.rejected.push(code);
    send(res, status, { error: { code, message } });
  };

  const takeLeases = (max: number, nodeId: string) => {
    const leases = state.queue.splice(0, max);
    for (const l of leases) held.set(l.leaseId, nodeId);
    return leases;
  };

  let unavailable = 0;
  let proxy: {
    status: number;
    holdMs?: number;
    retryAfterS?: number;
    json?: unknown;
    paths?: RegExp;
  } | null = null;
  let captureGate: Promise<void> = Promise.resolve();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (proxy && (proxy.paths?.test(req.url ?? '') ?? true)) {
      const { status, holdMs = 0, retryAfterS, json } = proxy;
      const at = Date.now();
      for await (const _ of req); // read the request, as a proxy does before it finds no upstream
      if (holdMs > 0) await new Promise((r) => setTimeout(r, holdMs));
      res.writeHead(status, {
        'content-type': json === undefined ? 'text/html' : 'application/json',
        ...(retryAfterS === undefined ? {} : { 'retry-after': String(retryAfterS) }),
      });
      res.end(
        json === undefined ? `<html><body><h1>${status}</h1>nginx</body></html>` : JSON.stringify(json),
      );
      state.proxied.push({ path: req.url ?? '', at, end: Date.now() });
      notify();
      return;
    }
    if (unavailable > 0) {
      unavailable--;
      return fail(res, 503, 'UNAVAILABLE', 'coordinator restarting');
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = req.url ?? '';
    const raw = Buffer.concat(chunks);
    let body: Record<string, unknown> = {};
    try {
      // a capture batch is a binary frame (core/capture-batch.ts), read below
      if (path !== '/v1/nodes/capture-batch') body = JSON.parse(raw.toString('utf8') || '{}');
    } catch {
      return fail(res, 400, 'BAD_JSON', 'body is not JSON');
    }
    if (req.method !== 'POST') return fail(res, 405, 'METHOD', 'POST only');
    if (path === '/v1/operators') {
      const r = registerOperatorRequestSchema.safeParse(body);
      if (!r.success) return fail(res, 400, 'BAD_REQUEST', 'registration');
      if (!verifyRegistration(r.data).operator) return fail(res, 400, 'BAD_SIGNATURE', 'registration');
      const again = state.registrations.some((x) => x.operatorKey === r.data.operatorKey);
      state.registrations.push(r.data);
      return send(res, again ? 200 : 201, {
        operator: r.data.operatorKey,
        name: r.data.name ?? null,
        referralCode: `ref-${r.data.operatorKey.slice(0, 8)}`,
        referredBy: null,
        created: !again,
      });
    }
    if (path === '/v1/nodes/challenge') {
      const nodeId = String(body.nodeId ?? '');
      if (!/^[0-9a-f]{64}$/.test(nodeId)) return fail(res, 400, 'BAD_NODE_ID', 'nodeId');
      const nonce = randomBytes(24).toString('base64');
      nonces.set(nonce, nodeId);
      return send(res, 200, { nonce, expiresAt: new Date(Date.now() + 60_000).toISOString() });
    }
    if (path === '/v1/nodes/session') {
      const { nodeId, nonce, signature } = body as Record<string, string>;
      if (!nonce || nonces.get(nonce) !== nodeId) return fail(res, 400, 'BAD_NONCE', 'unknown nonce');
      nonces.delete(nonce);
      if (!verifyBytes(nodeId ?? '', Buffer.from(AUTH_PREFIX + nonce, 'utf8'), signature ?? ''))
        return fail(res, 403, 'BAD_SIGNATURE', 'challenge signature does not verify');
      if (state.revoked.has(nodeId ?? '')) return fail(res, 403, 'NODE_REVOKED', 'this node is revoked');
      state.sessions.push({
        nodeId: nodeId ?? '',
        version: String(body.version),
        fingerprint: String(body.fingerprint),
        ...(body.enrolment && verifyEnrolment(body.enrolment as Enrolment, nodeId ?? '')
          ? { operator: (body.enrolment as Enrolment).operatorKey }
          : {}),
      });
      const token = randomBytes(16).toString('hex');
      tokens.set(token, nodeId ?? '');
      return send(res, 200, { token, expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const nodeId = token ? tokens.get(token) : undefined;
    if (!nodeId) return fail(res, 401, 'SESSION_EXPIRED', 'authenticate again');
    state.calls.push(path);

    if (path === '/v1/nodes/lease') {
      const max = Number(body.max);
      const waitMs = Number(body.waitMs);
      if (!Number.isInteger(max) || max < 1 || max > 64) return fail(res, 400, 'BAD_MAX', 'max');
      state.leaseCalls.push({ max, waitMs });
      const take = () => takeLeases(max, nodeId);
      let leases = take();
      if (leases.length === 0 && waitMs > 0) {
        // Long-poll: answer when work arrives, the wait ends, or the node hangs up.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          const poll = setInterval(() => {
            if (state.queue.length > 0 || req.destroyed) {
              clearTimeout(timer);
              clearInterval(poll);
              resolve();
            }
          }, 10);
          timer.unref();
          res.on('close', () => {
            clearTimeout(timer);
            clearInterval(poll);
            resolve();
          });
        });
        if (res.destroyed) return;
        leases = take();
      }
      return send(res, 200, { leases });
    }
    /** The checks of one capture; its refusal as [status, code, message]. */
    const accept = (
      capture: unknown,
      signature: unknown,
      bytes: Buffer,
    ): { captureId: string } | [number, string, string] => {
      let signed: SignedCapture;
      try {
        signed = verifySignedCapture({ capture, signature });
      } catch (e) {
        return [400, 'BAD_SIGNATURE', (e as Error).message];
      }
      if (signed.capture.nodeId !== nodeId) return [403, 'WRONG_NODE', 'capture from another node'];
      if (held.get(signed.capture.leaseId) !== nodeId) return [409, 'LEASE_NOT_HELD', 'lease'];
      try {
        checkCaptureBody(signed.capture, bytes);
      } catch (e) {
        return [400, 'BODY_HASH_MISMATCH', (e as Error).message];
      }
      held.delete(signed.capture.leaseId);
      state.captures.push({ signed, body: bytes });
      return { captureId: `c_${state.captures.length}` };
    };
    if (path === '/v1/nodes/captures') {
      const r = accept(body.capture, body.signature, Buffer.from(String(body.body ?? ''), 'base64'));
      if (Array.isArray(r)) return fail(res, ...r);
      return send(res, 200, { accepted: true, ...r });
    }
    if (path === '/v1/nodes/capture-batch') {
      await captureGate;
      let batch: ReturnType<typeof readCaptureBatch>;
      try {
        batch = readCaptureBatch(raw);
      } catch (e) {
        return fail(res, 400, 'BAD_REQUEST', (e as Error).message);
      }
      const results = batch.items.map((it) => {
        const r = accept(it.capture, it.signature, Buffer.from(it.body));
        if (!Array.isArray(r)) return { accepted: true, ...r };
        state.rejected.push(r[1]);
        return { accepted: false, error: { code: r[1], message: r[2] } };
      });
      if (batch.lease) state.batchLeaseAsks.push(batch.lease.max);
      if (!batch.lease || !state.leasesInBatches) return send(res, 200, { results });
      const leases = takeLeases(batch.lease.max, nodeId);
      state.batchLeasesGiven.push(leases.length);
      return send(res, 200, { results, leases });
    }
    if (path === '/v1/nodes/failures') {
      const f = body as unknown as FailureReport;
      if (held.get(f.leaseId) !== nodeId) return fail(res, 409, 'LEASE_NOT_HELD', 'lease');
      held.delete(f.leaseId);
      state.failures.push(f);
      return send(res, 200, { ok: true });
    }
    if (path === '/v1/nodes/signing-key') {
      const { privateKey } = generateKeyPairSync('ed25519');
      const jwk = privateKey.export({ format: 'jwk' }) as { x: string; d: string };
      const keyid = jwkThumbprint(ed25519Jwk(privateKey));
      state.signingKeys.push({ nodeId, keyid });
      const now = Date.now();
      return send(res, 200, {
        keyid,
        jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d },
        notBefore: new Date(now).toISOString(),
        notAfter: new Date(now + 3_600_000).toISOString(),
        signatureAgent: `http://${req.headers.host}`,
      });
    }
    if (path === '/v1/nodes/hand-back' || path === '/v1/nodes/logout') {
      const keep = Array.isArray(body.keep) ? body.keep.map(String) : [];
      const back = [...held].filter(([l, n]) => n === nodeId && !keep.includes(l)).map(([l]) => l);
      for (const l of back) held.delete(l);
      state.handBacks.push({ logout: path.endsWith('logout'), keep, handedBack: back });
      if (path.endsWith('logout') && token) tokens.delete(token);
      return send(res, 200, { handedBack: back.length });
    }
    if (path === '/v1/nodes/heartbeat') {
      state.heartbeats.push(body.stats);
      return send(res, 200, { ok: true });
    }
    return fail(res, 404, 'NOT_FOUND', path);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => fail(res, 500, 'INTERNAL', String(e)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ...state,
    get leasesInBatches() {
      return state.leasesInBatches;
    },
    set leasesInBatches(on: boolean) {
      state.leasesInBatches = on;
    },
    expireSessions: () => tokens.clear(),
    held,
    dropLease: (leaseId) => {
      held.delete(leaseId);
    },
    failNext: (n) => {
      unavailable = n;
    },
    proxyDown: (status, o = {}) => {
      proxy = status === null ? null : { status, ...o };
    },
    holdCaptureAnswers: () => {
      let open = () => {};
      captureGate = new Promise<void>((r) => (open = r));
      return () => {
        captureGate = Promise.resolve();
        open();
      };
    },
    until: (cond) =>
      new Promise<void>((resolve) => {
        if (cond()) return resolve();
        const w = () => {
          if (!cond()) return;
          watchers.splice(watchers.indexOf(w), 1);
          resolve();
        };
        watchers.push(w);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
