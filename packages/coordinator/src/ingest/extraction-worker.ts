// Worker thread entry of the extraction pool (extraction-pool.ts): turns a stored page's body into its
// document, exactly as `sward verify --rederive` rebuilds it (decodeHtml, then extract at the final URL).
// The thread does the whole page's work: it reads the body from the blob store itself (a synchronous read
// here costs the coordinator's main thread nothing, where a read there went through libuv's pool and a
// copy to transfer), parses the signed record for the final URL and Content-Type, and answers with the
// document already as the JSON the documents table stores, so the main thread neither rebuilds the object
// from the message nor serialises it again.
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { decodeHtml, EXTRACTOR, extract, type PiiOption } from '@sward/extract';
import { type CheckpointTask, isCheckpointTask, runCheckpointTask } from '../store/sqlite-checkpoint-task.js';

/** One page to extract. */
export interface ExtractionItem {
  /** The body's file in the blob store. */
  bodyPath: string;
  /** The capture's signed record (canonical JSON): the document is bound to its final URL and Content-Type. */
  signed: string;
  /** The job's choice of personal data to redact (its `keepPii`, turned round). */
  redactPii: PiiOption;
}

/**
 * The pages of a round given to this thread, in one message, answered in one message (`answers` in the
 * same order): a message a page cost the main thread a postMessage and a reply event per page.
 */
export interface ExtractionRequest {
  id: number;
  items: ExtractionItem[];
}

export type ExtractionAnswer = { json: string } | { missing: true } | { error: string };

export interface ExtractionReply {
  id: number;
  answers: ExtractionAnswer[];
}

/** The stored document of one page: what the documents table holds, as JSON. */
export function documentJson(body: Uint8Array, signed: string, redactPii: PiiOption): string {
  const { capture } = JSON.parse(signed) as {
    capture: { finalUrl: string; headers: Record<string, string> };
  };
  const { text } = decodeHtml(body, capture.headers['content-type']);
  // The extractor's id goes with the document: a bundle names it, and --rederive rebuilds with it.
  return JSON.stringify({ ...extract(text, { url: capture.finalUrl, redactPii }), extractor: EXTRACTOR });
}

function answer(m: ExtractionItem): ExtractionAnswer {
  let body: Buffer;
  try {
    body = readFileSync(m.bodyPath);
  } catch (e) {
    // a blob store that lost a body: the pool logs it and leaves the page on the queue
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
    return { error: e instanceof Error ? e.message : String(e) };
  }
  try {
    return { json: documentJson(body, m.signed, m.redactPii) };
  } catch (e) {
    // one page's failure is its own: the others of the message are answered
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

const port = parentPort;
if (port) {
  port.on('message', (m: ExtractionRequest | CheckpointTask) => {
    // The store's WAL checkpoints (extraction-pool.ts hands them here): a timer between batches.
    if (isCheckpointTask(m)) return runCheckpointTask(m);
    port.postMessage({ id: m.id, answers: m.items.map(answer) } satisfies ExtractionReply);
  });
  port.postMessage({ ready: true });
}
