/**
 * node:url for the console's bundle: core's creator-wire.ts (reached through the rights receipt the proof
 * explorer's capture check imports) normalises domain names with domainToASCII. The WHATWG URL parser
 * does the same IDNA mapping in the browser; anything that is not a bare host name gives '' as Node does.
 */
export function domainToASCII(domain: string): string {
  if (/[\s/\\:@?#%]/.test(domain)) return '';
  try {
    return new URL(`http://${domain}/`).hostname;
  } catch {
    return '';
  }
}
