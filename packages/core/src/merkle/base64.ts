const SHAPE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Standard base64 (RFC 4648 §4) or undefined. Buffer.from(s, 'base64') silently skips bad characters and
 * accepts URL-safe and unpadded text, so signatures and hashes are checked for canonical form first.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!SHAPE.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
