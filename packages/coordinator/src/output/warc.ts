import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import type { WARCRecord } from 'warcio';

/** One fetched page as it goes into a WARC `response` record. */
export interface WarcResponse {
  url: string;
  /** ISO 8601 time of the fetch; becomes WARC-Date. */
  fetchedAt: string;
  status: number;
  statusText?: string;
  /** Response headers as received. */
  headers: Record<string, string>;
  /** The entity body as the crawler holds it (already de-chunked and decompressed). */
  body: Uint8Array;
  ip?: string;
  /** Our capture id, kept so a WARC record can be traced back to its signed capture. */
  captureId?: string;
}

export interface WarcWriter {
  /** Appends one `response` record; returns its WARC-Record-ID. Calls are serialised in order. */
  writeResponse(res: WarcResponse): Promise<string>;
  close(): Promise<void>;
}

export interface WarcWriterOptions {
  software?: string;
  /** Gzip each record on its own (the usual `.warc.gz` layout); defaults to true when the path ends in `.gz`. */
  gzip?: boolean;
}

const WARC_VERSION = 'WARC/1.1' as const;

// The body we store is the decoded entity, so headers describing a transfer/content coding would lie
// to a replay tool; keep the original value under another name, as archiving crawlers do.
const CODING_HEADERS = new Set(['transfer-encoding', 'content-encoding']);

function httpHeaderPairs(headers: Record<string, string>, bodyLength: number): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'content-length') continue;
    out.push([CODING_HEADERS.has(lower) ? `X-Sward-Original-${name}` : name, value]);
  }
  out.push(['Content-Length', String(bodyLength)]);
  return out;
}

/**
 * Writes crawl output as WARC 1.1 with webrecorder's warcio.js, which computes Content-Length,
 * WARC-Block-Digest and WARC-Payload-Digest (sha256) itself. The file starts with a warcinfo record.
 */
export function createWarcWriter(filePath: string, opts: WarcWriterOptions = {}): WarcWriter {
  const gzip = opts.gzip ?? filePath.endsWith('.gz');
  const out = createWriteStream(filePath);
  let streamError: unknown = null;
  out.on('error', (e) => {
    streamError = e;
  });
  const filename = filePath.split(/[\\/]/).pop() ?? filePath;

  // warcio (with pako, ~17 modules) loads with the first WARC written, not with every coordinator.
  const warcio = import('warcio');
  const write = async (record: WARCRecord): Promise<void> => {
    const bytes = await (await warcio).WARCSerializer.serialize(record, { gzip });
    if (streamError) throw streamError;
    if (!out.write(bytes)) await once(out, 'drain');
  };

  const info = warcio.then(({ WARCRecord }) =>
    WARCRecord.createWARCInfo(
      { filename, warcVersion: WARC_VERSION },
      {
        software: opts.software ?? 'Sward',
        format: 'WARC File Format 1.1',
        conformsTo: 'https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/',
      },
    ),
  );
  const warcinfoId = info.then((i) => i.warcHeaders.headers.get('WARC-Record-ID') ?? '');
  // handled here; a failed warcio load still reaches every write through `tail` and this promise
  warcinfoId.catch(() => undefined);
  // A promise chain keeps records in call order even when callers do not await each write.
  let tail: Promise<unknown> = info.then(write);
  // Marked handled here; the failure still reaches the next write and close() through `tail`.
  tail.catch(() => undefined);
  let closed = false;

  return {
    writeResponse(res) {
      if (closed) return Promise.reject(new Error(`WARC writer for ${filePath} is closed`));
      const warcHeaders: [string, string][] = [];
      if (res.ip) warcHeaders.push(['WARC-IP-Address', res.ip]);
      if (res.captureId) warcHeaders.push(['WARC-Sward-Capture-ID', res.captureId]);
      const fields = {
        url: res.url,
        date: new Date(res.fetchedAt).toISOString(),
        type: 'response' as const,
        warcVersion: WARC_VERSION,
        statusline: `HTTP/1.1 ${res.status} ${res.statusText ?? STATUS_CODES[res.status] ?? ''}`.trimEnd(),
        httpHeaders: httpHeaderPairs(res.headers, res.body.length),
      };
      const done = tail.then(async () => {
        const { WARCRecord } = await warcio;
        const record = WARCRecord.create(
          { ...fields, warcHeaders: [['WARC-Warcinfo-ID', await warcinfoId], ...warcHeaders] },
          [res.body],
        );
        await write(record);
        return record.warcHeaders.headers.get('WARC-Record-ID') ?? '';
      });
      tail = done.catch(() => undefined);
      return done;
    },
    async close() {
      if (closed) return;
      closed = true;
      await tail;
      await new Promise<void>((resolve, reject) =>
        out.end((e?: Error | null) => (e ? reject(e) : resolve())),
      );
      if (streamError) throw streamError;
    },
  };
}
