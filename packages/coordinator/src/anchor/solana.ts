// Solana anchoring (@sward/coordinator/solana): apart from the main entry because it loads @solana/kit,
// an optional peer dependency. openAnchor() imports this file only for a Solana anchor.
export * from './litesvm-transport.js';
export * from './memo-transaction.js';
export * from './payer.js';
export * from './rpc-transport.js';
export * from './solana-anchor.js';
export * from './solana-online-check.js';
export * from './solana-transport.js';
