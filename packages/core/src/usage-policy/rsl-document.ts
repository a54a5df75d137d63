import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { CoreError } from '../errors.js';

/**
 * RSL 1.0 licence documents (rslstandard.org/rsl, Recommendation): `<rsl>` in the namespace
 * https://rslstandard.org/rsl holding `<content url server>` elements, each with one or more
 * `<license>` term sets of `<permits|prohibits type="usage|user|geo">` token lists and a `<payment>`.
 * Parsed with fast-xml-parser (pure JS, already the coordinator's feed parser, entity expansion capped).
 */
export const RSL_NAMESPACE = 'https://rslstandard.org/rsl';
export const RSL_MEDIA_TYPE = 'application/rsl+xml';

/** RSL 1.0 §3.4.1.1 usage tokens. */
export const RSL_USAGE_TOKENS = ['all', 'ai-all', 'ai-train', 'ai-input', 'ai-index', 'search'] as const;
/** RSL 1.0 §3.7 payment types. */
export const RSL_PAYMENT_TYPES = [
  'free',
  'purchase',
  'subscription',
  'training',
  'crawl',
  'use',
  'contribution',
  'attribution',
] as const;

export interface RslScope {
  usage?: string[];
  user?: string[];
  geo?: string[];
}

export interface RslPayment {
  /** Absent `type` means free (§3.7). Unknown types are kept as written. */
  type: string;
  amount?: { value: string; currency: string };
  standard?: string;
  custom?: string;
}

export interface RslLicense {
  permits: RslScope;
  prohibits: RslScope;
  payment: RslPayment;
}

export interface RslContent {
  url: string;
  server?: string;
  encrypted: boolean;
  licenses: RslLicense[];
}

export interface RslDocument {
  /** §3.2: days a client may cache the document (default 30). */
  maxAgeDays: number;
  contents: RslContent[];
}

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

const bad = (message: string) => new CoreError('BAD_POLICY_DOCUMENT', `RSL document: ${message}`);
const local = (name: string) => name.slice(name.indexOf(':') + 1);

/** Child elements of `node` whose local name (prefix removed) is `name`. */
function children(node: Node, name: string): Node[] {
  const out: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') || key === '#text' || local(key) !== name) continue;
    for (const item of value as unknown[])
      out.push(typeof item === 'object' && item ? (item as Node) : { '#text': item });
  }
  return out;
}

const attr = (node: Node, name: string): string | undefined => {
  const v = node[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
};
const text = (node: Node): string => (typeof node['#text'] === 'string' ? node['#text'] : '');
/** RSL 1.0 lists are space-separated; the 0.9 draft used commas, still read so as not to miss a "no". */
const tokens = (s: string) => s.split(/[\s,]+/).filter(Boolean);

function scope(license: Node, element: 'permits' | 'prohibits'): RslScope {
  const out: RslScope = {};
  for (const el of children(license, element)) {
    const type = attr(el, 'type') ?? 'usage';
    if (type !== 'usage' && type !== 'user' && type !== 'geo') continue;
    out[type] = [...(out[type] ?? []), ...tokens(text(el))];
  }
  return out;
}

function payment(license: Node): RslPayment {
  const el = children(license, 'payment')[0];
  if (!el) return { type: 'free' };
  const out: RslPayment = { type: attr(el, 'type') ?? 'free' };
  const amount = children(el, 'amount')[0];
  if (amount) {
    const currency = attr(amount, 'currency');
    const value = text(amount);
    if (!currency || !/^[A-Z]{3}$/.test(currency)) throw bad('<amount> needs an ISO 4217 currency attribute');
    if (!/^\d+(\.\d+)?$/.test(value)) throw bad(`<amount> "${value.slice(0, 40)}" is not a decimal`);
    out.amount = { value, currency };
  }
  const standard = children(el, 'standard')[0];
  if (standard) out.standard = text(standard);
  const custom = children(el, 'custom')[0];
  if (custom) out.custom = text(custom);
  return out;
}

/** Parses an RSL document; throws CoreError('BAD_POLICY_DOCUMENT') naming what is wrong. */
export function parseRslDocument(xml: string): RslDocument {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw bad(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  }
  const top = parser.parse(xml) as Node;
  const rootKey = Object.keys(top).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  if (!rootKey || local(rootKey) !== 'rsl') throw bad(`root element is <${rootKey ?? ''}>, not <rsl>`);
  const root = (top[rootKey] as Node[])[0] ?? {};
  const prefix = rootKey.includes(':') ? rootKey.slice(0, rootKey.indexOf(':')) : '';
  const ns = attr(root, prefix ? `xmlns:${prefix}` : 'xmlns');
  if (ns !== RSL_NAMESPACE) throw bad(`namespace is "${ns ?? ''}", not ${RSL_NAMESPACE}`);
  const maxAge = attr(root, 'max-age');
  if (maxAge !== undefined && !/^[1-9]\d*$/.test(maxAge))
    throw bad(`max-age "${maxAge}" is not a positive integer`);
  const contents = children(root, 'content').map((c): RslContent => {
    const url = attr(c, 'url');
    if (url === undefined) throw bad('<content> without the required url attribute');
    const licenses = children(c, 'license').map((l) => ({
      permits: scope(l, 'permits'),
      prohibits: scope(l, 'prohibits'),
      payment: payment(l),
    }));
    if (licenses.length === 0) throw bad(`<content url="${url.slice(0, 200)}"> has no <license>`);
    const server = attr(c, 'server');
    return { url, ...(server ? { server } : {}), encrypted: attr(c, 'encrypted') === 'true', licenses };
  });
  if (contents.length === 0) throw bad('no <content> element');
  return { maxAgeDays: maxAge ? Number(maxAge) : 30, contents };
}
