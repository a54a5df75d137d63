// Charset sniffing in the order of the WHATWG encoding rules that matter in practice:
// BOM, then the Content-Type header, then <meta charset> / http-equiv in the first 1024
// bytes, else UTF-8. Decoding itself is Node's built-in TextDecoder (full ICU).

export interface Decoded {
  text: string;
  charset: string;
  /** Where the charset came from. */
  source: 'bom' | 'header' | 'meta' | 'default';
  warnings: string[];
}

const BOMS: [number[], string][] = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xfe, 0xff], 'utf-16be'],
  [[0xff, 0xfe], 'utf-16le'],
];

function labelOk(label: string): string | null {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return null;
  }
}

export function charsetFromContentType(header: string | undefined | null): string | null {
  const m = header ? /charset\s*=\s*["']?([^"';\s]+)/i.exec(header) : null;
  return m?.[1] ? labelOk(m[1].toLowerCase()) : null;
}

export function charsetFromMeta(head: Uint8Array): string | null {
  const s = Buffer.from(head.subarray(0, 1024)).toString('latin1');
  const m =
    /<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.-]+)/i.exec(s) ??
    /<meta[^>]+content\s*=\s*["'][^"']*charset\s*=\s*([a-zA-Z0-9_:.-]+)/i.exec(s);
  if (!m?.[1]) return null;
  const enc = labelOk(m[1].toLowerCase());
  // a page that says utf-16 in ASCII-compatible bytes cannot be utf-16 (WHATWG: use utf-8)
  return enc?.startsWith('utf-16') ? 'utf-8' : enc;
}

/** Bytes of an HTML page to a string, never throwing; invalid sequences become U+FFFD. */
export function decodeHtml(bytes: Uint8Array, contentTypeHeader?: string | null): Decoded {
  const warnings: string[] = [];
  for (const [sig, enc] of BOMS) {
    if (sig.every((b, i) => bytes[i] === b)) {
      return {
        text: new TextDecoder(enc).decode(bytes.subarray(sig.length)),
        charset: enc,
        source: 'bom',
        warnings,
      };
    }
  }
  let charset = charsetFromContentType(contentTypeHeader);
  let source: Decoded['source'] = 'header';
  if (!charset && contentTypeHeader && /charset/i.test(contentTypeHeader))
    warnings.push('unknown-charset-in-header');
  if (!charset) {
    charset = charsetFromMeta(bytes);
    source = 'meta';
  }
  if (!charset) {
    charset = 'utf-8';
    source = 'default';
  }
  const text = new TextDecoder(charset).decode(bytes);
  if (charset === 'utf-8' && text.includes('\uFFFD')) warnings.push('invalid-utf8');
  return { text, charset, source, warnings };
}
