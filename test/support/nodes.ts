import { join } from 'node:path';
import { type NodeRuntimeOptions, type RunningNode, type StartNodeInput, startNode } from '@sward/node';
import { pino } from 'pino';

/**
 * Starts a node in this process for a loopback test site: its key, fetch log and byte-cap state live in
 * `dir`, `allowPrivate` lets it reach 127.0.0.1, and it polls for leases often so tests stay quick.
 * `extra` overrides any of that (operator, transformBody for a lying node, …).
 */
export async function loopbackNode(
  coordinatorUrl: string,
  dir: string,
  extra: Partial<StartNodeInput> = {},
  runtime: NodeRuntimeOptions = {},
): Promise<RunningNode> {
  const node = await startNode(
    {
      coordinatorUrl,
      keyFile: join(dir, 'node.key'),
      logFile: join(dir, 'node.log'),
      stateFile: join(dir, 'node.state'),
      allowPrivate: true,
      leaseWaitMs: 200,
      ...extra,
    } as StartNodeInput,
    { logger: pino({ level: 'silent' }), ...runtime },
  );
  // a test that stops the node early must not see its loop's end as an unhandled rejection
  node.done.catch(() => undefined);
  return node;
}
