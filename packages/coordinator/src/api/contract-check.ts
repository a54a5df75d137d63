import { appendFileSync } from 'node:fs';
import { API_ROUTES, type ApiRoute, apiErrorSchema, isJsonResponse, routeKey } from '@sward/core';
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { NOT_YET_STRICT } from './strict-answers.js';
import { undeclaredFields } from './undeclared-fields.js';

const BY_KEY = new Map(API_ROUTES.map((r) => [routeKey(r), r]));

/** On when the environment asks for it: the test runner sets SWARD_CONTRACT_CHECK=1 for every test. */
export const contractCheckEnabled = (env: NodeJS.ProcessEnv = process.env): boolean =>
  env.SWARD_CONTRACT_CHECK === '1';

/**
 * Checks every request and answer against the API contract (core contract/): an answer whose status the
 * route does not declare, a JSON body its schema refuses, an error body outside the closed codes, a
 * content type other than the declared one, a success for a request the contract refuses, or an answer
 * with a field its schema does not declare (but for the few routes strict-answers.ts lists). Any of
 * these replaces the answer by a 500 CONTRACT_VIOLATION naming the route and the first problem, and logs
 * it, so the whole test suite is the API's conformance test. Off in production: it costs a parse of
 * every answer.
 */
export function contractCheck(log: Logger): MiddlewareHandler {
  return async (c, next) => {
    const matched = matchedRoutes(c).find((r) => r.method !== 'ALL');
    const route = matched ? BY_KEY.get(`${matched.method} ${matched.path}`) : undefined;
    const requestProblem = route ? await checkRequest(route, c.req.raw.clone(), c.req.query()) : null;
    await next();
    const problem = await checkResponse(route, c.res.clone(), requestProblem);
    if (!problem) return;
    const where = route ? routeKey(route) : `${c.req.method} ${c.req.path}`;
    log.error({ route: where, problem }, 'contract violation');
    c.res = new Response(
      JSON.stringify({ error: { code: 'CONTRACT_VIOLATION', message: `${where}: ${problem}` } }),
      { status: 500, headers: { 'content-type': 'application/json' } },
    );
  };
}

/** Why the request is outside the contract (only an error answer may follow), or null. */
async function checkRequest(
  route: ApiRoute,
  req: Request,
  query: Record<string, string>,
): Promise<string | null> {
  // A route without a query schema reads no parameter (an unknown one is ignored there, as by the handler).
  if (route.query) {
    const q = route.query.safeParse(query);
    if (!q.success) return `query ${issue(q.error)}`;
  }
  if (route.body && !('contentType' in route.body)) {
    let body: unknown;
    try {
      body = JSON.parse(await req.text());
    } catch {
      return 'body: not JSON';
    }
    const b = route.body.safeParse(body);
    if (!b.success) return `body ${issue(b.error)}`;
  }
  return null;
}

async function checkResponse(
  route: ApiRoute | undefined,
  res: Response,
  requestProblem: string | null,
): Promise<string | null> {
  const type = res.headers.get('content-type') ?? '';
  if (res.status >= 400 || !route) {
    if (!type.startsWith('application/json'))
      return `error answer ${res.status} is ${type || 'untyped'}, not JSON`;
    const e = apiErrorSchema.safeParse(await res.json().catch(() => undefined));
    return e.success ? null : `error body ${issue(e.error)}`;
  }
  if (requestProblem) return `answered ${res.status} to a request the contract refuses (${requestProblem})`;
  const declared = route.responses[res.status];
  if (!declared) return `status ${res.status} is not declared`;
  if (!isJsonResponse(declared)) {
    const allowed = declared.contentType.split(', ');
    return allowed.some((t) => type.startsWith(t))
      ? null
      : `content type ${type} is not ${declared.contentType}`;
  }
  if (!type.startsWith('application/json')) return `content type ${type} is not application/json`;
  const body: unknown = await res.json().catch(() => undefined);
  const r = declared.json.safeParse(body);
  if (!r.success) return `answer ${res.status} ${issue(r.error)}`;
  const key = routeKey(route);
  const undeclared = undeclaredFields(body, r.data);
  noteAnswer(key, res.status, undeclared);
  return undeclared.length && !NOT_YET_STRICT.has(key)
    ? `answer ${res.status} has fields the contract does not declare: ${undeclared.join(', ')}`
    : null;
}

/**
 * SWARD_CONTRACT_ANSWERS_LOG=<file>: one JSON line per JSON answer checked (route, status, undeclared
 * fields), so a run of the suite tells which routes answer only what they declare and may leave
 * NOT_YET_STRICT.
 */
function noteAnswer(route: string, status: number, undeclared: string[]): void {
  const file = process.env.SWARD_CONTRACT_ANSWERS_LOG;
  if (file) appendFileSync(file, `${JSON.stringify({ route, status, undeclared })}\n`);
}

const issue = (e: z.ZodError): string => {
  const i = e.issues[0];
  return `${i?.path.join('.') || '(root)'}: ${i?.message}`;
};
