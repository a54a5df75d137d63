// Core's code uses Node's global Buffer. The proof check's chunk (verify.ts) imports this module before
// core, so the global exists (the `buffer` package: Node's Buffer API over Uint8Array) by the time core's
// modules run; the rest of the console never loads it.
import { Buffer } from 'buffer';

(globalThis as { Buffer?: unknown }).Buffer ??= Buffer;
