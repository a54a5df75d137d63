import canonicalizeModule from 'canonicalize';

// The `canonicalize` package implements RFC 8785 (JCS); its CJS default export needs this cast under NodeNext.
const canonicalizeFn = canonicalizeModule as unknown as (value: unknown) => string | undefined;

/** RFC 8785 canonical JSON text of a value (sorted keys, ECMAScript number form, no whitespace). */
export function canonicalJson(value: unknown): string {
  const out = canonicalizeFn(value);
  if (out === undefined) throw new TypeError('value has no JSON form');
  return out;
}

export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
