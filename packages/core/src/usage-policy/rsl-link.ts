import { RSL_MEDIA_TYPE } from './rsl-document.js';

/** An absolute http(s) URL, normalised; anything else names no licence. */
export function absolute(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

/** A link whose rel includes `license` and whose type is RSL's media type (§4.5, §4.6). */
export const isRslLicense = (rel: string | undefined, type: string | undefined) =>
  (rel ?? '').toLowerCase().split(/\s+/).includes('license') &&
  (type ?? '').split(';')[0]?.trim().toLowerCase() === RSL_MEDIA_TYPE;
