// The proof explorer's verification, loaded on first use: the Buffer global first, then core's own check.
import './shims/buffer-global.js';

export { verifyRowProof } from '@sward/core/row-proof';
