// Regex PII redaction. Hand-written: the npm PII packages are either NER models (too big
// and slow for a per-page hot path) or unmaintained; these three kinds are well served by
// patterns plus a validation step that keeps dates, versions and prices out.

export type PiiKind = 'email' | 'phone' | 'ip';
export type PiiCounts = Record<PiiKind, number>;

export const PII_PLACEHOLDER: Record<PiiKind, string> = { email: '[EMAIL]', phone: '[PHONE]', ip: '[IP]' };

const EMAIL =
  /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}(?![\w-])/g;
const IPV4 =
  /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w.]|\.\d)/g;
const IPV6 =
  /(?<![\w:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,6}(?::[0-9A-Fa-f]{1,4}){1,6}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4})(?![\w:])/g;
const PHONE =
  /(?<![\w+/.-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]\d{2,5}){1,4}(?![\w/]|[.-]\d)/g;

function isPhone(m: string): boolean {
  const digits = m.replace(/\D/g, '');
  if (digits.length < 9 || digits.length > 15) return false;
  if (/^\d{4}[-./]\d{1,2}[-./]\d{1,2}$/.test(m) || /^\d{1,2}[-./]\d{1,2}[-./]\d{4}$/.test(m)) return false; // dates
  const seps = m.match(/[\s.-]/g)?.length ?? 0;
  if (m.startsWith('+') || m.includes('(')) return true;
  if (/^\d{4}\s\d{4}$/.test(m)) return false; // "2019 2020"
  return seps >= 2;
}

/** Replaces emails, IPs and phone numbers by typed placeholders; returns the text and counts. */
export function redactPii(
  text: string,
  counts: PiiCounts = { email: 0, phone: 0, ip: 0 },
): { text: string; counts: PiiCounts } {
  let t = text.replace(EMAIL, () => {
    counts.email++;
    return PII_PLACEHOLDER.email;
  });
  t = t.replace(IPV4, () => {
    counts.ip++;
    return PII_PLACEHOLDER.ip;
  });
  t = t.replace(IPV6, (m) => {
    if (!/[0-9a-f]{1,4}:[0-9a-f]{0,4}:/i.test(m) || /^\d{1,2}:\d{2}(:\d{2})?$/.test(m)) return m;
    counts.ip++;
    return PII_PLACEHOLDER.ip;
  });
  t = t.replace(PHONE, (m) => {
    if (!isPhone(m)) return m;
    counts.phone++;
    return PII_PLACEHOLDER.phone;
  });
  return { text: t, counts };
}
