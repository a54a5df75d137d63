import type { Agent } from 'undici';
import { checkTarget, pinnedLookup, type Resolver, systemResolver } from './guarded-target.js';
import { loadUndici } from './load-undici.js';

export interface GuardedGetOptions {
  /** Lets loopback/private hosts through (tests, the demo). Metadata endpoints stay refused. */
  allowPrivate?: boolean;
  resolver?: Resolver;
  /** DNS, connect, request and body together. Default 10 s. */
  timeoutMs?: number;
  /** A longer body is refused, not cut. Default 64 KiB. */
  maxBytes?: number;
  userAgent?: string;
}

export type GuardedGetResult = { ok: true; status: number; text: string } | { ok: false; error: string };

/**
 * GET of a URL someone else named, through the SSRF guard (guarded-target.ts): public addresses only,
 * pinned socket, no redirects followed, a capped body. Never throws: a refusal or failure says why.
 */
export async function guardedGetText(url: string, opts: GuardedGetOptions = {}): Promise<GuardedGetResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxBytes = opts.maxBytes ?? 64 * 1024;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let agent: Agent | null = null;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, error: `not http(s): ${url}` };
    const target = await checkTarget(
      u.hostname,
      opts.allowPrivate ?? false,
      opts.resolver ?? systemResolver,
      controller.signal,
    );
    if (typeof target === 'string') return { ok: false, error: target };
    const { Agent, request } = await loadUndici();
    agent = new Agent({ connect: { lookup: pinnedLookup(target), timeout: timeoutMs } });
    const res = await request(u, {
      method: 'GET',
      headers: { 'user-agent': opts.userAgent ?? 'Sward/1', accept: 'application/json, */*;q=0.5' },
      dispatcher: agent,
      signal: controller.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of res.body) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) {
        res.body.destroy();
        return { ok: false, error: `${url} answered more than ${maxBytes} bytes` };
      }
      chunks.push(chunk as Buffer);
    }
    return { ok: true, status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') };
  } catch (err) {
    if (controller.signal.aborted) return { ok: false, error: `${url}: no answer within ${timeoutMs} ms` };
    return { ok: false, error: `${url}: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    clearTimeout(timer);
    await agent?.destroy().catch(() => undefined);
  }
}
