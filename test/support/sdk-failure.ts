import assert from 'node:assert/strict';
import { SwardApiError } from '@sward/sdk';

/** The SwardApiError an SDK call must fail with; fails the test when the call succeeds or throws anything else. */
export async function sdkFailure(p: Promise<unknown>): Promise<SwardApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SwardApiError, String(e));
    return e;
  }
  assert.fail('the call succeeded');
}
