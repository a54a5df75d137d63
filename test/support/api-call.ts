import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { type CoordinatorOptions, type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import { generateIdentity, type Identity } from '@sward/core';
import type { Hono } from 'hono';
import { pino } from 'pino';
import type { Backend } from './backends.js';
import { captureUpload } from './capture-maker.js';

// Loose view of a JSON answer: the assertions say what they expect of it.
// biome-ignore lint/suspicious/noExplicitAny: test-only access to response fields
export type Json = any;

export interface Answer {
  status: number;
  json: Json;
  text: string;
  headers: Headers;
}

/**
 * Waits until a job is done: every URL answered and every stored page's document made by the coordinator's
 * extraction threads, which run after the capture path (up to `ms`).
 */
export async function untilDone(app: Hono, apiKey: string, jobId: string, ms = 20_000): Promise<Answer> {
  const call = caller(app);
  const deadline = Date.now() + ms;
  for (;;) {
    const job = await call('GET', `/v1/jobs/${jobId}`, apiKey);
    if (job.json?.state === 'done' || Date.now() > deadline) return job;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** One request through the app, no socket: what a client would get. */
export function caller(app: Hono) {
  return async (method: string, path: string, bearer?: string | null, body?: unknown): Promise<Answer> => {
    const res = await app.request(path, {
      method,
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: Json = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: res.status, json, text, headers: res.headers };
  };
}

/**
 * A coordinator on `db` with its data folder `dataDir`, no background refreshes, no timed checkpoints,
 * quiet; a second call on the same PostgreSQL database and folder is a peer (docs/DEPLOY.md), on the same SQLite
 * file it is refused while the first runs (sqlite-owner.ts).
 */
export function quietCoordinator(
  db: string,
  dataDir: string,
  opts: Partial<CoordinatorOptions> = {},
): Promise<RunningCoordinator> {
  return startCoordinator({
    processMetrics: false,
    db,
    dataDir,
    collections: { refresh: false },
    checkpoints: { everyMs: 3_600_000 },
    log: pino({ level: 'silent' }),
    ...opts,
  });
}

/** A coordinator on a fresh database of `backend`, with no background refreshes, quiet. */
export async function coordinatorOn(
  backend: Backend,
  opts: Partial<CoordinatorOptions> = {},
): Promise<{ co: RunningCoordinator; db: string; dir: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'sward-api-'));
  const db = backend.name === 'sqlite' ? join(dir, 'sward.db') : await backend.create();
  const co = await quietCoordinator(db, dir, {
    ...opts,
    scheduler: { hostDelayMs: 0, ...opts.scheduler },
  });
  return {
    co,
    db,
    dir,
    async stop() {
      await co.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * coordinatorOn, stopped and its database dropped after the calling test, with what a node-facing test
 * uses: the app's caller, the first API key and a registered node with a session.
 */
export async function coordinatorWithNode(backend: Backend, opts: Partial<CoordinatorOptions> = {}) {
  const { co, db, stop } = await coordinatorOn(backend, opts);
  after(async () => {
    await stop();
    await backend.cleanup();
  });
  return { co, db, call: caller(co.app), key: co.firstApiKey as string, ...(await nodeSession(co)) };
}

/** A registered node with a session, as after login. */
export async function nodeSession(co: RunningCoordinator, operator = 'alice') {
  const node = generateIdentity();
  await co.store.auth.upsertNode({ id: node.id, operator });
  return { node, token: (await co.store.auth.createSession(node.id)).token };
}

/**
 * Works as a node would until nothing more is leased: policy files answer 404, pages `html`. Returns
 * every URL it was leased.
 */
export async function work(co: RunningCoordinator, node: Identity, token: string, html = '<p>page</p>') {
  const call = caller(co.app);
  const leased: string[] = [];
  for (let i = 0; i < 50; i++) {
    const { json } = await call('POST', '/v1/nodes/lease', token, { max: 8 });
    if (!json.leases.length) break;
    for (const lease of json.leases) {
      leased.push(lease.url);
      const policy = /robots\.txt$|tdmrep\.json$/.test(lease.url);
      const up = policy
        ? captureUpload(node, lease, { status: 404, body: 'no', headers: { 'content-type': 'text/plain' } })
        : captureUpload(node, lease, { body: `<html><body>${html}</body></html>` });
      const r = await call('POST', '/v1/nodes/captures', token, up);
      if (r.status !== 200) throw new Error(`capture refused: ${r.text}`);
    }
  }
  return leased;
}
