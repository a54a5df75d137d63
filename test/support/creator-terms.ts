import { Creators, type Store } from '@sward/coordinator';
import { type CreatorTermsRequest, creatorTermsSchema } from '@sward/core';

/** A verified owner of `domain` with these terms (proving control is creators-e2e's subject). */
export async function ownedWithTerms(
  store: Pick<Store, 'db'>,
  tenant: string,
  domain: string,
  terms: CreatorTermsRequest,
): Promise<void> {
  const creators = new Creators(store.db);
  await creators.claim(tenant, domain);
  await store.db.run('INSERT INTO cr_domains (domain, tenant_id, method, verified_at) VALUES (?, ?, ?, ?)', [
    domain,
    tenant,
    'dns',
    Date.now(),
  ]);
  await creators.setTerms(tenant, domain, creatorTermsSchema.parse(terms), 'test');
}
