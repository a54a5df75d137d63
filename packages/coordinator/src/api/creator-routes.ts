import { creatorClaimRequestSchema, creatorDomainSchema, creatorTermsSchema } from '@sward/core';
import { type Context, Hono } from 'hono';
import { creatorStatement } from '../creators/creator-statement.js';
import type { Creators } from '../creators/creators-service.js';
import { CoordinatorError } from '../errors.js';
import type { RewardsService } from '../rewards/rewards-service.js';
import { type KeyEnv, principal } from './authorize.js';
import { parseBody } from './parse-body.js';

/** The domain in the path, normalised as a claim names it (lowercase, punycode). */
function domainParam(c: Context): string {
  const r = creatorDomainSchema.safeParse(c.req.param('domain'));
  if (!r.success) throw new CoordinatorError('BAD_REQUEST', r.error.issues[0]?.message ?? 'bad domain');
  return r.data;
}

/**
 * /v1/creator (scope `creator`): claim a domain, prove control, set its terms. /v1/terms/:domain is
 * public: anyone (a customer, a publisher checking their own) reads the terms in force.
 */
export function creatorRoutes({ creators, rewards }: { creators: Creators; rewards: RewardsService }): {
  creator: Hono<KeyEnv>;
  terms: Hono;
} {
  const creator = new Hono<KeyEnv>();
  creator.post('/claims', async (c) => {
    const { domain } = await parseBody(c, creatorClaimRequestSchema);
    return c.json(await creators.claim(principal(c).tenant, domain), 201);
  });
  creator.get('/claims', async (c) => c.json({ claims: await creators.list(principal(c).tenant) }));
  creator.post('/claims/:domain/verify', async (c) => {
    const p = principal(c);
    return c.json(await creators.verify(p.tenant, domainParam(c), p.keyId));
  });
  creator.put('/claims/:domain/terms', async (c) => {
    const p = principal(c);
    const domain = domainParam(c);
    const terms = await parseBody(c, creatorTermsSchema);
    return c.json(await creators.setTerms(p.tenant, domain, terms, p.keyId));
  });

  // The caller's own statement: the tenant comes from the key, never from the request.
  creator.get('/statement', async (c) => {
    const q = c.req.query('epoch');
    if (q !== undefined && !/^\d{1,15}$/.test(q))
      throw new CoordinatorError('BAD_REQUEST', `epoch must be a whole number, got ${JSON.stringify(q)}`);
    return c.json(
      await creatorStatement(
        creators.db,
        principal(c).tenant,
        rewards.policy.epochMs,
        q === undefined ? undefined : Number(q),
      ),
    );
  });

  const terms = new Hono();
  terms.get('/:domain', async (c) => {
    const domain = domainParam(c);
    const t = await creators.currentTerms(domain);
    if (!t) throw new CoordinatorError('NOT_FOUND', `no terms set for ${domain}`);
    return c.json(t);
  });
  return { creator, terms };
}
