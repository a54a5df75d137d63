import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Blockhash, getBase58Decoder, getTransactionDecoder, type Transaction } from '@solana/kit';

/** Knobs a test turns on the fake node. */
export interface TestingRpcNodeState {
  /** When false, statuses never appear (a dropped transaction). */
  confirm: boolean;
  blockHeight: number;
  readonly polls: Map<string, number>;
  /** Wire bytes (base64) of every executed transaction, by signature. */
  readonly landed: Map<string, string>;
}

/** The litesvm methods the fake node calls; litesvm's LiteSVM satisfies it. */
interface SvmForRpc {
  latestBlockhash(): Blockhash;
  sendTransaction(tx: Transaction): { signature(): Uint8Array } | { err(): unknown };
}

/**
 * Test double: a Solana JSON-RPC node over real HTTP that executes in litesvm, answering the five
 * methods Sward calls. A status shows up only on the second poll, so callers must really poll.
 */
export async function startTestingRpcNode(
  svm: SvmForRpc,
): Promise<{ url: string; state: TestingRpcNodeState; server: Server }> {
  const state: TestingRpcNodeState = { confirm: true, blockHeight: 10, polls: new Map(), landed: new Map() };
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const { id, method, params } = JSON.parse(body) as { id: unknown; method: string; params: unknown[] };
    const reply = (r: object) => res.end(JSON.stringify({ jsonrpc: '2.0', id, ...r }));
    const ctx = { context: { slot: 5 } };
    const sigParam = () => (Array.isArray(params[0]) ? params[0][0] : params[0]) as string;
    switch (method) {
      case 'getLatestBlockhash':
        return reply({
          result: { ...ctx, value: { blockhash: svm.latestBlockhash(), lastValidBlockHeight: 20 } },
        });
      case 'getBlockHeight':
        return reply({ result: state.blockHeight });
      case 'sendTransaction': {
        const wire = params[0] as string;
        const out = svm.sendTransaction(getTransactionDecoder().decode(Buffer.from(wire, 'base64')));
        if ('err' in out)
          return reply({
            error: {
              code: -32002,
              message:
                'Transaction simulation failed: Attempt to debit an account but found no record of a prior credit.',
              data: { err: 'AccountNotFound', logs: [], accounts: null, unitsConsumed: 0, returnData: null },
            },
          });
        const sig = getBase58Decoder().decode(out.signature());
        state.landed.set(sig, wire);
        return reply({ result: sig });
      }
      case 'getSignatureStatuses': {
        const sig = sigParam();
        const n = (state.polls.get(sig) ?? 0) + 1;
        state.polls.set(sig, n);
        const seen = state.confirm && n >= 2 && state.landed.has(sig);
        const status = {
          slot: 7,
          confirmations: 0,
          err: null,
          confirmationStatus: 'confirmed',
          status: { Ok: null },
        };
        return reply({ result: { ...ctx, value: [seen ? status : null] } });
      }
      case 'getTransaction': {
        const wire = state.landed.get(sigParam());
        if (!wire) return reply({ result: null });
        const meta = {
          err: null,
          fee: 5000,
          preBalances: [],
          postBalances: [],
          logMessages: [],
          innerInstructions: [],
        };
        return reply({
          result: { slot: 7, blockTime: 1767225600, version: 0, transaction: [wire, 'base64'], meta },
        });
      }
      default:
        return reply({ error: { code: -32601, message: `no ${method}` } });
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, state, server };
}
