import { type AppendPlan, appendPlan } from './append-plan.js';
import type { NodeReader, NodeWriter } from './node-store.js';
import {
  assembleConsistencyProof,
  assembleInclusionProof,
  assembleRoot,
  consistencyProofKeys,
  frontierKeys,
  inclusionProofKeys,
  rootKeys,
} from './proof-keys.js';

// Key list -> one batched read -> assemble: the whole generation path for any NodeReader.

export async function readInclusionProof(store: NodeReader, index: number, size: number): Promise<Buffer[]> {
  const hashes = await store.readNodes(inclusionProofKeys(index, size));
  return assembleInclusionProof(index, size, hashes);
}

export async function readConsistencyProof(
  store: NodeReader,
  size1: number,
  size2: number,
): Promise<Buffer[]> {
  const hashes = await store.readNodes(consistencyProofKeys(size1, size2));
  return assembleConsistencyProof(size1, size2, hashes);
}

export async function readRoot(store: NodeReader, size: number): Promise<Buffer> {
  return assembleRoot(size, await store.readNodes(rootKeys(size)));
}

/** One frontier read, one plan, one batched write. The caller serialises appends to one tree. */
export async function appendLeaves(
  store: NodeReader & NodeWriter,
  oldSize: number,
  leafHashes: readonly Uint8Array[],
): Promise<AppendPlan> {
  const plan = appendPlan(oldSize, leafHashes, await store.readNodes(frontierKeys(oldSize)));
  await store.writeNodes(plan.nodes);
  return plan;
}
