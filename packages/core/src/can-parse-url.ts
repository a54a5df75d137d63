/*
 * URL.canParse without Node 20's fast-API fault. Once V8 optimises a caller of URL.canParse, Node 20 (and
 * 22) hands a one-byte string's Latin-1 bytes to the URL parser, which reads them as UTF-8: for text with
 * characters U+0080–U+00FF the optimised call can answer the opposite of `new URL` (measured on Node
 * 20.20.2 after ~2,000 calls: "http://\u00d9\u00a8" true where `new URL` throws, "https://b\u00fccher.example/"
 * false where it parses; AikidoSec/firewall-node#1086 reports the second). ASCII text is the same bytes in
 * both encodings, so it keeps the fast call; anything else is parsed for real. Node 24 has no such fault.
 *
 * zod's url() asks URL.canParse too (zod 4.6: `canParseURL`), so a capture's URL was accepted or refused by
 * the schema depending on how hot the process was: the same bundle row could verify in one run and not in
 * the next. Importing this module therefore also puts the safe version in URL.canParse's place on Node < 24
 * (the schemas that use url() import it); in a browser nothing is replaced.
 */
const NON_ASCII = /\P{ASCII}/u;
// Browsers from before URL.canParse (2023) parse every URL for real.
const nativeCanParse: ((input: string, base?: string) => boolean) | null =
  typeof URL.canParse === 'function' ? URL.canParse.bind(URL) : null;

/** Whether `new URL(input, base)` would succeed, the same answer however hot the caller is. */
export function canParseUrl(input: string, base?: string): boolean {
  if (nativeCanParse && !NON_ASCII.test(input) && (base === undefined || !NON_ASCII.test(base)))
    return nativeCanParse(input, base);
  try {
    new URL(input, base);
    return true;
  } catch {
    return false;
  }
}

const major = Number(globalThis.process?.versions?.node?.split('.')[0] ?? Number.NaN);
if (major < 24 && !(URL.canParse as { swardSafe?: true }).swardSafe) {
  const safe = (input: unknown, base?: unknown): boolean =>
    // As the native one: arguments are made strings, an undefined base means none.
    canParseUrl(`${input}`, base === undefined ? undefined : `${base}`);
  Object.defineProperty(safe, 'swardSafe', { value: true });
  Object.defineProperty(URL, 'canParse', {
    value: safe,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}
