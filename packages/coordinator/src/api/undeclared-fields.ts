/**
 * The fields of `sent` that a schema's parse dropped, by path (`jobs.0.tenant`): zod's objects strip the
 * keys they do not declare, so a key of the answer missing from the parsed answer is one the contract does
 * not name. Records, loose objects and catch-alls keep their keys, so they name none; a transformed value
 * is compared only while both sides are still objects or arrays of one length. Walked without recursion
 * (an answer may nest deep).
 */
export function undeclaredFields(sent: unknown, parsed: unknown, limit = 5): string[] {
  const out: string[] = [];
  const stack: [unknown, unknown, string][] = [[sent, parsed, '']];
  for (let top = stack.pop(); top && out.length < limit; top = stack.pop()) {
    const [a, b, path] = top;
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) continue;
      for (let i = a.length - 1; i >= 0; i--) stack.push([a[i], b[i], `${path}${path ? '.' : ''}${i}`]);
      continue;
    }
    if (!isPlainObject(a) || !isPlainObject(b)) continue;
    const keys = Object.keys(a);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i] as string;
      const at = `${path}${path ? '.' : ''}${k}`;
      if (Object.hasOwn(b, k)) stack.push([a[k], b[k], at]);
      else out.push(at);
    }
  }
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
