import {
  CAPTURE_BATCH_CONTENT_TYPE,
  encodeCaptureBatch,
  type Identity,
  type SignedCapture,
  signBytes,
  signEnrolment,
  signRegistration,
} from '@sward/core/node-side';
import type { Dispatcher } from 'undici';
import * as z from 'zod/mini';
import { captureJsonOf } from './capture-text.js';
import { NodeError } from './errors.js';
import { messageOf } from './fetch-errors.js';
import {
  AUTH_PREFIX,
  type CaptureBatchAnswer,
  captureBatchResponseSchema,
  captureResponseSchema,
  challengeResponseSchema,
  errorBodySchema,
  type FailureReport,
  handBackResponseSchema,
  type Lease,
  leaseResponseSchema,
  MAX_LEASES_PER_CALL,
  MAX_WAIT_MS,
  registerOperatorResponseSchema,
  type SigningKeyResponse,
  sessionResponseSchema,
  signingKeyResponseSchema,
} from './protocol.js';
import { headerText, type ReadResponse, readResponse } from './read-response.js';
import { Agent } from './undici-parts.js';

// The answers a busy node reads for every few pages (a capture batch's, with its leases, and a lease
// request's) go through zod's compiled fast path: valid input is checked by generated code, anything it
// rejects by the ordinary parser, so the errors are zod's own. Their zod parse was 3 % of a node's CPU
// (docs/BENCHMARKS.md, session 18, nodes).
const captureBatchAnswer = z.compile(captureBatchResponseSchema);
const leaseAnswer = z.compile(leaseResponseSchema);

export interface ClientOptions {
  readonly coordinatorUrl: string;
  readonly identity: Identity;
  readonly version: string;
  /** sha256 hex of platform/config facts (PROTOCOL session request). */
  readonly fingerprint: string;
  /** The operator's key: registered once, then it signs this node's enrolment (PROTOCOL "Operators"). */
  readonly operatorIdentity?: Identity;
  /** Operator name, chosen once at registration. */
  readonly operatorName?: string;
  /** Who referred the operator; only taken at registration, refused (never ignored) afterwards. */
  readonly referralCode?: string;
  /** Defaults to a private keep-alive agent that close() ends. */
  readonly dispatcher?: Dispatcher;
}

/**
 * The node's side of docs/PROTOCOL.md. Errors are NodeErrors: COORDINATOR_UNREACHABLE (network:
 * retry with backoff), NODE_REVOKED and OPERATOR_REFUSED (stop), AUTH (challenge refused), COORDINATOR (a 4xx/5xx
 * answer; `status` and `remoteCode` say which). A 401 triggers one re-authentication and a retry.
 */
export class CoordinatorClient {
  private token: string | null = null;
  private registered: { operator: string; referralCode: string } | null = null;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  /** The coordinator's origin, and the path it is served under ('' at the root). */
  private readonly origin: string;
  private readonly basePath: string;

  constructor(private readonly opts: ClientOptions) {
    const base = new URL(opts.coordinatorUrl.replace(/\/+$/, ''));
    this.origin = base.origin;
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher = opts.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, headersTimeout: 60_000 });
  }

  get authenticated(): boolean {
    return this.token !== null;
  }

  /** The operator account and its own referral code, once registered. */
  get operator(): { operator: string; referralCode: string } | null {
    return this.registered;
  }

  /**
   * Registers the operator key (idempotent: the same request answers the same account). A refusal (a
   * referral code that is unknown or comes too late, a name taken) is OPERATOR_REFUSED: the node stops
   * and says why rather than run under terms the operator did not ask for.
   */
  async register(signal?: AbortSignal): Promise<void> {
    const op = this.opts.operatorIdentity;
    if (!op) return;
    const req = signRegistration(
      op,
      { name: this.opts.operatorName, referralCode: this.opts.referralCode },
      this.opts.identity,
    );
    const res = await this.post('/v1/operators', req, registerOperatorResponseSchema, {
      signal,
      auth: false,
    });
    this.registered = { operator: res.operator, referralCode: res.referralCode };
  }

  /** Signed challenge → session token. */
  async authenticate(signal?: AbortSignal): Promise<void> {
    const nodeId = this.opts.identity.id;
    if (this.opts.operatorIdentity && !this.registered) await this.register(signal);
    const challenge = await this.post('/v1/nodes/challenge', { nodeId }, challengeResponseSchema, {
      signal,
      auth: false,
    });
    const signature = signBytes(this.opts.identity, Buffer.from(AUTH_PREFIX + challenge.nonce, 'utf8'));
    const session = await this.post(
      '/v1/nodes/session',
      {
        nodeId,
        nonce: challenge.nonce,
        signature,
        version: this.opts.version,
        fingerprint: this.opts.fingerprint,
        ...(this.opts.operatorIdentity
          ? { enrolment: signEnrolment(this.opts.operatorIdentity, nodeId) }
          : {}),
      },
      sessionResponseSchema,
      { signal, auth: false },
    );
    this.token = session.token;
  }

  /** Asks for up to `max` leases; the coordinator may hold the call up to `waitMs` when it has none. */
  async lease(max: number, waitMs: number, signal?: AbortSignal): Promise<Lease[]> {
    const body = {
      max: Math.max(1, Math.min(MAX_LEASES_PER_CALL, Math.floor(max))),
      waitMs: Math.max(0, Math.min(MAX_WAIT_MS, Math.floor(waitMs))),
    };
    const res = await this.post('/v1/nodes/lease', body, leaseAnswer, { signal });
    return res.leases;
  }

  async submitCapture(signed: SignedCapture, body: Uint8Array): Promise<string> {
    const res = await this.post(
      '/v1/nodes/captures',
      { capture: signed.capture, signature: signed.signature, body: Buffer.from(body).toString('base64') },
      captureResponseSchema,
    );
    return res.captureId;
  }

  /** A fresh delegated Web Bot Auth key for this session (docs/PROTOCOL.md "Request signatures"). */
  async signingKey(signal?: AbortSignal): Promise<SigningKeyResponse> {
    return this.post('/v1/nodes/signing-key', {}, signingKeyResponseSchema, { signal });
  }

  /**
   * Several captures in one request, bodies as bytes (core/capture-batch.ts). Answers come per capture; a
   * coordinator older than the batch route answers 404 NOT_FOUND (COORDINATOR error, status 404).
   * `leaseAsk` > 0 asks for up to that many leases in the same answer: `leases` is what came, or null when
   * the coordinator predates the ask (it answers no `leases`; the node then asks POST /v1/nodes/lease).
   */
  async submitCaptureBatch(
    items: readonly { signed: SignedCapture; body: Uint8Array }[],
    leaseAsk = 0,
  ): Promise<{ results: CaptureBatchAnswer[]; leases: Lease[] | null }> {
    const ask = Math.min(MAX_LEASES_PER_CALL, Math.floor(leaseAsk));
    const frame = encodeCaptureBatch(
      items.map((i) => ({
        capture: i.signed.capture,
        signature: i.signed.signature,
        body: i.body,
        captureJson: captureJsonOf(i.signed.capture),
      })),
      ask > 0 ? { max: ask } : null,
    );
    const res = await this.post('/v1/nodes/capture-batch', frame, captureBatchAnswer, {
      contentType: CAPTURE_BATCH_CONTENT_TYPE,
    });
    if (res.results.length !== items.length)
      throw new NodeError(
        'COORDINATOR',
        `/v1/nodes/capture-batch: ${res.results.length} answers for ${items.length} captures`,
      );
    return { results: res.results, leases: ask > 0 ? (res.leases ?? null) : [] };
  }

  async submitFailure(report: FailureReport): Promise<void> {
    await this.post('/v1/nodes/failures', report, null);
  }

  /**
   * Hands back every lease this node holds but those in `keep` (finished captures still to upload), so
   * their sites go to other nodes now rather than at the lease deadline. Returns how many went back.
   */
  async handBack(keep: readonly string[], signal?: AbortSignal): Promise<number> {
    const res = await this.post('/v1/nodes/hand-back', { keep }, handBackResponseSchema, { signal });
    return res.handedBack;
  }

  /** Hands back what handBack() would and ends this session. */
  async logout(keep: readonly string[], signal?: AbortSignal): Promise<number> {
    if (!this.token) return 0;
    const res = await this.post('/v1/nodes/logout', { keep }, handBackResponseSchema, {
      signal,
      retried: true, // an expired session is not opened again just to close it
    });
    this.token = null;
    return res.handedBack;
  }

  async heartbeat(stats: object): Promise<void> {
    await this.post('/v1/nodes/heartbeat', { stats }, null);
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private async post<S extends z.ZodMiniType>(
    path: string,
    payload: unknown,
    schema: S | null,
    o: { signal?: AbortSignal; auth?: boolean; retried?: boolean; contentType?: string } = {},
  ): Promise<z.infer<S>> {
    const auth = o.auth ?? true;
    if (auth && !this.token) await this.authenticate(o.signal);
    const headers: Record<string, string> = {
      // a Buffer payload is sent as it is, under its own content type (capture batches)
      'content-type': o.contentType ?? 'application/json',
      accept: 'application/json',
    };
    if (auth && this.token) headers.authorization = `Bearer ${this.token}`;
    let res: ReadResponse;
    try {
      res = await readResponse(this.dispatcher, {
        origin: this.origin,
        path: this.basePath + path,
        method: 'POST',
        headers,
        body: Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
        signal: o.signal,
      });
    } catch (cause) {
      if (o.signal?.aborted) throw new NodeError('STOPPED', `${path} cancelled`, { cause });
      throw new NodeError('COORDINATOR_UNREACHABLE', `${path}: ${messageOf(cause)}`, { cause });
    }
    const text = res.body.toString('utf8');
    if (res.statusCode === 401 && auth && !o.retried) {
      this.token = null; // PROTOCOL: 401 SESSION_EXPIRED → authenticate again
      return this.post(path, payload, schema, { ...o, retried: true });
    }
    if (res.statusCode >= 400)
      throw this.errorFrom(path, res.statusCode, text, headerText(res.headers, 'retry-after'));
    if (!schema) return undefined as z.infer<S>;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new NodeError('COORDINATOR', `${path}: answer is not JSON`, { cause, status: res.statusCode });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new NodeError(
        'COORDINATOR',
        `${path}: unexpected answer at ${issue?.path.join('.')}: ${issue?.message}`,
        {
          status: res.statusCode,
        },
      );
    }
    return parsed.data;
  }

  private errorFrom(path: string, status: number, text: string, retryAfter?: string): NodeError {
    let remoteCode: string | undefined;
    // Kept from a 503 only (the gate's "come back then", coordinator-gate.ts). A 429's Retry-After is one
    // route's quota (a signing key asked for too often answers 429 with 60 s): it must not hold every call.
    const waitMs = status === 503 ? retryAfterMs(retryAfter) : undefined;
    let message = text.slice(0, 300);
    try {
      const e = errorBodySchema.parse(JSON.parse(text)).error;
      remoteCode = e.code;
      message = e.message;
    } catch {
      // not a PROTOCOL error body; keep the raw text
    }
    const what = `${path}: ${status}${remoteCode ? ` ${remoteCode}` : ''}: ${message}`;
    if (remoteCode === 'NODE_REVOKED') return new NodeError('NODE_REVOKED', what, { status, remoteCode });
    // The operator's account refused (or an enrolment it cannot make): retrying cannot change the answer.
    const refused =
      path === '/v1/operators' ? status !== 401 : path === '/v1/nodes/session' && status === 409;
    if (refused && status >= 400 && status < 500)
      return new NodeError('OPERATOR_REFUSED', what, { status, remoteCode });
    // 5xx is the coordinator's trouble, not ours: retried with backoff like a network error.
    if (status >= 500)
      return new NodeError('COORDINATOR_UNREACHABLE', what, { status, remoteCode, retryAfterMs: waitMs });
    if (status === 401 || path === '/v1/nodes/challenge' || path === '/v1/nodes/session')
      return new NodeError('AUTH', what, { status, remoteCode });
    return new NodeError('COORDINATOR', what, { status, remoteCode });
  }
}

/** Retry-After (delay-seconds or an HTTP-date) as ms from now; undefined when absent, unreadable or past. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
