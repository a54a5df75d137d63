// Worker thread entry of the extraction pool (extraction-pool.ts): turns a stored page's body into its
// document, exactly as `sward verify --rederive` rebuilds it (decodeHtml, then extract at the final URL).
import { parentPort } from 'node:worker_threads';
import { decodeHtml, EXTRACTOR, extract, type PiiOption } from '@sward/extract';

export interface ExtractionRequest {
  id: number;
  body: Uint8Array;
  contentType: string | undefined;
  finalUrl: string;
  /** The job's choice of personal data to redact (its `keepPii`, turned round). */
  redactPii: PiiOption;
}

export type ExtractionReply = { id: number; doc: Record<string, unknown> } | { id: number; error: string };

const port = parentPort;
if (!port) throw new Error('extraction-worker runs as a worker thread');
port.on('message', (m: ExtractionRequest) => {
  try {
    const { text } = decodeHtml(
      Buffer.from(m.body.buffer, m.body.byteOffset, m.body.byteLength),
      m.contentType,
    );
    // The extractor's id goes with the document: a bundle names it, and --rederive rebuilds with it.
    const doc = { ...extract(text, { url: m.finalUrl, redactPii: m.redactPii }), extractor: EXTRACTOR };
    port.postMessage({ id: m.id, doc } satisfies ExtractionReply);
  } catch (e) {
    port.postMessage({
      id: m.id,
      error: e instanceof Error ? e.message : String(e),
    } satisfies ExtractionReply);
  }
});
port.postMessage({ ready: true });
