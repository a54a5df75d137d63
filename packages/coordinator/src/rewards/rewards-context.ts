import type { SqlDriver, SqlExecutor } from '../store/sql-driver.js';
import type { Ledger } from './ledger.js';
import type { Referrals } from './referrals.js';
import type { RewardsPolicy } from './rewards-policy.js';

/** What the rewards steps split out of RewardsService need from it. */
export interface RewardsContext {
  readonly db: SqlDriver;
  readonly ledger: Ledger;
  readonly referrals: Referrals;
  readonly policy: RewardsPolicy;
  standing(operator: string, ex?: SqlExecutor): Promise<'confirmed' | 'open' | null>;
  epochOf(at?: number): number;
  now(): number;
}
