type ParseHTML = typeof import('linkedom').parseHTML;
let parser: Promise<ParseHTML> | undefined;
/**
 * linkedom loads on the first comparison, not with the coordinator: it is some 170 modules and a quarter of a
 * second of CPU that a coordinator (and every test process that starts one) pays at start-up otherwise, while
 * spot checks compare a changed page only now and then.
 */
const htmlParser = (): Promise<ParseHTML> => {
  parser ??= import('linkedom').then((m) => m.parseHTML);
  return parser;
};

/** Visible text of an HTML body (scripts and styles dropped), for comparing two fetches of a page. */
export async function visibleText(body: Buffer, contentType: string | null, drop = ''): Promise<string> {
  const text = body.toString('utf8');
  if (contentType && !/html/i.test(contentType)) return text;
  const parseHTML = await htmlParser();
  const { document } = parseHTML(text);
  for (const el of document.querySelectorAll(`script, style, noscript, template${drop}`)) el.remove();
  return (document.body?.textContent ?? document.documentElement?.textContent ?? '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The text two fetches of an HTML page are compared on: its visible text without the page's chrome
 * (navigation, header, footer, asides, frames), where sites put what changes on every request (rotating
 * advertisements, "most read" boxes) and no customer's document comes from, with numbers masked. Other
 * content types compare as text.
 */
export async function comparableText(body: Buffer, contentType: string | null): Promise<string> {
  // Every run of digits reads as one: a render time, a view counter or a "3 minutes ago" changes between
  // two honest fetches, and one changed word would otherwise spoil five shingles.
  return (await visibleText(body, contentType, CHROME)).replace(/\d+/g, '0');
}

const CHROME = ', nav, header, footer, aside, iframe';

/**
 * Jaccard similarity of word 5-gram shingles. A timestamp or counter that changes between two fetches
 * touches a handful of shingles; a rewritten paragraph touches many.
 */
export function shingleSimilarity(a: string, b: string): number {
  const sa = shingles(a);
  const sb = shingles(b);
  if (sa.size === 0 && sb.size === 0) return 1;
  let inter = 0;
  for (const s of sa) if (sb.has(s)) inter++;
  return inter / (sa.size + sb.size - inter);
}

function shingles(text: string): Set<string> {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  const out = new Set<string>();
  if (words.length < 5) {
    if (words.length) out.add(words.join(' '));
    return out;
  }
  for (let i = 0; i + 5 <= words.length; i++) out.add(words.slice(i, i + 5).join(' '));
  return out;
}
