import assert from 'node:assert/strict';
import { generateIdentity, type Identity } from '@sward/core';
import { captureUpload } from './capture-maker.js';

/** What a test's calls go through: a coordinator's in-process app (startCoordinator's `app`). */
export interface RequestingApp {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}

export interface CallAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: an answer's JSON, read by the test that asked
  json: any;
  text: string;
}

/** `call(method, path, bearer, body)` against `app`; `seen` hears every answer's text (e.g. to look for secrets). */
export function appCaller(app: RequestingApp, seen: (text: string) => void = () => undefined) {
  return async (method: string, path: string, bearer: string, body?: unknown): Promise<CallAnswer> => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    seen(text);
    return { status: res.status, json: /^[[{]/.test(text) ? JSON.parse(text) : null, text };
  };
}

/**
 * One node fetching a job's `pages` pages by hand over the node API, one lease at a time: robots.txt and
 * tdmrep.json answered 404, each page a paragraph and links to /p/0 … /p/<pages - 1>. `onLease` sees each lease.
 */
export async function fetchByHand(
  call: ReturnType<typeof appCaller>,
  node: Identity,
  token: string,
  pages: number,
  onLease: (lease: { url: string; jobId: string }) => void = () => undefined,
): Promise<void> {
  const links = Array.from({ length: pages }, (_, i) => `<a href="/p/${i}">${i}</a>`).join('');
  for (let i = 0; i < pages + 5; i++) {
    const { json } = await call('POST', '/v1/nodes/lease', token, { max: 1 });
    const lease = json.leases[0];
    if (!lease) break;
    onLease(lease);
    const up = /robots\.txt$|tdmrep\.json$/.test(lease.url)
      ? captureUpload(node, lease, { status: 404, body: '', headers: { 'content-type': 'text/plain' } })
      : captureUpload(node, lease, { body: `<html><body><p>page ${lease.url}</p>${links}</body></html>` });
    const r = await call('POST', '/v1/nodes/captures', token, up);
    assert.equal(r.status, 200, r.text);
  }
}

/** What crawlByHand needs of a running coordinator (startCoordinator's answer). */
export interface HandCoordinator {
  app: RequestingApp;
  firstApiKey: string | null;
  store: {
    auth: {
      upsertNode(n: { id: string; operator?: string }): Promise<unknown>;
      createSession(nodeId: string): Promise<{ token: string }>;
    };
  };
}

/**
 * A node of `operator` registered with a session, a job of `pages` pages from `seed` made with the first API
 * key, and the node fetching it by hand (fetchByHand). Returns the node, its token and the admin key.
 */
export async function crawlByHand(
  co: HandCoordinator,
  call: ReturnType<typeof appCaller>,
  o: {
    operator: string;
    seed: string;
    pages: number;
    onLease?: (lease: { url: string; jobId: string }) => void;
  },
) {
  const node = generateIdentity();
  await co.store.auth.upsertNode({ id: node.id, operator: o.operator });
  const token = (await co.store.auth.createSession(node.id)).token;
  const admin = co.firstApiKey as string;
  const job = await call('POST', '/v1/jobs', admin, { seed: o.seed, maxPages: o.pages, maxDepth: 1 });
  assert.equal(job.status, 201, job.text);
  await fetchByHand(call, node, token, o.pages, o.onLease);
  return { node, token, admin };
}
