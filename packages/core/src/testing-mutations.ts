// Test support (not exported by the package): mutations of well-formed JSON values, for property tests that
// a hand-written fast check never accepts what its zod schema refuses (capture-shape.test.ts,
// bundle/bundle-row-shape.test.ts).
import fc from 'fast-check';

/** Values on the edges of the schemas' checks: URLs zod's url() trims or refuses, lengths, times, numbers. */
const EDGES: unknown[] = [
  '',
  ' ',
  'x',
  'ab',
  'https://example.org/',
  ' https://example.org/',
  'https://example.org/ ',
  'https://exa\tmple.org/',
  'https://example.org/a\nb',
  'https://example.org/\r',
  '\u2028https://example.org/',
  'https://example.org/\u00a0',
  'http:example.com',
  'https:/path',
  'not a url',
  '//example.org/',
  'mailto:a@example.org',
  'javascript:alert(1)',
  `https://example.org/${'a'.repeat(8172)}`,
  `https://example.org/${'a'.repeat(8173)}`,
  'a'.repeat(100),
  'a'.repeat(101),
  'a'.repeat(8192),
  'a'.repeat(8193),
  'f'.repeat(64),
  'F'.repeat(64),
  'g'.repeat(64),
  '0'.repeat(63),
  '0'.repeat(65),
  '2026-01-01T00:00:00Z',
  '2026-01-01T00:00:00.123456789+05:30',
  '2026-02-29T00:00:00Z',
  '2024-02-29T00:00:00Z',
  '2026-01-01T24:00:00Z',
  '2026-01-01T00:00Z',
  '2026-01-01T00:00:00',
  '2026-01-01 00:00:00Z',
  '2026-01-01T00:00:00+24:00',
  '2026-01-01T00:00:00z',
  `${'A'.repeat(86)}==`,
  `${'A'.repeat(86)}=`,
  `${'A'.repeat(87)}=`,
  `${'A'.repeat(85)}===`,
  'A'.repeat(88),
  'AAAA',
  'AAA=',
  'A===',
  '====',
  'A-_A',
  'AA AA',
  'content-type',
  'Content-Type',
  'location',
  '200',
  0,
  -0,
  1,
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  2 ** 53,
  2 ** 53 - 1,
  -(2 ** 53),
  99,
  100,
  299,
  300,
  399,
  400,
  599,
  600,
  64,
  65,
  1e21,
  null,
  undefined,
  true,
  false,
  [],
  {},
  [1],
  { a: 1 },
];

/** An edge value, or anything fast-check makes. */
export const edgeValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EDGES) },
  { weight: 1, arbitrary: fc.anything() },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.integer() },
);

type Path = (string | number)[];

const isContainer = (x: unknown): x is Record<string | number, unknown> =>
  typeof x === 'object' && x !== null;

/** Every path inside `x`, its own ([]) first. */
function pathsOf(x: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (isContainer(x)) for (const k of Object.keys(x)) out.push(...pathsOf(x[k], [...at, k]));
  return out;
}

export interface Mutation {
  pick: number;
  op: 'set' | 'delete' | 'add' | 'reorder' | 'nullProto' | 'wrap' | 'resize';
  key: string;
  value: unknown;
}

const copy = (x: unknown): unknown => {
  try {
    return structuredClone(x);
  } catch {
    return x;
  }
};

const KEYS = ['extra', '__proto__', 'constructor', 'toString', 'url', 'v', 'etag', 'capture'];

const mutation: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom('set', 'set', 'set', 'delete', 'add', 'reorder', 'nullProto', 'wrap'),
  key: fc.constantFrom(...KEYS),
  // apply() copies it: the edge values are shared, and a later mutation may change what it was given.
  value: edgeValue,
});

export function apply(root: unknown, mutation: Mutation): unknown {
  // A copy of the value, every time: fast-check reuses a run's mutations while it shrinks, and a value put in
  // the tree may be changed there by a later mutation; sharing it made a counterexample that did not replay.
  const m = { ...mutation, value: copy(mutation.value) };
  const paths = pathsOf(root);
  const path = paths[m.pick % paths.length] as Path;
  const change = (x: unknown): unknown => {
    switch (m.op) {
      case 'set':
        return m.value;
      case 'wrap':
        return [x];
      case 'add':
        if (Array.isArray(x)) return [...x, m.value];
        if (!isContainer(x)) return m.value;
        // defineProperty: an own "__proto__" key, as JSON.parse makes one.
        Object.defineProperty(x, m.key, {
          value: m.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        return x;
      case 'reorder':
        if (Array.isArray(x)) return [...x].reverse();
        if (!isContainer(x)) return x;
        return Object.fromEntries(Object.entries(x).reverse());
      case 'nullProto':
        return isContainer(x) && !Array.isArray(x) ? Object.assign(Object.create(null), x) : x;
      case 'delete':
        return DELETE;
      case 'resize': {
        // An array of length `key` (the schemas' bounds), its own elements repeated.
        if (!Array.isArray(x) || x.length === 0) return x;
        return Array.from({ length: Number(m.key) }, (_, i) => copy(x[i % x.length]));
      }
    }
  };
  if (path.length === 0) {
    const r = change(root);
    return r === DELETE ? undefined : r;
  }
  let parent = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const key = path[path.length - 1] as string | number;
  const r = change(parent[key]);
  if (r !== DELETE) parent[key] = r;
  else if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return root;
}
const DELETE = Symbol('delete');

/** Around the schemas' array bounds (20 redirects, 64 proof hashes). */
const ARRAY_LENGTHS = [19, 20, 21, 63, 64, 65];

/**
 * Every single mutation of `base` over the edge values, exhaustively: at each path inside it, each edge
 * value set, the key deleted, each extra key added, the keys reordered, a null prototype, an array around,
 * an array resized around the schemas' bounds.
 */
export function* everySingleMutation(base: unknown): Generator<unknown> {
  const count = pathsOf(base).length;
  const ops: Omit<Mutation, 'pick'>[] = [
    ...EDGES.map((value) => ({ op: 'set' as const, key: '', value })),
    ...KEYS.map((key) => ({ op: 'add' as const, key, value: 1 })),
    ...(['delete', 'reorder', 'nullProto', 'wrap'] as const).map((op) => ({ op, key: '', value: null })),
    ...ARRAY_LENGTHS.map((n) => ({ op: 'resize' as const, key: String(n), value: null })),
  ];
  for (let pick = 0; pick < count; pick++)
    for (const o of ops) yield apply(structuredClone(base), { pick, ...o });
}

/** `base` (a JSON value) after one to three mutations: a value set, a key deleted or added, keys reordered… */
export function mutated(base: unknown): fc.Arbitrary<unknown> {
  return fc
    .array(mutation, { minLength: 1, maxLength: 3 })
    .map((ms) => ms.reduce((x, m) => apply(x, m), structuredClone(base) as unknown));
}
