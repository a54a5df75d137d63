import { z } from 'zod';

/** Longest URL the API accepts anywhere (seeds, collection sources, webhooks). */
export const MAX_URL_LENGTH = 8192;

// C0 and C1 controls and DEL: the WHATWG parser silently drops tabs and newlines, so a URL with CR/LF or
// NUL inside would be stored as typed and mean something else to the next reader (logs, headers).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Why `raw` is not an acceptable public web URL, or null when it is: http(s) only, an authority with a
 * host written out (`http:///etc/passwd` parses as host "etc" in WHATWG, so the raw text is checked),
 * no user:password, no control characters, at most 8 KiB.
 */
export function webUrlProblem(raw: string): string | null {
  if (raw.length > MAX_URL_LENGTH)
    return `URL is ${raw.length} characters, over the ${MAX_URL_LENGTH} allowed`;
  if (CONTROL.test(raw)) return 'URL contains a control character (NUL, CR, LF, tab…)';
  if (!/^https?:\/\//i.test(raw)) return 'URL must start with http:// or https://';
  if (!/^https?:\/\/[^/\\?#\s]/i.test(raw)) return 'URL has no host';
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'URL does not parse';
  }
  if (!u.hostname) return 'URL has no host';
  if (u.username || u.password) return 'URL must not carry a user name or password';
  return null;
}

/** A public http(s) URL as a zod field: the issue names what is wrong with it. */
export const webUrlSchema = z
  .string()
  .max(MAX_URL_LENGTH, `URL over ${MAX_URL_LENGTH} characters`)
  .superRefine((s, ctx) => {
    const p = webUrlProblem(s);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });
