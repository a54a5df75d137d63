import type { Scope } from '@sward/core';
import type { Identity } from './api.js';

export interface Section {
  /** The hash route: #/<id>. */
  id: string;
  label: string;
  /** Who it is for, as the navigation groups it. */
  group: 'Customer' | 'Operator' | 'Labeller' | 'Admin';
}

const BY_SCOPE: [Scope, Section][] = [
  ['crawl', { id: 'jobs', label: 'Jobs', group: 'Customer' }],
  ['crawl', { id: 'proofs', label: 'Proof explorer', group: 'Customer' }],
  ['collections', { id: 'collections', label: 'Collections', group: 'Customer' }],
  ['labelling:owner', { id: 'projects', label: 'Labelling projects', group: 'Customer' }],
  ['rewards:admin', { id: 'operators', label: 'Operators', group: 'Operator' }],
  ['rewards:admin', { id: 'flags', label: 'Flags', group: 'Admin' }],
  ['operators:admin', { id: 'nodes', label: 'Nodes', group: 'Admin' }],
  ['keys:admin', { id: 'keys', label: 'Keys', group: 'Admin' }],
  ['network:admin', { id: 'audit', label: 'Audit log', group: 'Admin' }],
  ['network:admin', { id: 'takedowns', label: 'Takedowns', group: 'Admin' }],
];

/**
 * The sections this visitor may open: a key's by its scopes (GET /v1/keys/me), a session's by its kind.
 * Only a convenience: every route the sections call checks the same credential on the server.
 */
export function sectionsFor(who: Identity): Section[] {
  if (who.kind === 'labeller') return [{ id: 'tasks', label: 'My tasks', group: 'Labeller' }];
  if (who.kind === 'node') return [{ id: 'operator', label: 'My nodes and earnings', group: 'Operator' }];
  const scopes = new Set(who.key.scopes);
  return BY_SCOPE.filter(([s]) => scopes.has(s)).map(([, section]) => section);
}
