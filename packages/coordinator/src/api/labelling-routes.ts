import { readFileSync } from 'node:fs';
import {
  flagReviewSchema,
  type LabellingProjectInfo,
  type LabellingProjectStatus,
  labellerSignUpSchema,
  type ProjectExportListing,
  type ProjectSettlement,
  qualificationAnswersSchema,
  taskAnswerSchema,
} from '@sward/core';
import { type Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { CoordinatorError } from '../errors.js';
import type { Labeller } from '../labelling/labellers.js';
import { LabellingService } from '../labelling/labelling-service.js';
import type { LabellerPayer } from '../labelling/settlement.js';
import { RewardsService } from '../rewards/rewards-service.js';
import type { Store } from '../store/store.js';
import { principal } from './authorize.js';
import { bearer, parseBody, readJson } from './parse-body.js';

export interface LabellingRouteDeps {
  store: Store;
  /** Where labellers are paid; default: the rewards ledger on the same database. */
  payer?: LabellerPayer;
  labelling?: LabellingService;
}

const COOKIE = 'sward_labeller';

// The page is plain HTML and JS with no build step, read once when the routes are made. It lives beside
// src/ and dist/ (packages/coordinator/labelling-page), the same two levels up from either.
const page = (name: string) => readFileSync(new URL(`../../labelling-page/${name}`, import.meta.url), 'utf8');

const signUpSchema = labellerSignUpSchema;
const testSchema = qualificationAnswersSchema;
const answerSchema = taskAnswerSchema;
const reviewSchema = flagReviewSchema;

/**
 * The labelling marketplace over HTTP, mounted at the app's root: the labeller page at /label, the
 * tenant's projects under /v1/labelling/projects (API key with labelling:owner, see route-rules.ts),
 * labeller routes under /v1/labelling/labellers, /me and /work (the session cookie set at sign-up, or its
 * token as a Bearer).
 */
export function labellingRoutes(deps: LabellingRouteDeps): Hono {
  const { store } = deps;
  const svc = deps.labelling ?? new LabellingService(store.db, deps.payer ?? new RewardsService(store.db));
  const html = page('index.html');
  const js = page('app.js');
  const r = new Hono();

  // The API key and its labelling:owner scope were checked by api/authorize.ts; projects are the tenant's.
  const customer = (c: Context) => principal(c);
  const ownProject = (c: Context) => svc.projects.requireOf(customer(c).tenant, c.req.param('id') as string);
  const labeller = async (c: Context): Promise<Labeller> => {
    const token = getCookie(c, COOKIE) ?? bearer(c);
    const l = token ? await svc.labellers.byToken(token) : null;
    if (!l) throw new CoordinatorError('UNAUTHORIZED', 'sign up first: no labeller session');
    return l;
  };
  const project = (c: Context) => svc.projects.require(c.req.param('id') as string);

  r.get('/label', (c) => c.html(html));
  r.get('/label/app.js', (c) => c.body(js, 200, { 'content-type': 'text/javascript; charset=utf-8' }));

  // ---- customer ----
  r.post('/v1/labelling/projects', async (c) => {
    const { tenant, keyId } = customer(c);
    const p = await svc.projects.create({ tenant, apiKeyId: keyId }, await readJson(c));
    return c.json(publicProject(p), 201);
  });
  r.get('/v1/labelling/projects', async (c) => {
    return c.json({ projects: await svc.projects.list(customer(c).tenant) });
  });
  r.get('/v1/labelling/projects/:id', async (c) => {
    const s = await svc.status(await ownProject(c));
    const answer: LabellingProjectStatus = { ...s, project: publicProject(s.project) };
    return c.json(answer);
  });
  r.post('/v1/labelling/projects/:id/settle', async (c) => {
    const s = await svc.settlement.run(await ownProject(c));
    const answer: ProjectSettlement = {
      flagged: s.flagged,
      paid: s.paid,
      held: s.held,
      alpha: s.report.alphaAll,
    };
    return c.json(answer);
  });
  r.post('/v1/labelling/projects/:id/flags/:labeller', async (c) => {
    const { verdict } = await parseBody(c, reviewSchema);
    const ok = await svc.settlement.review((await ownProject(c)).id, c.req.param('labeller'), verdict);
    if (!ok) throw new CoordinatorError('NOT_FOUND', `no flag on ${c.req.param('labeller')}`);
    return c.json({ ok: true });
  });
  r.get('/v1/labelling/projects/:id/export', async (c) => {
    const { files, stats } = await svc.exporter.build(await ownProject(c));
    const answer: ProjectExportListing = {
      files: [...files].map(([name, b]) => ({ name, bytes: b.byteLength })),
      stats: { ...stats },
    };
    return c.json(answer);
  });
  r.get('/v1/labelling/projects/:id/export/:file', async (c) => {
    const { files } = await svc.exporter.build(await ownProject(c));
    const f = files.get(c.req.param('file'));
    if (!f) throw new CoordinatorError('NOT_FOUND', `no export file ${c.req.param('file')}`);
    const type = c.req.param('file').endsWith('.parquet')
      ? 'application/vnd.apache.parquet'
      : 'text/plain; charset=utf-8';
    return c.body(f.slice().buffer as ArrayBuffer, 200, { 'content-type': type });
  });

  // ---- labellers ----
  r.post('/v1/labelling/labellers', async (c) => {
    const { name } = await parseBody(c, signUpSchema);
    const { labeller: l, token } = await svc.labellers.signUp(name);
    setCookie(c, COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/', maxAge: 90 * 86_400 });
    return c.json({ labeller: l, token }, 201);
  });
  r.get('/v1/labelling/me', async (c) => {
    const l = await labeller(c);
    return c.json({ labeller: l, earnings: await svc.earnings(l.id) });
  });
  r.get('/v1/labelling/work/projects', async (c) => {
    const l = await labeller(c);
    const list = await svc.projects.list();
    const out = [];
    for (const p of list) {
      const full = await svc.projects.require(p.id);
      out.push({
        ...p,
        needsTest: Boolean(full.qualification),
        qualified: await svc.labellers.isQualified(full, l.id),
      });
    }
    return c.json({ projects: out });
  });
  r.get('/v1/labelling/work/projects/:id/qualification', async (c) => {
    await labeller(c);
    const p = await project(c);
    return c.json({
      type: p.type,
      k: p.k,
      rubric: p.rubric,
      passScore: p.qualification?.passScore ?? 0,
      questions: svc.labellers.questions(p),
    });
  });
  r.post('/v1/labelling/work/projects/:id/qualification', async (c) => {
    const l = await labeller(c);
    const { answers } = await parseBody(c, testSchema);
    return c.json(await svc.labellers.takeTest(await project(c), l.id, answers));
  });
  r.get('/v1/labelling/work/projects/:id/next', async (c) => {
    const l = await labeller(c);
    const p = await project(c);
    const next = await svc.next(p, l.id);
    return c.json({
      ...next,
      progress: await svc.progress(p, l.id),
      earnings: await svc.earnings(l.id, p.id),
      payPerTask: p.payPerTask,
    });
  });
  r.post('/v1/labelling/work/projects/:id/tasks/:task', async (c) => {
    const l = await labeller(c);
    const { answer, clientMs } = await parseBody(c, answerSchema);
    const res = await svc.submit(await project(c), l.id, c.req.param('task'), answer, clientMs ?? null);
    return c.json({ ms: res.ms });
  });
  return r;
}

/** A project as its customer sees it; the qualification answers stay out of responses. */
function publicProject(
  p: Awaited<ReturnType<LabellingService['projects']['require']>>,
): LabellingProjectInfo {
  const { qualification, ...rest } = p;
  return { ...rest, qualificationQuestions: qualification?.items.length ?? 0 };
}
