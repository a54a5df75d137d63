/**
 * Ledger account ids. Names are URI-encoded so an operator called "a:b" cannot collide with another
 * account's structure. The treasury issues every point (its balance is minus what was ever issued);
 * the distributor holds what closed epochs made claimable.
 */
export const TREASURY = 'treasury';
export const DISTRIBUTOR = 'distributor';

const enc = encodeURIComponent;

export const operatorAccount = (operator: string): string => `op:${enc(operator)}`;
export const referrerAccount = (operator: string): string => `ref:${enc(operator)}`;
export const labellerAccount = (labeller: string): string => `lab:${enc(labeller)}`;
/**
 * Pay-per-crawl money, in micro-USD, never mixed with points in one posting (ledger.ts refuses it): what a
 * customer tenant was charged for pages (negative: owed to the network), and what the network owes each
 * site that charged (settled with the site's payment provider, outside the ledger).
 */
export const customerAccount = (tenant: string): string => `cust:${enc(tenant)}`;
export const siteAccount = (origin: string): string => `site:${enc(origin)}`;
/**
 * What customers paid for pages under creators' terms (creators/page-charges.ts, docs/REWARDS.md), in
 * micro-USD: the creator tenant's royalty, the capturing node operator's share and the network's.
 */
export const creatorAccount = (tenant: string): string => `creator:${enc(tenant)}`;
export const operatorMoneyAccount = (operator: string): string => `op-usd:${enc(operator)}`;
export const NETWORK_MONEY = 'net-usd';
/** Referral rewards of `referrer` from `referee`, held while either is under review. */
export const heldAccount = (referrer: string, referee: string): string =>
  `held:${enc(referrer)}:${enc(referee)}`;

export type AccountClass =
  | 'treasury'
  | 'distributor'
  | 'operator'
  | 'referrer'
  | 'labeller'
  | 'held'
  | 'customer'
  | 'site'
  | 'creator'
  | 'operator-money'
  | 'network-money';

export function accountClass(account: string): AccountClass {
  if (account === TREASURY) return 'treasury';
  if (account === DISTRIBUTOR) return 'distributor';
  if (account === NETWORK_MONEY) return 'network-money';
  const prefix = account.slice(0, account.indexOf(':'));
  const cls = {
    op: 'operator',
    ref: 'referrer',
    lab: 'labeller',
    held: 'held',
    cust: 'customer',
    site: 'site',
    creator: 'creator',
    'op-usd': 'operator-money',
  }[prefix];
  if (!cls) throw new TypeError(`not a ledger account: ${account}`);
  return cls as AccountClass;
}

/** The held account's two parties, or null for any other account. */
export function heldParties(account: string): { referrer: string; referee: string } | null {
  const m = /^held:([^:]*):([^:]*)$/.exec(account);
  return m ? { referrer: decodeURIComponent(m[1] ?? ''), referee: decodeURIComponent(m[2] ?? '') } : null;
}

/**
 * Accounts with a running balance row and a floor; the treasury and distributor are unbounded, and so are
 * the money accounts: a customer's balance is what it owes (below zero), a site's, creator's, operator's
 * or the network's what it is owed.
 */
export const isBounded = (account: string): boolean => {
  const c = accountClass(account);
  return c !== 'treasury' && c !== 'distributor' && !isMoney(account);
};

/** Accounts kept in micro-USD rather than micro-points. */
export const isMoney = (account: string): boolean => {
  const c = accountClass(account);
  return (
    c === 'customer' || c === 'site' || c === 'creator' || c === 'operator-money' || c === 'network-money'
  );
};

/** Accounts whose positive balance an epoch close pays out (held rewards wait for review). */
export const isPayable = (account: string): boolean => {
  const c = accountClass(account);
  return c === 'operator' || c === 'referrer' || c === 'labeller';
};
