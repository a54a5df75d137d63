import type { RunningCoordinator } from '@sward/coordinator';
import type { Scope } from '@sward/core';
import { SwardClient } from '@sward/sdk';

/**
 * A customer key of `tenant` with `scopes`, made on the coordinator's store, and an SDK client holding it:
 * the tenants a multi-tenant test plays (owner, buyer, attacker).
 */
export async function tenantClient(
  co: RunningCoordinator,
  tenant: string,
  scopes: readonly Scope[],
): Promise<{ key: string; client: SwardClient }> {
  const { key } = await co.store.auth.createApiKey({
    name: tenant,
    tenant,
    role: 'customer',
    scopes: [...scopes],
  });
  return { key, client: new SwardClient({ url: co.url, apiKey: key }) };
}
